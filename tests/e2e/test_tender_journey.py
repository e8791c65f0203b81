"""招标文件 and 答疑文件 (004 §3.5–3.6) in a real browser with the real certificate agent (issue 14).

An agency whose project 常德 approved logs in with its unit key, picks the project and its lots,
fills in the 范本 with a bid deadline too early for 政府采购法 art. 35 — refused, citing the
article and the earliest allowed time, with everything typed kept — then a lawful one; seals the
rendered 招标文件 at 采购代理机构（盖章） with the PIN in the agent's window and 「确认提交」; then
publishes 第1次澄清, sealed the same way.
"""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from centers.grants import permissions_grant
from democa import issuing
from procurement import deadlines, services
from procurement.tender_models import TenderDocument
from review.models import StaffRole
from signing import services as signing_services
from tests.centers.people_factories import decide, unit_actor
from tests.e2e.agentparts import (
    PIN,
    button,
    field,
    log_in_by_certificate,
    serial,
)
from tests.e2e.centerparts import accept_confirm, center_staff, known_unit, seeded_center, side_link
from tests.e2e.procurementparts import TYPED, next_monday, seal_on_signing_page
from tests.procurement.factories import make_project
from tests.review.parts import actor_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGENCY = "常德沅澧招标代理有限公司"
PROJECT = "常德市第一中学教学设备采购项目"


def test_agency_makes_seals_and_submits_the_tender_document_then_a_clarification(
    live_server, page: Page, context: BrowserContext, shot, soft, trusted, token, agent
):
    changde = seeded_center("changde")
    account, entry = known_unit(changde, AGENCY)
    permissions_grant(center=changde, center_subject=entry, because="主体信息审核通过", now=timezone.now())
    reviewer = center_staff("changde_reviewer", changde, StaffRole.REVIEWER, name="周敏")
    project = make_project(account, entry, name=PROJECT)
    services.project_submit(actor=unit_actor(account), project=project)
    decide(actor_of(reviewer), project, approve=True, opinion="同意。")
    unit = account.subject
    unit_pem = issuing.token_certificate(
        trusted["rsa"], token_label=token, pin=PIN, name=unit.name, code=unit.code
    )

    # 1. Certificate login (binding the key), the unit's seal made, then 招标文件 → 新增交易文件.
    log_in_by_certificate(page, agent, serial(unit_pem))
    page.wait_for_url(re.compile(r"/registry/basic/$"))
    signing_services.seal_create_unit(actor=unit_actor(account, "certificate"), subject=unit)
    page.goto(f"/centers/{changde.code}/")
    side_link(page, "招标文件")
    page.get_by_role("link", name="新增交易文件").click()
    page.locator("table tbody tr", has_text=PROJECT).get_by_role("link", name="选择分包").click()
    for lot in project.lots.order_by("number"):
        page.get_by_label(str(lot)).check()

    # 2. Dates: documents from next Monday; a deadline ten days on is refused with the article.
    opens = next_monday(9)
    too_early = opens + dt.timedelta(days=10)
    field(page, "文件获取开始时间").fill(opens.strftime(TYPED))
    field(page, "文件获取截止时间").fill((opens + dt.timedelta(days=9, hours=8)).strftime(TYPED))
    field(page, "投标截止时间（开标时间）").fill(too_early.strftime(TYPED))
    field(page, "开标地点").fill("常德市公共资源交易中心第一开标室")
    refusal = deadlines.check(deadlines.BID_DEADLINE, opens, too_early)
    assert refusal and "第三十五条" in refusal
    expect(page.locator("main")).to_contain_text("最早可定于")  # the live hint once 文件获取开始 is filled
    shot(page, "tender-form-too-early")
    button(page, "保存").click()
    expect(page.locator("main")).to_contain_text(refusal)
    expect(field(page, "开标地点")).to_have_value("常德市公共资源交易中心第一开标室")
    shot(page, "tender-deadline-refused-with-article")
    assert not TenderDocument.objects.exists()

    lawful = deadlines.earliest(deadlines.BID_DEADLINE, opens)
    field(page, "投标截止时间（开标时间）").fill(timezone.localtime(lawful).strftime(TYPED))
    button(page, "保存").click()
    expect(page.get_by_role("link", name="去签章（新窗口）")).to_be_visible()
    shot(page, "tender-rendered")

    # 3. Sealed at 采购代理机构（盖章）, then 「确认提交」.
    seal_on_signing_page(page, context, agent, AGENCY, "采购代理机构（盖章）", shot, "tender")
    page.get_by_role("link", name="我已签章，刷新状态").click()
    accept_confirm(page)
    button(page, "确认提交").click()
    expect(page.locator("main")).to_contain_text("已提交")
    shot(page, "tender-submitted")
    tender = TenderDocument.objects.get()
    assert tender.status == "submitted"

    # 4. 第1次澄清, sealed and submitted.
    page.get_by_role("link", name="新增答疑文件").click()
    field(page, "澄清或修改内容").fill("第1包交货地点更正为：常德市第一中学新校区。")
    button(page, "保存").click()
    expect(page.locator("main")).to_contain_text("第1次澄清")
    seal_on_signing_page(page, context, agent, AGENCY, "采购代理机构（盖章）", shot, "clarification")
    page.get_by_role("link", name="我已签章，刷新状态").first.click()
    accept_confirm(page)
    page.locator("form", has=page.get_by_role("button", name="确认提交")).last.get_by_role(
        "button", name="确认提交"
    ).click()
    expect(page.locator("main")).to_contain_text("第1次澄清")
    shot(page, "clarification-submitted")
    assert tender.clarifications.get().status == "submitted"
