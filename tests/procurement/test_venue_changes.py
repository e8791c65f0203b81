"""场地变更 (004 §3.4): a change of an approved booking, reviewed; the new slot is held while it
waits and the old one released only when it is approved."""

import datetime as dt

import pytest
from django.utils import timezone

from core.errors import DomainError
from core.models import AuditEntry
from procurement import venue_rules as rules
from procurement import venue_selectors, venues
from procurement.venue_models import Booking, BookingStatus, Room, RoomKind
from review import handlers
from review.models import ReviewKind, ReviewStatus
from tests.centers.people_factories import decide, open_item, unit_actor
from tests.procurement.factories import licensed_agency
from tests.procurement.venue_factories import (
    HOUR,
    approved_booking,
    approved_project,
    at,
    book,
    center_admin,
    make_room,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rooms(changde):
    admin = center_admin(changde)
    return make_room(admin, changde, name="测试第一开标室"), make_room(admin, changde, name="测试第二开标室")


@pytest.fixture
def booking(agency, project, rooms, changde_reviewer):
    """第1包, 测试第一开标室, in three days 09:00–11:00, approved."""
    account, _ = agency
    return approved_booking(account, project, rooms[0], at(3), changde_reviewer)


@pytest.fixture
def other(changde, changde_reviewer):
    account, entry = licensed_agency(changde, name="另一家招标代理有限公司")
    return account, approved_project(account, entry, changde_reviewer, name="另一家代理的项目")


def change(account, booking, room, starts_at, hours=2, reason="采购人要求改期", **kw):
    return venues.booking_change_request(
        actor=unit_actor(account),
        booking=booking,
        room=room,
        starts_at=starts_at,
        duration=dt.timedelta(hours=hours),
        reason=reason,
        **kw,
    )


def taken(room, starts_at, ends_at) -> str:
    """What another agency is told of a slot held by this test's agency."""
    return rules.SLOT_TAKEN.format(slot=rules.slot_text(room, starts_at, ends_at), whose="")


def refused(call, *args, **kwargs) -> str:
    with pytest.raises(DomainError) as error:
        call(*args, **kwargs)
    return error.value.message


def test_a_change_waits_for_review_holding_the_new_slot_beside_the_old(agency, booking, rooms, other):
    account, _ = agency
    asked = change(account, booking, rooms[1], at(4, 14))
    assert (asked.status, asked.original, asked.is_change) == (BookingStatus.SUBMITTED, booking, True)
    assert (asked.previous_room, asked.previous_starts_at, asked.previous_ends_at) == (
        rooms[0],
        at(3),
        at(3, 11),
    )
    assert list(asked.lots.all()) == list(booking.lots.all())
    item = open_item(asked)
    assert item.kind == ReviewKind.BOOKING_CHANGE
    assert item.title == rules.CHANGE_REVIEW_TITLE.format(
        project=booking.project.name,
        lots="第1包",
        before=rules.slot_text(rooms[0], at(3), at(3, 11)),
        after=rules.slot_text(rooms[1], at(4, 14), at(4, 16)),
    )
    assert ("变更原因", "采购人要求改期") in handlers.describe(item).rows
    # Both slots are held while the change waits: nobody else takes either.
    other_account, other_project = other
    for room, starts_at, ends_at in [(rooms[0], at(3), at(3, 11)), (rooms[1], at(4, 14), at(4, 16))]:
        assert refused(book, other_account, other_project, room, starts_at) == taken(room, starts_at, ends_at)
    booking.refresh_from_db()
    assert (booking.status, booking.room, booking.starts_at) == (BookingStatus.APPROVED, rooms[0], at(3))


def test_approving_the_change_moves_the_booking_and_releases_the_old_slot(
    agency, booking, rooms, changde_reviewer, other
):
    account, _ = agency
    asked = change(account, booking, rooms[1], at(4, 14))
    other_account, other_project = other
    decide(changde_reviewer, asked, approve=True, opinion="同意变更。")
    booking.refresh_from_db()
    asked.refresh_from_db()
    assert (booking.status, booking.room, booking.starts_at, booking.ends_at) == (
        BookingStatus.APPROVED,
        rooms[1],
        at(4, 14),
        at(4, 16),
    )
    assert (asked.status, asked.decision_opinion) == (BookingStatus.APPROVED, "同意变更。")
    approved = AuditEntry.objects.get(action=rules.AUDIT_CHANGE_APPROVED, target_id=str(asked.pk))
    assert approved.data["before"]["room"] == rooms[0].pk
    assert dt.datetime.fromisoformat(approved.data["before"]["starts_at"]) == at(3)
    # The old slot is free; the new one is the booking's.
    assert book(other_account, other_project, rooms[0], at(3), submit=True).status == BookingStatus.SUBMITTED
    second_lot = list(other_project.lots.order_by("number"))[1:]
    message = refused(book, other_account, other_project, rooms[1], at(4, 15), lots=second_lot)
    assert message == taken(rooms[1], at(4, 14), at(4, 16))
    # And the booking may be changed again.
    assert change(account, booking, rooms[1], at(5)).status == BookingStatus.SUBMITTED


def test_a_rejected_change_leaves_the_booking_and_frees_the_new_slot(
    agency, booking, rooms, changde_reviewer, other
):
    account, _ = agency
    asked = change(account, booking, rooms[1], at(4, 14))
    decide(changde_reviewer, asked, approve=False, opinion="该时段已安排维护。")
    asked.refresh_from_db()
    booking.refresh_from_db()
    assert asked.status == BookingStatus.REJECTED
    assert (booking.status, booking.room, booking.starts_at) == (BookingStatus.APPROVED, rooms[0], at(3))
    other_account, other_project = other
    assert (
        book(other_account, other_project, rooms[1], at(4, 14), submit=True).status == BookingStatus.SUBMITTED
    )
    second_lot = list(other_project.lots.order_by("number"))[1:]
    assert refused(book, other_account, other_project, rooms[0], at(3), lots=second_lot) == taken(
        rooms[0], at(3), at(3, 11)
    )


def test_a_change_may_overlap_its_own_booking_in_the_same_room(agency, booking, rooms, changde_reviewer):
    account, _ = agency
    later = change(account, booking, rooms[0], at(3, 10), hours=2)  # 09:00–11:00 → 10:00–12:00
    decide(changde_reviewer, later, approve=True)
    booking.refresh_from_db()
    assert (booking.starts_at, booking.ends_at) == (at(3, 10), at(3, 12))


def test_a_change_of_another_agencys_slot_is_refused(agency, booking, rooms, other):
    account, _ = agency
    other_account, other_project = other
    book(other_account, other_project, rooms[1], at(4, 14), submit=True)
    message = refused(change, account, booking, rooms[1], at(4, 15))
    assert message == taken(rooms[1], at(4, 14), at(4, 16))
    assert not Booking.objects.at(booking.center).changes().exists()


def test_only_an_approved_booking_is_changed(agency, project, rooms):
    account, _ = agency
    waiting = book(account, project, rooms[0], at(3), submit=True)
    assert refused(change, account, waiting, rooms[1], at(4)) == (
        rules.BOOKING_STATE.format(status="待审核", action="申请场地变更")
        + rules.BOOKING_STATE_HINTS["change"]
    )


def test_one_change_waits_at_a_time(agency, booking, rooms):
    account, _ = agency
    change(account, booking, rooms[1], at(4))
    assert refused(change, account, booking, rooms[1], at(5)) == rules.CHANGE_PENDING


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("same", rules.CHANGE_NOTHING),
        ("no reason", rules.CHANGE_REASON_REQUIRED),
        ("evaluation room", rules.CHANGE_KIND.format(kind="开标室")),
        ("too short", rules.DURATION_OUT_OF_RANGE),
    ],
)
def test_a_change_must_change_something_sensible(agency, booking, rooms, changde, case, message):
    account, _ = agency
    evaluation = Room.objects.at(changde).filter(kind=RoomKind.EVALUATION).first()
    arguments = {
        "same": (rooms[0], at(3), 2, "改期"),
        "no reason": (rooms[1], at(4), 2, "  "),
        "evaluation room": (evaluation, at(4), 2, "改期"),
        "too short": (rooms[1], at(4), 0.25, "改期"),
    }[case]
    assert refused(change, account, booking, *arguments[:3], reason=arguments[3]) == message


def test_a_change_must_come_before_the_original_time_and_go_to_a_later_than_now(agency, booking, rooms):
    account, _ = agency
    now = timezone.now()
    assert refused(change, account, booking, rooms[1], now, now=now) == rules.NOT_IN_FUTURE.format(
        label="开标时间", now=f"{timezone.localtime(now):%Y-%m-%d %H:%M}"
    )
    after_opening = at(3, 12)
    assert refused(
        change, account, booking, rooms[1], at(5), now=after_opening
    ) == rules.CHANGE_TOO_LATE.format(label="开标时间", at=f"{at(3):%Y-%m-%d %H:%M}")


def test_withdrawing_a_change_leaves_the_booking_and_another_may_be_asked(agency, booking, rooms):
    account, _ = agency
    asked = change(account, booking, rooms[1], at(4))
    item = open_item(asked)
    assert refused(venues.booking_withdraw, actor=unit_actor(account), booking=booking) == (
        rules.WITHDRAW_CHANGE_PENDING
    )
    venues.booking_withdraw(actor=unit_actor(account), booking=asked)
    asked.refresh_from_db()
    item.refresh_from_db()
    booking.refresh_from_db()
    assert (asked.status, item.status) == (BookingStatus.WITHDRAWN, ReviewStatus.WITHDRAWN)
    assert (booking.status, booking.room) == (BookingStatus.APPROVED, rooms[0])
    assert AuditEntry.objects.filter(action=rules.AUDIT_CHANGE_WITHDRAWN, target_id=str(asked.pk)).exists()
    assert change(account, booking, rooms[1], at(4)).status == BookingStatus.SUBMITTED


def test_a_change_is_never_edited_or_deleted(agency, booking, rooms):
    account, _ = agency
    asked = change(account, booking, rooms[1], at(4))
    for call, more in [
        (venues.booking_submit, {}),
        (venues.booking_delete, {}),
        (
            venues.booking_update,
            {"lots": list(booking.lots.all()), "room": rooms[1], "starts_at": at(5), "duration": HOUR},
        ),
    ]:
        assert refused(call, actor=unit_actor(account), booking=asked, **more) == rules.CHANGE_NOT_EDITABLE
    assert refused(change, account, asked, rooms[0], at(6)) == rules.CHANGE_NOT_EDITABLE


def test_the_agency_lists_its_changes_apart_from_its_bookings(agency, booking, rooms, changde):
    account, entry = agency
    asked = change(account, booking, rooms[1], at(4))
    assert [b.pk for b in venue_selectors.bookings_for(center=changde, agency=entry)] == [booking.pk]
    assert [c.pk for c in venue_selectors.changes_for(center=changde, agency=entry)] == [asked.pk]
    assert venue_selectors.booking_get_for(center=changde, agency=entry, pk=asked.pk) == asked
    assert not venue_selectors.changes_for(
        center=changde, agency=entry, status=BookingStatus.APPROVED
    ).exists()
