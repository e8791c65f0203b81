"""招标公告 in a real browser, in the manual's words (004 §3.7), with the real agent process:

the agency's tender document is submitted and its opening room approved; the agency logs in with
its certificate, 「新增招标公告」, tries 「提交信息」 before sealing (refused, the 签署意见 kept),
seals at 采购代理机构（盖章） through the agent's window, submits; 常德's reviewer reads it in the
queue and approves; the agency sees it 已发布 and the published PDF, fetched as anyone would, is the
sealed version byte for byte and verifies in pdfsig.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from centers.grants import permissions_grant
from democa import issuing
from pki import services as pki_services
from procurement import announcement_rules as rules
from procurement import deadlines, tenders
from procurement.announcement_models import Announcement, AnnouncementStatus
from review.models import ReviewItem, ReviewKind, StaffRole
from tests.centers.factories import unit_key, unit_seal
from tests.centers.people_factories import unit_actor
from tests.e2e.agentparts import PIN, field, flash, log_in_by_certificate, serial, submit
from tests.e2e.centerparts import center_staff, known_unit, seeded_center, side_link, table_row
from tests.e2e.procurementparts import approve_in_queue, seal_on_signing_page
from tests.procurement.tender_factories import make_tender, seal_as_agency
from tests.procurement.venue_factories import (
    approved_booking,
    approved_project,
    center_admin,
    from_today,
    make_room,
)
from tests.review.parts import actor_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGENCY = "常德沅澧招标代理有限公司"
PLACE = "采购代理机构（盖章）"


def outside_the_browsers_loop(call: Callable[[], object]) -> None:
    """Runs `call` in a thread of its own: sealing runs pyHanko's asyncio, which cannot start in
    this thread, where Playwright's event loop is running."""

    def run() -> None:
        try:
            call()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(run).result()


def test_the_agency_seals_and_submits_the_tender_notice_and_the_center_publishes_it(
    browser: Browser, live_server, page: Page, context: BrowserContext, shot, tmp_path, trusted, token, agent
):
    changde = seeded_center("changde")
    account, entry = known_unit(changde, AGENCY)
    permissions_grant(center=changde, center_subject=entry, because="主体信息审核通过", now=timezone.now())
    reviewer = actor_of(center_staff("changde_reviewer", changde, StaffRole.REVIEWER, name="周敏"))
    unit = account.subject
    # The USB key's certificate, bound as its first login binds it, and a soft one that sealed the
    # tender document before this journey; the unit seal is tied to both.
    unit_pem = issuing.token_certificate(
        trusted["rsa"], token_label=token, pin=PIN, name=unit.name, code=unit.code
    )
    pki_services.certificate_bind(
        actor=unit_actor(account, "certificate"),
        subject=unit,
        holder=pki_services.certificate_check(certificate=unit_pem),
        how="first_login",
    )
    earlier_key = unit_key(trusted["rsa"], account)
    unit_seal(account)

    # Before the journey: the project approved, its opening room approved at the bid deadline, and
    # the tender document sealed and submitted (the agency journey walks those pages).
    project = approved_project(account, entry, reviewer, name="常德市第一中学教学设备采购项目")
    room = make_room(center_admin(changde), changde, name="公告测试开标室")
    issued = from_today(1, 9)
    opening = deadlines.earliest(deadlines.BID_DEADLINE, issued)
    approved_booking(account, project, room, opening, reviewer, lots=list(project.lots.all()))
    tender = make_tender(
        account,
        entry,
        project,
        now=timezone.now(),
        documents_from=issued,
        documents_until=from_today(12, 17),
        bid_deadline=opening,
    )
    outside_the_browsers_loop(lambda: seal_as_agency(account, tender.document, earlier_key))
    tenders.tender_submit(actor=unit_actor(account), tender=tender)

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

    # 5. The published PDF, as anyone fetches it: the sealed version, byte for byte, and valid.
    link = page.get_by_role("link", name="已发布的公告（PDF）").first
    published = page.request.get(link.get_attribute("href") or "")
    assert published.status == 200
    assert hashlib.sha256(published.body()).hexdigest() == notice.submitted_sha256
    path = tmp_path / "published.pdf"
    path.write_bytes(published.body())
    checked = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
    assert "Signature is Valid" in checked.stdout, checked.stdout
