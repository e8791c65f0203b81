"""The center's rooms as its administrator keeps them, and 场地使用信息 (004 §3.3 注③) as agencies
and staff read it."""

import pytest

from core.errors import DomainError, NotFound
from core.models import AuditEntry
from procurement import venue_rooms, venue_selectors, venues
from procurement import venue_rules as rules
from procurement.venue_models import Room, RoomKind
from review import rules as review_rules
from tests.centers.factories import center
from tests.centers.people_factories import unit_actor
from tests.procurement.factories import licensed_agency
from tests.procurement.venue_factories import (
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
def admin(changde):
    """常德's own administrator."""
    return center_admin(changde)


def refused(call, *args, **kwargs) -> str:
    with pytest.raises(DomainError) as error:
        call(*args, **kwargs)
    return error.value.message


def test_the_centers_administrator_adds_and_changes_its_rooms(admin, changde):
    room = venue_rooms.room_create(
        actor=admin, center=changde, name=" 第三开标室 ", kind=RoomKind.OPENING, capacity=80, location="五楼"
    )
    assert (room.name, room.active) == ("第三开标室", True)
    changed = venue_rooms.room_update(
        actor=admin,
        room=room,
        name="第三开标室（大）",
        kind=RoomKind.EVALUATION,
        capacity=20,
        location="五楼",
    )
    assert (changed.name, changed.kind, changed.capacity) == ("第三开标室（大）", RoomKind.EVALUATION, 20)
    actions = set(AuditEntry.objects.filter(target_id=str(room.pk)).values_list("action", flat=True))
    assert {rules.AUDIT_ROOM_CREATED, rules.AUDIT_ROOM_SAVED} <= actions


def test_the_platform_administrator_keeps_every_centers_rooms():
    platform = actor_of(demo_staff("ggzy_admin"))
    room = make_room(platform, center("fengtai"), name="丰台测试开标室")
    assert room.center == center("fengtai")


def test_reviewers_and_other_centers_administrators_are_refused(changde_reviewer, changde):
    assert refused(make_room, changde_reviewer, changde) == review_rules.NO_PERMISSION.format(
        roles="审核员", permission="场地管理"
    )
    hengyang_admin = center_admin(center("hengyang"), username="hengyang_admin")
    assert refused(make_room, hengyang_admin, changde) == rules.ROOM_CENTER_NOT_YOURS.format(
        center=center("hengyang").name
    )
    agency_account, _ = licensed_agency(changde)
    assert refused(make_room, unit_actor(agency_account), changde) == review_rules.NOT_STAFF


@pytest.mark.parametrize(
    ("name", "kind", "capacity", "message"),
    [
        ("  ", RoomKind.OPENING, 10, rules.ROOM_NAME_REQUIRED),
        ("第一开标室", RoomKind.OPENING, 10, rules.ROOM_NAME_TAKEN.format(name="第一开标室")),  # seeded
        ("新场地", "hall", 10, rules.ROOM_KIND_INVALID),
        ("新场地", RoomKind.OPENING, 0, rules.ROOM_CAPACITY_RANGE),
        ("新场地", RoomKind.OPENING, 1000, rules.ROOM_CAPACITY_RANGE),
    ],
)
def test_wrong_room_values_are_refused(admin, changde, name, kind, capacity, message):
    assert refused(make_room, admin, changde, name=name, kind=kind, capacity=capacity) == message


def test_a_room_holding_a_slot_is_neither_deactivated_nor_made_another_kind(admin, changde, changde_reviewer):
    room = make_room(admin, changde)
    account, entry = licensed_agency(changde)
    booking = approved_booking(
        account, approved_project(account, entry, changde_reviewer), room, at(3), changde_reviewer
    )
    in_use = {"name": room.name, "count": 1, "slot": rules.slot_text(room, at(3), at(3, 11))}
    assert refused(venue_rooms.room_deactivate, actor=admin, room=room) == rules.ROOM_IN_USE.format(
        **in_use, action="停用"
    )
    assert refused(
        venue_rooms.room_update, actor=admin, room=room, name=room.name, kind=RoomKind.EVALUATION, capacity=30
    ) == rules.ROOM_IN_USE.format(**in_use, action="更改场地类型")
    # Once its time is over, it may go.
    venue_rooms.room_deactivate(actor=admin, room=room, now=booking.ends_at)
    room.refresh_from_db()
    assert not room.active
    assert refused(venue_rooms.room_deactivate, actor=admin, room=room) == rules.ROOM_ALREADY_INACTIVE.format(
        name=room.name
    )
    venue_rooms.room_activate(actor=admin, room=room)
    room.refresh_from_db()
    assert room.active


def test_the_usage_view_shows_every_room_with_its_held_slots_in_few_queries(
    admin, changde, changde_reviewer, django_assert_num_queries
):
    mine_account, mine = licensed_agency(changde)
    theirs_account, theirs = licensed_agency(changde, name="另一家招标代理有限公司")
    room = make_room(admin, changde)
    my_project = approved_project(mine_account, mine, changde_reviewer)
    their_project = approved_project(theirs_account, theirs, changde_reviewer, name="另一家代理的项目")
    approved_booking(mine_account, my_project, room, at(3), changde_reviewer)
    book(theirs_account, their_project, room, at(3, 13), submit=True)
    book(theirs_account, their_project, room, at(4), lots=list(their_project.lots.all())[1:])  # a draft
    book(theirs_account, their_project, room, at(12), lots=list(their_project.lots.all())[1:], submit=True)
    first_day = at(3).date()
    with django_assert_num_queries(3):
        usage = venue_selectors.room_usage(center=changde, first_day=first_day, days=7, agency=mine)
    by_room = {row.room.pk: row.slots for row in usage}
    assert set(by_room) == set(Room.objects.at(changde).filter(active=True).values_list("pk", flat=True))
    mine_slot, their_slot = by_room[room.pk]  # the draft holds nothing, the slot at(12) is out of the window
    assert (mine_slot.mine, mine_slot.project, mine_slot.lots) == (
        True,
        f"{my_project.name}（{my_project.code}）",
        "第1包",
    )
    assert (their_slot.mine, their_slot.project, their_slot.booking_id, their_slot.pending) == (
        False,
        "",
        None,
        True,
    )
    staff_view = venue_selectors.room_usage(center=changde, first_day=first_day, days=7)
    staff_slots = next(row.slots for row in staff_view if row.room.pk == room.pk)
    assert [slot.agency for slot in staff_slots] == ["常德招标代理有限公司", "另一家招标代理有限公司"]
    # What the grid shows, in local time: the agency's own slot, another's hidden one; to staff, the
    # approved slot and the one waiting for review.
    assert (mine_slot.times, mine_slot.tone, their_slot.tone) == ("09:00–11:00", "info", "muted")
    assert [(slot.times, slot.tone) for slot in staff_slots] == [
        ("09:00–11:00", "ok"),
        ("13:00–15:00", "warn"),
    ]


def test_a_room_out_of_use_shows_in_the_usage_view_only_while_it_holds_a_slot(
    admin, changde, changde_reviewer
):
    room = make_room(admin, changde)
    account, entry = licensed_agency(changde)
    booking = approved_booking(
        account, approved_project(account, entry, changde_reviewer), room, at(3), changde_reviewer
    )
    venue_rooms.room_deactivate(actor=admin, room=room, now=booking.ends_at)  # as if the day were over
    listed = venue_selectors.room_usage(center=changde, first_day=at(3).date(), days=1)
    assert room.pk in {row.room.pk for row in listed}
    listed = venue_selectors.room_usage(center=changde, first_day=at(4).date(), days=1)
    assert room.pk not in {row.room.pk for row in listed}
    venues.booking_withdraw(actor=unit_actor(account), booking=booking)
    assert room.pk not in {
        row.room.pk for row in venue_selectors.room_usage(center=changde, first_day=at(3).date(), days=1)
    }


def test_the_agency_chooses_among_the_rooms_in_use(admin, changde):
    room = make_room(admin, changde)
    assert room in venue_selectors.rooms_for(center=changde, kind=RoomKind.OPENING)
    venue_rooms.room_deactivate(actor=admin, room=room)
    assert room not in venue_selectors.rooms_for(center=changde)
    assert room in venue_selectors.rooms_for(center=changde, include_inactive=True)
    assert venue_selectors.room_get(center=changde, pk=room.pk) == room
    with pytest.raises(NotFound):
        venue_selectors.room_get(center=center("hengyang"), pk=room.pk)
