"""The agency's way through 常德 in one browser session (004 §1.3, §3.1–3.6; issue 14).

A unit that is both 招标代理机构 and 投标人 at 常德 logs in with its unit key (a SoftHSM2 token) and,
opening 常德's 采购业务, is asked to pick its role first (选择角色); as 「招标代理机构」 it comes back
to 项目注册, registers a project with two lots and submits it; a 常德 reviewer approves it in
another browser. It books 第一开标室 for both lots — a time that has passed refused on the form —
at the earliest bid deadline 政府采购法 art. 35 allows, reads 场地使用信息, and the reviewer
approves the booking. It makes the 招标文件 — a deadline ten days on refused citing the article —
seals it through the agent and submits it, then publishes 第1次澄清, sealed the same way.

The three parts, each with more detail, are test_procurement_journey, test_venue_journey and
test_tender_journey; this one proves they join up.
"""

import datetime as dt
import re
from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from centers import rules as center_rules
from centers.grants import permissions_grant
from centers.models import SubjectType
from democa import issuing
from procurement import deadlines, tender_rules, venue_rules
from procurement import rules as project_rules
from procurement.forms_venues import room_label
from procurement.models import Project, ProjectStatus
from procurement.tender_models import TenderDocument
from procurement.venue_models import Booking, BookingStatus, Room, RoomKind
from review.models import ReviewItem, ReviewKind, StaffRole
from signing import services as signing_services
from tests.centers.people_factories import unit_actor
from tests.e2e.agentparts import PIN, button, field, flash, log_in_by_certificate, serial, submit
from tests.e2e.centerparts import (
    accept_confirm,
    center_staff,
    field_error,
    known_unit,
    seeded_center,
    side_link,
    table_row,
    upload,
)
from tests.e2e.procurementparts import (
    TYPED,
    approve_in_queue,
    fill_lot,
    lot_box,
    next_monday,
    project_files,
    seal_on_signing_page,
)
from tests.procurement.factories import PURCHASER_CODE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGENCY = "常德沅澧招标代理有限公司"
PROJECT = "常德市第一中学教学设备采购项目"
ROOM = "第一开标室"
PLACE = "采购代理机构（盖章）"


def test_agency_picks_its_role_registers_books_makes_the_tender_and_clarifies(
    browser: Browser, live_server, page: Page, context: BrowserContext, shot, tmp_path, trusted, token, agent
):
    changde = seeded_center("changde")
    # The demo rooms as migration 0003 seeds them (a transactional test starts with them flushed).
    import_module("procurement.migrations.0003_seed_rooms").seed(apps, None)
    account, entry = known_unit(changde, AGENCY, types=(SubjectType.AGENCY, SubjectType.BIDDER))
    permissions_grant(center=changde, center_subject=entry, because="主体信息审核通过", now=timezone.now())
    center_staff("changde_reviewer", changde, StaffRole.REVIEWER, name="周敏")
    unit = account.subject
    unit_pem = issuing.token_certificate(
        trusted["rsa"], token_label=token, pin=PIN, name=unit.name, code=unit.code
    )
    files = project_files(tmp_path / "files")
    # The clock of the whole procurement: documents from next Monday, and the opening — the room's
    # start — at the earliest bid deadline art. 35 allows (87号令 art. 39: the same moment).
    opens = next_monday(9)
    opening = timezone.localtime(deadlines.earliest(deadlines.BID_DEADLINE, opens))
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    # 1. Certificate login; 常德's 采购业务 asks for the role first, then comes back to 项目注册.
    log_in_by_certificate(page, agent, serial(unit_pem), shot, "agency")
    page.wait_for_url(re.compile(r"/registry/basic/$"))
    page.goto(f"/centers/{changde.code}/")
    side_link(page, "采购业务")
    expect(page).to_have_url(re.compile(rf"/centers/{changde.code}/role/\?next="))
    expect(page.get_by_role("heading", name="选择角色")).to_be_visible()
    expect(flash(page)).to_contain_text(center_rules.ROLE_PICK_FIRST)
    shot(page, "role-page")
    page.get_by_label(SubjectType.AGENCY.label, exact=True).check()
    button(page, "进入").click()
    expect(page).to_have_url(re.compile(rf"/centers/{changde.code}/projects/$"))
    expect(page.get_by_role("heading", name="项目注册")).to_be_visible()
    shot(page, "project-list-as-agency")

    # 2. 新建项目 with two lots and its files; 「提交信息」.
    page.get_by_role("link", name="新建项目").click()
    field(page, "项目名称").fill(PROJECT)
    field(page, "采购方式").select_option(label="公开招标")
    field(page, "项目预算（元）").fill("1500000")
    field(page, "资金来源").select_option(label="财政资金")
    field(page, "组织形式").select_option(label="分散采购")
    field(page, "采购人名称").fill("常德市第一中学")
    field(page, "采购人统一社会信用代码").fill(PURCHASER_CODE)
    field(page, "项目联系人").fill("王敏")
    field(page, "联系电话").fill("0736-7788123")
    fill_lot(page, 0, "教学用台式计算机", "A02010105", "800000", "10000")
    button(page, "添加分包").click()
    fill_lot(page, 1, "多媒体教学设备", "A02091000", "600000", "8000")
    upload(page, "approval", files["approval"])
    upload(page, "entrustment", files["entrustment"])
    shot(page, "project-filled")
    submit(page, "提交信息")
    expect(flash(page)).to_contain_text(project_rules.PROJECT_SUBMITTED.format(center=changde.name))
    expect(page.locator(".head-badges")).to_contain_text("待审核")
    shot(page, "project-submitted")
    project = Project.objects.get()
    assert [lot.name for lot in project.lots.all()] == ["教学用台式计算机", "多媒体教学设备"]

    # 3. The reviewer approves the project; the agency sees it 审核通过.
    title = project_rules.REVIEW_TITLE.format(name=PROJECT, code=project.code)
    approve_in_queue(
        browser, live_server.url, shot, "project", title, "第2包", "资料齐全，同意进场。", AGENCY
    )
    page.reload()
    expect(page.locator(".head-badges")).to_contain_text("审核通过")
    shot(page, "project-approved")
    project.refresh_from_db()
    assert project.status == ProjectStatus.APPROVED

    # 4. 场地预约 → 新增开标场地 for both lots; a time that has passed, and one too early for art. 35,
    # are refused, input kept.
    side_link(page, "场地预约")
    page.get_by_role("link", name="新增开标场地").click()
    card = page.locator("[data-project]", has_text=PROJECT)
    lot_box(card, 1).check()
    lot_box(card, 2).check()
    shot(page, "venue-choose-lots")
    button(card, "确定选择").click()
    expect(page.get_by_role("heading", name="开评标场地预约")).to_be_visible()
    field(page, "开评标场地").select_option(label=room_label(Room.objects.at(changde).get(name=ROOM)))
    field(page, "使用日期").fill(f"{yesterday:%Y-%m-%d}")
    field(page, "开始时间").fill(f"{opening:%H:%M}")
    field(page, "使用时长").select_option(label="2小时")
    field(page, "备注").fill("需要投影仪和录音设备")
    submit(page, "提交信息")
    # The refusal names the current minute, which the test cannot pin; all before it is fixed.
    label = venue_rules.TIME_LABELS[RoomKind.OPENING]
    before_now = venue_rules.NOT_IN_FUTURE.split("（")[0].format(label=label)
    expect(field_error(page, "start")).to_contain_text(before_now)
    expect(field(page, "备注")).to_have_value("需要投影仪和录音设备")
    expect(lot_box(page, 2)).to_be_checked()
    shot(page, "venue-time-in-the-past-refused")
    assert not Booking.objects.exists()
    # Ten days on is refused too: the opening is the bid deadline (87号令 art. 39), at least 20 days
    # after the documents are issued (政府采购法 art. 35), which the form says before anyone types.
    expect(page.locator(".js-opening-hint")).to_contain_text("开标时间最早可定于")
    ten_days = timezone.localdate() + dt.timedelta(days=10)
    field(page, "使用日期").fill(f"{ten_days:%Y-%m-%d}")
    submit(page, "提交信息")
    expect(field_error(page, "start")).to_contain_text(venue_rules.OPENING_FROM_NOW)
    expect(field_error(page, "start")).to_contain_text("《中华人民共和国政府采购法》第三十五条")
    expect(field(page, "备注")).to_have_value("需要投影仪和录音设备")
    shot(page, "venue-too-early-refused-with-article")
    assert not Booking.objects.exists()

    # 5. The opening day: 场地使用信息 beside the form turns to its week; 「提交信息」.
    monday = opening.date() - dt.timedelta(days=opening.weekday())
    field(page, "使用日期").fill(f"{opening:%Y-%m-%d}")
    expect(page.locator("#usage-grid")).to_contain_text(f"{monday:%Y-%m-%d} 至")
    shot(page, "venue-usage-beside-the-form")
    submit(page, "提交信息")
    expect(flash(page)).to_contain_text(venue_rules.BOOKING_SUBMITTED.format(center=changde.name))
    expect(page.locator(".head-badges")).to_contain_text("待审核")
    shot(page, "venue-submitted")

    # 6. 场地使用信息 on its own page: the day of the opening, the agency's project named.
    page.goto(f"/centers/{changde.code}/venues/usage/?day={opening:%Y-%m-%d}")
    expect(page.get_by_role("heading", name="场地使用信息")).to_be_visible()
    expect(table_row(page, ROOM)).to_contain_text(PROJECT)
    shot(page, "venue-usage-week")

    # 7. The reviewer approves the booking.
    booking = Booking.objects.get()
    title = ReviewItem.objects.get(kind=ReviewKind.BOOKING).title
    approve_in_queue(
        browser,
        live_server.url,
        shot,
        "booking",
        title,
        "需要投影仪和录音设备",
        "同意使用第一开标室。",
        AGENCY,
    )
    page.goto(f"/centers/{changde.code}/venues/{booking.pk}/")
    expect(page.locator(".head-badges")).to_contain_text("审核通过")
    shot(page, "venue-approved")

    # 8. 招标文件 → 新增交易文件 for both lots; a deadline ten days on is refused citing art. 35.
    signing_services.seal_create_unit(actor=unit_actor(account, "certificate"), subject=unit)
    side_link(page, "招标文件")
    page.get_by_role("link", name="新增交易文件").click()
    table_row(page, PROJECT).get_by_role("link", name="选择分包").click()
    for lot in project.lots.order_by("number"):
        page.get_by_label(str(lot)).check()
    too_early = opens + dt.timedelta(days=10)
    field(page, "文件获取开始时间").fill(opens.strftime(TYPED))
    field(page, "文件获取截止时间").fill((opens + dt.timedelta(days=9, hours=8)).strftime(TYPED))
    field(page, "投标截止时间（开标时间）").fill(too_early.strftime(TYPED))
    field(page, "开标地点").fill(f"常德市公共资源交易中心{ROOM}")
    button(page, "保存").click()
    refusal = deadlines.check(deadlines.BID_DEADLINE, opens, too_early)
    assert refusal and "第三十五条" in refusal
    expect(page.locator("main")).to_contain_text(refusal)
    shot(page, "tender-deadline-refused-with-article")
    assert not TenderDocument.objects.exists()
    field(page, "投标截止时间（开标时间）").fill(opening.strftime(TYPED))
    button(page, "保存").click()
    expect(page.get_by_role("link", name="去签章（新窗口）")).to_be_visible()
    shot(page, "tender-rendered")

    # 9. Sealed at 采购代理机构（盖章） through the agent, then 「确认提交」.
    seal_on_signing_page(page, context, agent, AGENCY, PLACE, shot, "tender")
    page.get_by_role("link", name="我已签章，刷新状态").click()
    accept_confirm(page)
    button(page, "确认提交").click()
    expect(page.locator("main")).to_contain_text("已提交")
    shot(page, "tender-submitted")
    tender = TenderDocument.objects.get()
    assert tender.status == "submitted"

    # 10. 第1次澄清, which may affect the bids, moves the deadline a week on: made, sealed, submitted.
    moved_to = opening + dt.timedelta(days=7)
    page.get_by_role("link", name="新增答疑文件").click()
    field(page, "澄清或修改内容").fill("第1包交货地点更正为：常德市第一中学新校区。")
    page.get_by_label("可能影响投标文件编制").check()
    field(page, "新的投标截止时间（开标时间）").fill(moved_to.strftime(TYPED))
    button(page, "保存").click()
    expect(page.locator("main")).to_contain_text("第1次澄清")
    seal_on_signing_page(page, context, agent, AGENCY, PLACE, shot, "clarification")
    page.get_by_role("link", name="我已签章，刷新状态").first.click()
    accept_confirm(page)
    confirm = page.locator("form", has=page.get_by_role("button", name="确认提交")).last
    confirm.get_by_role("button", name="确认提交").click()
    expect(page.locator("main")).to_contain_text("第1次澄清")
    shot(page, "clarification-submitted")
    assert tender.clarifications.get().status == "submitted"
    booking.refresh_from_db()
    assert booking.status == BookingStatus.APPROVED

    # 11. The opening moves with the deadline (87号令 art. 39): the page says so and leads to the
    # 场地变更, filled in with the new time; the agency gives the reason and submits it for review.
    room = Room.objects.at(changde).get(name=ROOM)
    expect(page.locator(".alert-warning")).to_contain_text(
        tender_rules.OPENING_TO_MOVE.format(
            deadline=deadlines.format_time(moved_to),
            slot=venue_rules.slot_text(room, booking.starts_at, booking.ends_at),
        )
    )
    shot(page, "opening-to-move")
    page.get_by_role("link", name="申请场地变更").click()
    expect(field(page, "变更后日期")).to_have_value(f"{moved_to:%Y-%m-%d}")
    expect(field(page, "变更后开标时间")).to_have_value(f"{moved_to:%H:%M}")
    field(page, "变更原因").fill("第1次澄清顺延投标截止时间，开标时间随之顺延。")
    submit(page, "提交信息")
    expect(flash(page)).to_contain_text(venue_rules.CHANGE_REQUESTED.format(center=changde.name))
    shot(page, "opening-change-submitted")
    change = booking.changes.get()
    assert change.starts_at == moved_to and change.status == BookingStatus.SUBMITTED
    page.goto(f"/centers/{changde.code}/tenders/{tender.pk}/")
    expect(page.locator(".alert-info")).to_contain_text("场地变更（改至")

    # 12. In its 投标人 role the agency's pages say which role they take, inside the center's layout.
    page.goto(f"/centers/{changde.code}/role/")
    page.get_by_label(SubjectType.BIDDER.label, exact=True).check()
    button(page, "进入").click()
    page.goto(f"/centers/{changde.code}/projects/")
    expect(page.locator("[data-role-wrong]")).to_contain_text("「项目注册」需以「招标代理机构」角色办理")
    expect(page.locator(".side-nav")).to_be_visible()
    shot(page, "role-wrong")
    page.get_by_role("link", name="切换角色").first.click()
    expect(page.get_by_role("heading", name="选择角色")).to_be_visible()
