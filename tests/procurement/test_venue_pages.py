"""场地预约, 场地变更 and 场地使用信息 pages (004 §3.3, §3.4) over HTTP: a refusal is shown on the
form with the input kept, the buttons follow the transition tables, and an agency reaches only its
own bookings."""

import datetime as dt
import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from procurement import rules as project_rules
from procurement import venue_rules as rules
from procurement import venues
from procurement.models import ProjectStatus
from procurement.venue_models import Booking, BookingStatus, RoomKind
from review.models import ReviewItem, ReviewKind
from tests.centers.people_factories import decide, make_agency, unit_actor
from tests.procurement.factories import licensed_agency, make_project
from tests.procurement.venue_factories import (
    approved_booking,
    approved_project,
    at,
    book,
    center_admin,
    make_room,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def room(changde):
    return make_room(center_admin(changde), changde, name="测试第一开标室")


@pytest.fixture
def client_of(agency, certificate_client):
    return certificate_client(agency[0])


@pytest.fixture
def base(changde):
    return f"/centers/{changde.code}/venues"


@pytest.fixture
def other(changde, changde_reviewer, certificate_client):
    """Another agency at 常德 with its own approved project, and its client."""
    account, entry = licensed_agency(changde, name="另一家招标代理有限公司")
    return (
        account,
        approved_project(account, entry, changde_reviewer, name="另一家代理的项目"),
        certificate_client(account),
    )


def slot(when: dt.datetime, room, lots, minutes=120, **more) -> dict:
    local = timezone.localtime(when)
    return {
        "lots": [lot.pk for lot in lots],
        "room": room.pk,
        "day": f"{local:%Y-%m-%d}",
        "start": f"{local:%H:%M}",
        "duration": str(minutes),
        "note": "需要投影仪",
        **more,
    }


def text(response) -> str:
    return html.unescape(response.content.decode())


# --- 新增开标场地 -------------------------------------------------------------------------------------


def test_the_new_booking_starts_from_the_approved_projects_and_their_lots(client_of, agency, project, base):
    account, entry = agency
    make_project(account, entry, name="尚在编辑的项目")
    page = text(client_of.get(f"{base}/new/"))
    assert project.name in page and "尚在编辑的项目" not in page
    first, second = project.lots.order_by("number")
    assert f'name="lot" value="{first.pk}"' in page and "确定选择" in page

    chosen = text(client_of.get(f"{base}/new/{project.pk}/", {"lot": [second.pk]}))
    assert f'value="{second.pk}" id="id_lots_1" checked' in chosen
    assert f'value="{first.pk}" id="id_lots_0">' in chosen
    assert "开评标场地预约" in chosen and "场地使用信息" in chosen and "修改保存" in chosen


def test_a_project_not_yet_approved_cannot_be_booked(client_of, agency, base):
    account, entry = agency
    draft = make_project(account, entry, name="尚在编辑的项目")
    answer = client_of.get(f"{base}/new/{draft.pk}/", follow=True)
    expected = rules.PROJECT_NOT_APPROVED.format(name=draft.name, status=ProjectStatus.DRAFT.label)
    assert expected in text(answer)
    assert answer.redirect_chain[-1][0] == f"{base}/new/"


def test_a_time_in_the_past_is_refused_on_the_form_with_the_input_kept(client_of, project, room, base):
    past = timezone.now() - dt.timedelta(hours=1)
    first = project.lots.order_by("number").first()
    answer = client_of.post(f"{base}/new/{project.pk}/", slot(past, room, [first], action="submit"))
    page = text(answer)
    assert answer.status_code == 400
    assert "必须晚于当前时间" in page and "开标时间" in page
    assert "没有保存" in page
    local = timezone.localtime(past)
    assert f'value="{local:%Y-%m-%d}"' in page and f'value="{local:%H:%M}"' in page
    assert f'<option value="{room.pk}" selected>' in page
    assert "需要投影仪" in page
    assert f'value="{first.pk}" id="id_lots_0" checked' in page
    assert not Booking.objects.exists()


def test_saving_keeps_a_draft_and_submitting_sends_it_to_the_center(client_of, project, room, base, changde):
    lots = list(project.lots.order_by("number"))
    answer = client_of.post(f"{base}/new/{project.pk}/", slot(at(10), room, lots, action="save"))
    booking = Booking.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"{base}/{booking.pk}/edit/"
    assert booking.status == BookingStatus.DRAFT and booking.lots.count() == 2
    edit = text(client_of.get(answer["Location"]))
    assert (
        rules.BOOKING_CREATED.format(slot=rules.slot_text(room, booking.starts_at, booking.ends_at)) in edit
    )
    assert "需要投影仪" in edit

    moved = slot(at(11, 14), room, lots[:1], minutes=90, action="submit")
    done = client_of.post(f"{base}/{booking.pk}/edit/", moved, follow=True)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.SUBMITTED
    assert booking.ends_at - booking.starts_at == dt.timedelta(minutes=90)
    assert list(booking.lots.all()) == lots[:1]
    assert rules.BOOKING_SUBMITTED.format(center=changde.name) in text(done)
    assert ReviewItem.objects.filter(kind=ReviewKind.BOOKING, target_id=str(booking.pk)).exists()


def test_submitting_at_once_from_the_new_form(client_of, project, room, base):
    answer = client_of.post(
        f"{base}/new/{project.pk}/", slot(at(10), room, project.lots.all(), action="submit")
    )
    booking = Booking.objects.get()
    assert answer["Location"] == f"{base}/{booking.pk}/"
    assert booking.status == BookingStatus.SUBMITTED


def test_another_agencys_slot_is_refused_without_naming_its_project(client_of, project, room, base, other):
    other_account, other_project, _ = other
    book(other_account, other_project, room, at(10), submit=True)
    answer = client_of.post(f"{base}/new/{project.pk}/", slot(at(10, 10), room, project.lots.all()))
    page = text(answer)
    assert answer.status_code == 400
    assert "已被预约，请选择其他时间或场地" in page
    assert other_project.name not in page.split("场地使用信息</h2>")[0]
    assert Booking.objects.count() == 1


def test_a_missing_lot_and_room_are_said_field_by_field(client_of, project, base):
    answer = client_of.post(f"{base}/new/{project.pk}/", {"day": "明天", "start": "", "duration": "45"})
    page = text(answer)
    assert answer.status_code == 400
    for message in (rules.LOTS_REQUIRED, "请选择场地。", "请按 年-月-日 填写日期", "请填写开始时间。"):
        assert message in page
    assert rules.DURATION_OUT_OF_RANGE in page


# --- one booking: its buttons and actions ---------------------------------------------------------


def buttons(page: str) -> set[str]:
    labels = {"修改", "提交信息", "撤回", "删除", "申请变更"}
    actions = page.split('<div class="actions">')[-1]
    return {label for label in labels if f">{label}</" in actions}


def test_each_state_shows_the_buttons_its_table_allows(
    client_of, agency, project, room, base, changde_reviewer
):
    account, _ = agency
    draft = book(account, project, room, at(10))
    assert buttons(text(client_of.get(f"{base}/{draft.pk}/"))) == {"修改", "提交信息", "删除"}
    client_of.post(f"{base}/{draft.pk}/submit/")
    assert buttons(text(client_of.get(f"{base}/{draft.pk}/"))) == {"撤回"}
    decide(changde_reviewer, draft, approve=True)
    assert buttons(text(client_of.get(f"{base}/{draft.pk}/"))) == {"撤回", "申请变更"}
    refused = client_of.get(f"{base}/{draft.pk}/edit/", follow=True)
    assert rules.BOOKING_STATE.format(status="审核通过", action="修改") in text(refused)


def test_withdraw_and_delete_through_the_pages(client_of, agency, project, room, base):
    account, _ = agency
    booking = book(account, project, room, at(10), submit=True)
    refused = client_of.post(f"{base}/{booking.pk}/delete/", follow=True)
    assert rules.BOOKING_STATE.format(status="待审核", action="删除") in text(refused)
    withdrawn = client_of.post(f"{base}/{booking.pk}/withdraw/", follow=True)
    assert rules.BOOKING_WITHDRAWN in text(withdrawn)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.DRAFT
    deleted = client_of.post(f"{base}/{booking.pk}/delete/", follow=True)
    assert rules.BOOKING_DELETED in text(deleted)
    assert not Booking.objects.exists()


# --- 场地变更 ---------------------------------------------------------------------------------------


def test_a_change_in_the_past_is_refused_with_the_reason_kept_then_asked(
    client_of, agency, project, room, base, changde_reviewer, changde
):
    account, _ = agency
    booking = approved_booking(account, project, room, at(10), changde_reviewer)
    form = text(client_of.get(f"{base}/{booking.pk}/change/"))
    assert "新增开评标场地变更" in form and "变更后开标室" in form
    past = slot(timezone.now() - dt.timedelta(days=1), room, [], reason="采购人申请延期开标")
    refused = client_of.post(f"{base}/{booking.pk}/change/", past)
    assert refused.status_code == 400
    assert "必须晚于当前时间" in text(refused) and "采购人申请延期开标" in text(refused)
    assert not Booking.objects.changes().exists()

    asked = client_of.post(
        f"{base}/{booking.pk}/change/", slot(at(12, 14), room, [], reason="采购人申请延期开标"), follow=True
    )
    change = Booking.objects.changes().get()
    assert asked.redirect_chain[-1][0] == f"{base}/{change.pk}/"
    assert rules.CHANGE_REQUESTED.format(center=changde.name) in text(asked)
    assert change.status == BookingStatus.SUBMITTED and change.original == booking
    assert buttons(text(asked)) == {"撤回"}
    original = text(client_of.get(f"{base}/{booking.pk}/"))
    assert "该预约有一项待审核的场地变更" in original and buttons(original) == {"撤回"}

    withdrawn = client_of.post(f"{base}/{change.pk}/withdraw/", follow=True)
    assert rules.CHANGE_WITHDRAWN in text(withdrawn)
    change.refresh_from_db()
    assert change.status == BookingStatus.WITHDRAWN


def test_a_draft_cannot_be_changed_only_edited(client_of, agency, project, room, base):
    account, _ = agency
    draft = book(account, project, room, at(10))
    answer = client_of.get(f"{base}/{draft.pk}/change/", follow=True)
    assert rules.BOOKING_STATE_HINTS["change"] in text(answer)


def test_the_change_offers_only_rooms_of_the_same_kind(
    client_of, agency, project, room, base, changde_reviewer
):
    account, _ = agency
    booking = approved_booking(account, project, room, at(10), changde_reviewer)
    form = text(client_of.get(f"{base}/{booking.pk}/change/"))
    assert "第一开标室" in form and "第一评标室" not in form.split("场地使用信息</h2>")[0]


# --- the list ---------------------------------------------------------------------------------------


def test_the_list_shows_the_agencys_bookings_and_changes_only(
    client_of, agency, project, room, base, changde_reviewer, other
):
    account, _ = agency
    booking = approved_booking(account, project, room, at(10), changde_reviewer)
    other_account, other_project, _ = other
    book(other_account, other_project, room, at(11), submit=True)
    page = text(client_of.get(f"{base}/"))
    assert project.name in page and other_project.name not in page
    assert "审核通过" in page and "申请变更" in page and "新增开标场地" in page
    assert "没有符合条件的场地预约" in text(client_of.get(f"{base}/", {"status": "draft"}))
    venues.booking_change_request(
        actor=unit_actor(account),
        booking=booking,
        room=room,
        starts_at=at(12),
        duration=dt.timedelta(hours=2),
        reason="延期",
    )
    changes = text(client_of.get(f"{base}/", {"show": "changes"}))
    assert "场地变更" in changes and "延期" in changes and "待审核" in changes


def test_the_list_takes_a_fixed_number_of_queries(client_of, agency, project, room, base):
    account, _ = agency
    client_of.get(f"{base}/")  # sessions and the like, once
    for n in range(3):
        book(account, project, room, at(10 + n), lots=[project.lots.order_by("number")[0]])
        with CaptureQueriesContext(connection) as one:
            client_of.get(f"{base}/")
        if n == 0:
            counted = len(one)
        assert len(one) == counted


def test_an_agency_without_the_permission_is_told_why(certificate_client, changde, base):
    account, _ = make_agency(changde, name="尚未审核代理有限公司")
    client = certificate_client(account)
    page = text(client.get(f"{base}/"))
    how = project_rules.HOW_PROFILE.format(types="招标代理机构", status="待完善")
    assert project_rules.NO_PERMISSION.format(center=changde.name, how=how) in page
    assert "新增开标场地</a>" not in page
    assert client.get(f"{base}/new/").status_code == 302


# --- only one's own ---------------------------------------------------------------------------------


def test_another_agencys_bookings_and_projects_are_not_found(client_of, agency, project, room, base, other):
    account, _ = agency
    booking = book(account, project, room, at(10))
    _, other_project, other_client = other
    for path in ("", "edit/", "change/"):
        assert other_client.get(f"{base}/{booking.pk}/{path}").status_code == 404
    for action in ("submit", "withdraw", "delete"):
        assert other_client.post(f"{base}/{booking.pk}/{action}/").status_code == 404
    assert other_client.post(f"{base}/{booking.pk}/change/", {}).status_code == 404
    assert client_of.get(f"{base}/new/{other_project.pk}/").status_code == 404
    assert client_of.post(f"{base}/new/{other_project.pk}/", {}).status_code == 404
    booking.refresh_from_db()
    assert booking.status == BookingStatus.DRAFT


def test_a_booking_at_another_center_is_not_found_there(client_of, agency, project, room):
    account, _ = agency
    booking = book(account, project, room, at(10))
    assert client_of.get(f"/centers/hengyang/venues/{booking.pk}/").status_code == 404


# --- 场地使用信息 -----------------------------------------------------------------------------------


def test_usage_names_the_agencys_own_bookings_and_only_marks_others(
    client_of, agency, project, room, base, other
):
    account, _ = agency
    book(account, project, room, at(10, 9), submit=True)
    other_account, other_project, _ = other
    book(other_account, other_project, room, at(10, 14), submit=True)
    day = f"{at(10):%Y-%m-%d}"
    week = text(client_of.get(f"{base}/usage/", {"day": day}))
    assert room.name in week and project.name in week and other_project.name not in week
    assert "已预约" in week and "上一周" in week and "下一周" in week
    monday = at(10).date() - dt.timedelta(days=at(10).weekday())
    assert f"{monday:%Y-%m-%d} 至 {monday + dt.timedelta(days=6):%Y-%m-%d}" in week
    assert f"day={monday - dt.timedelta(days=7) + dt.timedelta(days=at(10).weekday()):%Y-%m-%d}" in week

    one_day = text(client_of.get(f"{base}/usage/", {"day": day, "view": "day"}))
    assert "当日预约明细" in one_day and "09:00–11:00" in one_day and "14:00–16:00" in one_day
    assert other_project.name not in one_day and "前一天" in one_day
    assert f"day={at(9):%Y-%m-%d}" in one_day and f"day={at(11):%Y-%m-%d}" in one_day


def test_usage_with_a_bad_day_shows_this_week(client_of, base):
    page = text(client_of.get(f"{base}/usage/", {"day": "2026-13-40", "view": "month"}))
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    assert f"{monday:%Y-%m-%d} 至" in page


def test_the_form_shows_the_week_of_the_day_typed(client_of, project, room, base):
    far = at(40)
    page = text(client_of.post(f"{base}/new/{project.pk}/", slot(far, room, [])))
    monday = far.date() - dt.timedelta(days=far.weekday())
    assert f"{monday:%Y-%m-%d} 至" in page


def test_an_evaluation_room_asks_for_its_own_time_label(client_of, project, base, changde):
    evaluation = make_room(center_admin(changde, "venue_admin2"), changde, "测试评标室", RoomKind.EVALUATION)
    past = timezone.now() - dt.timedelta(hours=2)
    page = text(client_of.post(f"{base}/new/{project.pk}/", slot(past, evaluation, project.lots.all())))
    assert "评标开始时间必须晚于当前时间" in page
