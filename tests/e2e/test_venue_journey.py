"""场地预约 and 场地变更 (004 §3.3, §3.4) in a real browser with the real certificate agent.

The agency logs in with its unit key (a SoftHSM2 token), goes to 常德's 场地预约 with a project the
center has approved, 「新增开标场地」: chooses the project's first lot, a 开标室 and a time that has
passed — refused on the form with everything chosen kept —, then a day three weeks ahead, whose
week the 场地使用信息 beside the form turns to, and 「提交信息」. It reads 场地使用信息 on its own
page; a 常德 reviewer approves the booking in the back-office queue in another browser; the agency
then asks to move the opening to the afternoon (「申请变更」), which waits for review.
"""

import datetime as dt
import re
from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from centers.grants import permissions_grant
from procurement import services
from procurement import venue_rules as rules
from procurement.forms_venues import room_label
from procurement.venue_models import Booking, BookingStatus, Room
from review import rules as review_rules
from review.models import ReviewItem, ReviewKind, StaffRole
from tests.centers.people_factories import decide, unit_actor
from tests.e2e.agentparts import PIN, button, field, flash, log_in_by_certificate, serial
from tests.e2e.centerparts import (
    another_browser,
    center_staff,
    field_error,
    known_unit,
    log_in_by_password,
    seeded_center,
    table_row,
)
from tests.e2e.procurementparts import lot_box
from tests.procurement.factories import make_project
from tests.review.parts import actor_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGENCY = "常德沅澧招标代理有限公司"
PROJECT = "常德市第一中学教学设备采购项目"
ROOM = "第一开标室"


def test_agency_books_a_room_the_center_approves_it_and_the_agency_asks_to_move_it(
    browser: Browser, live_server, page: Page, shot, trusted, token, agent
):
    from democa import issuing

    changde = seeded_center("changde")
    # The demo rooms as migration 0003 seeds them (a transactional test starts with them flushed).
    import_module("procurement.migrations.0003_seed_rooms").seed(apps, None)
    account, entry = known_unit(changde, AGENCY)
    permissions_grant(center=changde, center_subject=entry, because="主体信息审核通过", now=timezone.now())
    reviewer = center_staff("changde_reviewer", changde, StaffRole.REVIEWER, name="周敏")
    # 前置条件 (004 §3.3): 项目注册审核通过, as the project journey ends.
    project = services.project_submit(
        actor=unit_actor(account), project=make_project(account, entry, name=PROJECT)
    )
    decide(actor_of(reviewer), project, approve=True)
    unit = account.subject
    unit_pem = issuing.token_certificate(
        trusted["rsa"], token_label=token, pin=PIN, name=unit.name, code=unit.code
    )
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    day = timezone.localdate() + dt.timedelta(days=21)
    monday = day - dt.timedelta(days=day.weekday())

    # 1. Certificate login, then 常德's 场地预约: nothing booked yet.
    log_in_by_certificate(page, agent, serial(unit_pem))
    page.wait_for_url(re.compile(r"/registry/basic/$"))
    page.goto(f"/centers/{changde.code}/venues/")
    expect(page.get_by_role("heading", name="场地预约")).to_be_visible()
    expect(page.locator("table tbody")).to_contain_text("还没有场地预约")
    shot(page, "venue-list-empty")

    # 2. 「新增开标场地」: the approved project's lots (选择分包), the first one ticked, 「确定选择」.
    page.get_by_role("link", name="新增开标场地").click()
    card = page.locator("[data-project]", has_text=PROJECT)
    lot_box(card, 1).check()
    shot(page, "choose-lots")
    button(card, "确定选择").click()
    expect(page.get_by_role("heading", name="开评标场地预约")).to_be_visible()
    expect(lot_box(page, 1)).to_be_checked()
    expect(lot_box(page, 2)).not_to_be_checked()

    # 3. A time that has passed: refused on the form, everything chosen kept.
    field(page, "开评标场地").select_option(label=room_label(Room.objects.at(changde).get(name=ROOM)))
    field(page, "使用日期").fill(f"{yesterday:%Y-%m-%d}")
    field(page, "开始时间").fill("09:00")
    field(page, "使用时长").select_option(label="2小时")
    field(page, "备注").fill("需要投影仪和录音设备")
    button(page, "提交信息").click()
    expect(field_error(page, "start")).to_contain_text("开标时间必须晚于当前时间")
    expect(page.locator(".alert-error")).to_contain_text("没有保存")
    expect(field(page, "使用日期")).to_have_value(f"{yesterday:%Y-%m-%d}")
    expect(field(page, "开始时间")).to_have_value("09:00")
    expect(field(page, "开评标场地").locator("option:checked")).to_contain_text(ROOM)
    expect(field(page, "备注")).to_have_value("需要投影仪和录音设备")
    expect(lot_box(page, 1)).to_be_checked()
    shot(page, "time-in-the-past-input-kept")
    assert not Booking.objects.exists()

    # 4. A day three weeks ahead: 场地使用信息 beside the form turns to its week; 「提交信息」.
    field(page, "使用日期").fill(f"{day:%Y-%m-%d}")
    expect(page.locator("#usage-grid")).to_contain_text(f"{monday:%Y-%m-%d} 至")
    # 下一周 and back turn the grid in place: what is typed in the form stays.
    page.locator("#usage-grid").get_by_role("link", name="下一周").click()
    expect(page.locator("#usage-grid")).to_contain_text(f"{monday + dt.timedelta(days=7):%Y-%m-%d} 至")
    page.locator("#usage-grid").get_by_role("link", name="上一周").click()
    expect(page.locator("#usage-grid")).to_contain_text(f"{monday:%Y-%m-%d} 至")
    expect(field(page, "使用日期")).to_have_value(f"{day:%Y-%m-%d}")
    expect(field(page, "备注")).to_have_value("需要投影仪和录音设备")
    shot(page, "usage-beside-the-form")
    button(page, "提交信息").click()
    expect(flash(page)).to_contain_text(rules.BOOKING_SUBMITTED.format(center=changde.name))
    expect(page.locator(".head-badges")).to_contain_text("待审核")
    expect(page.locator("main")).to_contain_text(f"{day:%Y-%m-%d} 09:00–11:00")
    booking = Booking.objects.get()
    assert booking.status == BookingStatus.SUBMITTED
    shot(page, "booking-submitted")

    # 5. 场地使用信息 on its own page: the week of the booking, the agency's own project named.
    page.goto(f"/centers/{changde.code}/venues/usage/?day={day:%Y-%m-%d}")
    expect(page.get_by_role("heading", name="场地使用信息")).to_be_visible()
    expect(table_row(page, ROOM)).to_contain_text(PROJECT)
    shot(page, "usage-week")
    page.get_by_role("link", name="日视图").click()
    expect(page.locator("main")).to_contain_text("当日预约明细")
    expect(table_row(page, "09:00–11:00")).to_contain_text(PROJECT)
    shot(page, "usage-day")

    # 6. A 常德 reviewer approves it in the queue.
    title = ReviewItem.objects.get(kind=ReviewKind.BOOKING).title
    with another_browser(browser, live_server.url, shot, "reviewer") as desk:
        log_in_by_password(desk, "changde_reviewer", "/backoffice/queue/")
        row = table_row(desk, title)
        expect(row).to_contain_text(AGENCY)
        row.get_by_role("button", name="认领").click()
        expect(desk.locator(".bo-grid")).to_contain_text("需要投影仪和录音设备")
        shot(desk, "reviewer-reads-booking")
        desk.get_by_label("审核意见").fill("同意使用第一开标室。")
        button(desk, "审核通过").click()
        expect(flash(desk)).to_contain_text(review_rules.APPROVED.format(title=title))

    # 7. The agency sees it approved and asks to move the opening to the afternoon (场地变更).
    page.goto(f"/centers/{changde.code}/venues/{booking.pk}/")
    expect(page.locator(".head-badges")).to_contain_text("审核通过")
    expect(page.locator(".alert-success")).to_contain_text("同意使用第一开标室。")
    shot(page, "booking-approved")
    page.get_by_role("link", name="申请变更").click()
    expect(page.get_by_role("heading", name="新增开评标场地变更")).to_be_visible()
    field(page, "变更后开标时间").fill("14:00")
    field(page, "变更原因").fill("采购人申请推迟开标，已发布变更公告。")
    shot(page, "change-filled")
    button(page, "提交信息").click()
    expect(flash(page)).to_contain_text(rules.CHANGE_REQUESTED.format(center=changde.name))
    expect(page.locator(".head-badges")).to_contain_text("待审核")
    expect(page.locator("main")).to_contain_text(f"{day:%Y-%m-%d} 14:00–16:00")
    shot(page, "change-submitted")
    change = Booking.objects.changes().get()
    assert change.status == BookingStatus.SUBMITTED and change.original_id == booking.pk
    page.goto(f"/centers/{changde.code}/venues/?show=changes")
    expect(table_row(page, PROJECT)).to_contain_text("待审核")
    shot(page, "change-list")
