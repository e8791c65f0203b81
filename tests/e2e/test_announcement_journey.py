"""招标公告 in a real browser, in the manual's words (004 §3.7), with the real agent process:

the agency's tender document is submitted and its opening room approved; the agency logs in with
its certificate, 「新增招标公告」, tries 「提交信息」 before sealing (refused, the 签署意见 kept),
seals at 采购代理机构（盖章） through the agent's window, submits; 常德's reviewer reads it in the
queue and approves; the agency sees it 已发布 and the published PDF, fetched as anyone would, is the
sealed version byte for byte and verifies in pdfsig.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from procurement import announcement_rules as rules
from procurement.announcement_models import Announcement, AnnouncementStatus
from review.models import ReviewItem, ReviewKind
from tests.e2e.agentparts import field, flash, log_in_by_certificate, serial, submit
from tests.e2e.centerparts import side_link, table_row
from tests.e2e.procurementparts import (
    approve_in_queue,
    published_and_verified,
    seal_on_signing_page,
    tender_ready,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGENCY = "常德沅澧招标代理有限公司"
PLACE = "采购代理机构（盖章）"


def test_the_agency_seals_and_submits_the_tender_notice_and_the_center_publishes_it(
    browser: Browser, live_server, page: Page, context: BrowserContext, shot, tmp_path, trusted, token, agent
):
    ready = tender_ready(trusted, token, AGENCY)
    changde, project, unit = ready.center, ready.project, ready.account.subject
    unit_pem = ready.unit_pem

    # 1. Certificate login, then 招标公告: the submitted tender document is offered.
    log_in_by_certificate(page, agent, serial(unit_pem), shot, "agency")
    page.wait_for_url(re.compile(r"/registry/basic/$"))
    page.goto(f"/centers/{changde.code}/")
    side_link(page, "招标公告")
    row = table_row(page, project.code).filter(has=page.get_by_role("button", name="新增招标公告"))
    shot(page, "notice-list")
    with page.expect_navigation():
        row.get_by_role("button", name="新增招标公告").click()
    expect(flash(page)).to_contain_text(rules.CREATED.format(kind="招标公告"))
    shot(page, "notice-made")

    # 2. 「提交信息」 before sealing: refused on the page, the 签署意见 kept.
    field(page, "签署意见").fill("同意发布，请审核。")
    submit(page, "提交信息")
    expect(page.locator("main")).to_contain_text(rules.NOT_SEALED.format(kind="招标公告", name=unit.name))
    expect(field(page, "签署意见")).to_have_value("同意发布，请审核。")
    shot(page, "notice-not-sealed")

    # 3. Sealed at 采购代理机构（盖章） through the agent's window, then submitted.
    seal_on_signing_page(page, context, agent, AGENCY, PLACE, shot, "notice")
    page.get_by_role("link", name="我已签章，刷新状态").click()
    expect(page.locator("main")).to_contain_text("已加盖本单位电子签章")
    field(page, "签署意见").fill("同意发布。")
    submit(page, "提交信息")
    expect(flash(page)).to_contain_text(rules.SUBMITTED.format(kind="招标公告", center=changde.name))
    expect(page.locator(".head-badges")).to_contain_text("待审核")
    shot(page, "notice-submitted")

    # 4. 常德's reviewer reads it in the queue and approves: published at once.
    title = ReviewItem.objects.get(kind=ReviewKind.ANNOUNCEMENT).title
    approve_in_queue(browser, live_server.url, shot, "notice", title, "投标截止时间", "同意发布。", AGENCY)
    page.reload()
    expect(page.locator(".head-badges")).to_contain_text("已发布")
    shot(page, "notice-published")
    notice = Announcement.objects.get()
    assert notice.status == AnnouncementStatus.PUBLISHED

    # 5. The published PDF, as anyone fetches it: the sealed version, byte for byte, valid in pdfsig
    # and on the public verify page.
    published_and_verified(page, browser, live_server.url, notice, tmp_path, AGENCY, shot, "notice")
