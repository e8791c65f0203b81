"""场地预约 (004 §3.3): draft, submit, review, withdraw, delete; the platform's rules and every
refusal's message; no room booked twice for overlapping times."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from core.errors import DomainError, NotFound
from core.models import AuditEntry
from procurement import services, venue_rooms, venue_selectors, venues
from procurement import venue_rules as rules
from procurement.models import ProjectStatus
from procurement.venue_models import Booking, BookingStatus, Room, RoomKind
from review import handlers
from review.models import ReviewKind, ReviewStatus
from tests.centers.factories import center
from tests.centers.people_factories import decide, open_item, unit_actor
from tests.procurement.factories import licensed_agency, make_project
from tests.procurement.venue_factories import (
    HOUR,
    approved_booking,
    approved_project,
    at,
    book,
    center_admin,
    make_room,
)
from tests.review.parts import actor_of, demo_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def room(changde):
    return make_room(center_admin(changde), changde, name="测试第一开标室")


@pytest.fixture
def other(changde, changde_reviewer):
    """Another agency at 常德 with its own approved project."""
    account, entry = licensed_agency(changde, name="另一家招标代理有限公司")
    return account, approved_project(account, entry, changde_reviewer, name="另一家代理的项目")


def refused(call, *args, **kwargs) -> str:
    with pytest.raises(DomainError) as error:
        call(*args, **kwargs)
    return error.value.message


def test_every_seeded_center_has_its_demo_rooms():
    for code in ("changde", "hengyang", "fengtai"):
        rooms = Room.objects.at(center(code))
        assert {room.kind for room in rooms} == {RoomKind.OPENING, RoomKind.EVALUATION}
        assert all(room.active and room.capacity > 0 for room in rooms)


def test_a_new_booking_is_a_draft_that_holds_no_slot(agency, project, room, other):
    account, _ = agency
    draft = book(account, project, room, at(3))
    assert draft.status == BookingStatus.DRAFT
    assert draft.ends_at - draft.starts_at == dt.timedelta(hours=2)
    assert [lot.number for lot in draft.lots.all()] == [1]
    assert AuditEntry.objects.filter(action=rules.AUDIT_BOOKING_CREATED, target_id=str(draft.pk)).exists()
    # Nothing held yet: another agency books and submits the same slot.
    other_account, other_project = other
    taken = book(other_account, other_project, room, at(3), submit=True)
    assert taken.status == BookingStatus.SUBMITTED


def test_only_an_approved_project_books_a_room(agency, room, changde_reviewer):
    account, entry = agency
    draft = make_project(account, entry)
    assert refused(book, account, draft, room, at(3)) == rules.PROJECT_NOT_APPROVED.format(
        name=draft.name, status="编辑中"
    )
    services.project_submit(actor=unit_actor(account), project=draft)
    draft.refresh_from_db()
    assert refused(book, account, draft, room, at(3)) == rules.PROJECT_NOT_APPROVED.format(
        name=draft.name, status="待审核"
    )
    assert not Booking.objects.exists()


def test_the_opening_time_must_be_later_than_now(agency, project, room):
    account, _ = agency
    now = timezone.now()
    message = refused(
        venues.booking_create,
        actor=unit_actor(account),
        center=project.center,
        agency=project.agency,
        project=project,
        lots=list(project.lots.all()),
        room=room,
        starts_at=now,
        duration=HOUR,
        now=now,
    )
    assert message == rules.NOT_IN_FUTURE.format(
        label="开标时间", now=f"{timezone.localtime(now):%Y-%m-%d %H:%M}"
    )


@pytest.mark.parametrize("minutes", [0, 29, 12 * 60 + 1])
def test_a_slot_lasts_from_half_an_hour_to_twelve_hours(agency, project, room, minutes):
    account, _ = agency
    assert refused(book, account, project, room, at(3), hours=minutes / 60) == rules.DURATION_OUT_OF_RANGE
    assert book(account, project, room, at(4), hours=0.5).ends_at == at(4, 9, 30)
    assert book(account, project, room, at(5), hours=12, lots=[project.lots.last()]).ends_at == at(5, 21)


def test_the_lots_are_the_projects_own(agency, project, room, other):
    account, _ = agency
    assert refused(book, account, project, room, at(3), lots=[]) == rules.LOTS_REQUIRED
    foreign = other[1].lots.first()
    assert refused(book, account, project, room, at(3), lots=[foreign]) == rules.LOT_NOT_OF_PROJECT.format(
        name=project.name
    )


def test_a_room_of_another_center_or_out_of_use_is_not_offered(agency, project, room):
    account, _ = agency
    elsewhere = Room.objects.at(center("hengyang")).first()
    assert refused(book, account, project, elsewhere, at(3)) == rules.ROOM_UNAVAILABLE
    admin = center_admin(project.center, username="changde_admin_2")
    venue_rooms.room_deactivate(actor=admin, room=room)
    assert refused(book, account, project, room, at(3)) == rules.ROOM_UNAVAILABLE


def test_submit_holds_the_slot_and_queues_it_for_the_reviewer(agency, project, room, changde_reviewer):
    account, _ = agency
    booking = book(account, project, room, at(3), submit=True)
    assert booking.status == BookingStatus.SUBMITTED
    item = open_item(booking)
    assert item.kind == ReviewKind.BOOKING
    assert item.title == rules.REVIEW_TITLE.format(
        project=project.name, lots="第1包", slot=rules.slot_text(room, at(3), at(3, 11))
    )
    described = handlers.describe(item)
    assert described.described and ("开标时间", f"{at(3):%Y-%m-%d %H:%M}") in described.rows
    decide(changde_reviewer, booking, approve=True, opinion="同意。")
    booking.refresh_from_db()
    assert (booking.status, booking.decision_opinion) == (BookingStatus.APPROVED, "同意。")


def test_a_rejected_booking_releases_its_slot_and_is_edited_and_submitted_again(
    agency, project, room, changde_reviewer, other
):
    account, _ = agency
    booking = book(account, project, room, at(3), submit=True)
    decide(changde_reviewer, booking, approve=False, opinion="时间冲突，请改期。")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REJECTED
    other_account, other_project = other
    book(other_account, other_project, room, at(3), submit=True)  # the slot is free again
    venues.booking_update(
        actor=unit_actor(account),
        booking=booking,
        lots=list(project.lots.all()),
        room=room,
        starts_at=at(4, 14),
        duration=dt.timedelta(hours=3),
        note="改为下午",
    )
    booking = venues.booking_submit(actor=unit_actor(account), booking=booking)
    assert (booking.status, booking.starts_at, booking.ends_at) == (
        BookingStatus.SUBMITTED,
        at(4, 14),
        at(4, 17),
    )
    assert sorted(booking.lots.values_list("number", flat=True)) == [1, 2]


def test_waiting_and_approved_bookings_are_not_edited(agency, project, room, changde_reviewer):
    account, _ = agency
    booking = book(account, project, room, at(3), submit=True)
    message = refused(
        venues.booking_update,
        actor=unit_actor(account),
        booking=booking,
        lots=list(project.lots.all()),
        room=room,
        starts_at=at(4),
        duration=HOUR,
    )
    assert (
        message
        == rules.BOOKING_STATE.format(status="待审核", action="修改") + rules.BOOKING_STATE_HINTS["save"]
    )
    assert refused(
        venues.booking_submit, actor=unit_actor(account), booking=booking
    ) == rules.BOOKING_STATE.format(status="待审核", action="提交审核")


def test_an_overlapping_slot_names_the_agencys_own_project(agency, project, room, changde_reviewer):
    account, entry = agency
    second = approved_project(account, entry, changde_reviewer, name="第二个项目")
    draft = book(account, second, room, at(3, 10))  # drafted while the slot was free
    book(account, project, room, at(3), submit=True)  # 09:00–11:00, 第1包
    taken = rules.SLOT_TAKEN.format(
        slot=rules.slot_text(room, at(3), at(3, 11)),
        whose=rules.SLOT_TAKEN_OWN.format(project=project.name, lots="第1包"),
    )
    assert refused(venues.booking_submit, actor=unit_actor(account), booking=draft) == taken
    assert refused(book, account, second, room, at(3, 8)) == taken  # a new draft is told at once
    draft.refresh_from_db()
    assert draft.status == BookingStatus.DRAFT
    assert not AuditEntry.objects.filter(
        action=rules.AUDIT_BOOKING_SUBMITTED, target_id=str(draft.pk)
    ).exists()


def test_another_agencys_slot_is_just_taken(agency, project, room, other):
    account, _ = agency
    book(account, project, room, at(3), submit=True)
    other_account, other_project = other
    for starts_at, hours in [(at(3), 2), (at(3, 8), 1.5), (at(3, 10, 59), 1), (at(3, 7), 5)]:
        message = refused(book, other_account, other_project, room, starts_at, hours)
        assert message == rules.SLOT_TAKEN.format(slot=rules.slot_text(room, at(3), at(3, 11)), whose="")


def test_touching_slots_and_other_rooms_are_free(agency, project, room, other, changde):
    account, _ = agency
    book(account, project, room, at(3), submit=True)  # 09:00–11:00
    other_account, other_project = other
    lots = list(other_project.lots.order_by("number"))
    before = book(other_account, other_project, room, at(3, 7), lots=[lots[0]], submit=True)  # 07:00–09:00
    after = book(other_account, other_project, room, at(3, 11), hours=1, lots=[lots[1]], submit=True)
    assert (before.ends_at, after.starts_at) == (at(3), at(3, 11))
    second_room = make_room(center_admin(changde, "changde_admin_3"), changde, name="测试第二开标室")
    third = approved_project(
        other_account, other_project.agency, actor_of(demo_staff("changde_reviewer")), name="第三个项目"
    )
    assert book(other_account, third, second_room, at(3), submit=True).status == BookingStatus.SUBMITTED


def test_a_lot_is_booked_once_per_kind_of_room(agency, project, room, changde_reviewer, changde):
    account, _ = agency
    first = approved_booking(account, project, room, at(3), changde_reviewer)
    lot = project.lots.order_by("number").first()
    assert refused(book, account, project, room, at(5)) == rules.LOT_BOOKED.format(
        number=lot.number, kind="开标室", slot=rules.slot_text(room, at(3), at(3, 11)), status="审核通过"
    )
    evaluation = Room.objects.at(changde).filter(kind=RoomKind.EVALUATION).first()
    assert (
        book(account, project, evaluation, at(3, 11), hours=6, submit=True).status == BookingStatus.SUBMITTED
    )
    venues.booking_withdraw(actor=unit_actor(account), booking=first)
    assert book(account, project, room, at(5)).status == BookingStatus.DRAFT  # free once withdrawn


def test_withdraw_turns_waiting_and_approved_bookings_back_into_drafts(
    agency, project, room, changde_reviewer, other
):
    account, _ = agency
    waiting = book(account, project, room, at(3), submit=True)
    item = open_item(waiting)
    venues.booking_withdraw(actor=unit_actor(account), booking=waiting)
    waiting.refresh_from_db()
    item.refresh_from_db()
    assert (waiting.status, item.status) == (BookingStatus.DRAFT, ReviewStatus.WITHDRAWN)

    approved = venues.booking_submit(actor=unit_actor(account), booking=waiting)
    decide(changde_reviewer, approved, approve=True)
    venues.booking_withdraw(actor=unit_actor(account), booking=approved)
    approved.refresh_from_db()
    assert approved.status == BookingStatus.DRAFT
    other_account, other_project = other
    book(other_account, other_project, room, at(3), submit=True)  # released
    assert refused(
        venues.booking_withdraw, actor=unit_actor(account), booking=approved
    ) == rules.BOOKING_STATE.format(status="编辑中", action="撤回")


def test_a_project_with_a_booking_is_not_withdrawn(agency, project, room, changde_reviewer):
    account, _ = agency
    booking = approved_booking(account, project, room, at(3), changde_reviewer)
    message = refused(services.project_withdraw, actor=unit_actor(account), project=project)
    assert message == rules.PROJECT_HAS_BOOKINGS.format(
        name=project.name, slots=rules.slot_text(room, at(3), at(3, 11))
    )
    project.refresh_from_db()
    assert project.status == ProjectStatus.APPROVED
    venues.booking_withdraw(actor=unit_actor(account), booking=booking)
    services.project_withdraw(actor=unit_actor(account), project=project)
    project.refresh_from_db()
    assert project.status == ProjectStatus.DRAFT
    # The draft booking stays; it cannot be submitted until the project is approved again.
    assert refused(venues.booking_submit, actor=unit_actor(account), booking=booking) == (
        rules.PROJECT_NOT_APPROVED.format(name=project.name, status="编辑中")
    )


def test_only_drafts_and_rejected_bookings_are_deleted(agency, project, room, changde_reviewer):
    account, _ = agency
    draft = book(account, project, room, at(3))
    venues.booking_delete(actor=unit_actor(account), booking=draft)
    assert not Booking.objects.at(project.center).filter(pk=draft.pk).exists()
    assert AuditEntry.objects.filter(action=rules.AUDIT_BOOKING_DELETED, target_id=str(draft.pk)).exists()
    waiting = book(account, project, room, at(3), submit=True)
    assert refused(venues.booking_delete, actor=unit_actor(account), booking=waiting) == (
        rules.BOOKING_STATE.format(status="待审核", action="删除")
    )


def test_the_reviewer_cannot_approve_a_booking_whose_time_has_passed(agency, project, room, changde_reviewer):
    account, _ = agency
    booking = book(account, project, room, at(3), submit=True)
    # Time travel: the opening time arrives while the booking still waits in the queue.
    past = timezone.now() - HOUR
    Booking.objects.at(project.center).filter(pk=booking.pk).update(starts_at=past, ends_at=past + HOUR)
    message = refused(decide, changde_reviewer, booking, approve=True)
    assert message == rules.DECIDE_TOO_LATE.format(
        label="开标时间", at=f"{timezone.localtime(past):%Y-%m-%d %H:%M}"
    )
    booking.refresh_from_db()
    assert booking.status == BookingStatus.SUBMITTED
    decide(changde_reviewer, booking, approve=False, opinion="开标时间已过。")


def test_another_agency_neither_sees_nor_reaches_the_booking(agency, project, room, other, changde):
    account, entry = agency
    booking = book(account, project, room, at(3))
    other_entry = other[1].agency
    with pytest.raises(NotFound):
        venue_selectors.booking_get_for(center=changde, agency=other_entry, pk=booking.pk)
    with pytest.raises(NotFound):
        venue_selectors.booking_get_for(center=center("hengyang"), agency=entry, pk=booking.pk)
    with pytest.raises(NotFound):
        venue_selectors.booking_get_for(center=changde, agency=entry, pk=booking.pk + 1000)
    assert venue_selectors.booking_get_for(center=changde, agency=entry, pk=booking.pk) == booking
    assert not venue_selectors.bookings_for(center=changde, agency=other_entry).exists()
    assert [b.pk for b in venue_selectors.bookings_for(center=changde, agency=entry)] == [booking.pk]
    with pytest.raises(NotFound):
        venues.booking_create(
            actor=unit_actor(other[0]),
            center=changde,
            agency=other_entry,
            project=project,
            lots=list(project.lots.all()),
            room=room,
            starts_at=at(3),
            duration=HOUR,
        )


def test_on_sqlite_every_transaction_begins_immediate():
    """The overlap rule on SQLite rests on this: the check and the write run with no writer between."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL keeps the rule with an exclusion constraint (test_venue_race_pg.py)")
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
