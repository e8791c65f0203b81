"""Issue 14: 场地使用信息, the agency's week and day view of its center's rooms, at 10,000 projects.

On the projects bench/projects.py loads at 常德, the center gets eight more rooms beside its four
seeded ones (4 开标室 and 8 评标室 in use) and one out of use. In the measured week — next week —
every room in use is held four times each working day (08:30–10:30, 10:30–12:00, 14:00–16:00,
16:00–17:30: seven of nine working hours), one booking in five still 待审核. In the 26 weeks either
side, a little under half of those slots are held. Everywhere, beside the holders, are rows the
page's query has to pass over: drafts and rejected bookings of the same slots, and changes of
approved bookings in every state, a pending one holding its booking's slot from half an hour later.
衡阳 and 丰台 get the same on their four rooms with 500 projects each, for the center filter to
leave out.

Bookings go to the approved projects in a shuffled order, so the first agency finds about half the
slots its own (named) and the rest 已预约. Its week view and the day view of that week's Wednesday
are rendered through django.test.Client with a certificate session; queries are counted on the
measured week and on an empty one, which should take as many.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import time
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.agencies import agencies_at, agency_client, analyze, projects_load
from bench.figures import show, spread, time_ms
from centers.models import Center, CenterSubject
from procurement import venue_rules as rules
from procurement.models import Lot, ProjectStatus
from procurement.venue_models import Booking, BookingQuerySet, BookingStatus, Room, RoomKind

LIMIT = "300 ms"  # as the project list: issue 14 asks both pages at 10,000 projects
WEEKS_AROUND = 26
FILL_AROUND = 0.45  # the share of slots held in the weeks around the measured one
SLOTS = [((8, 30), (10, 30)), ((10, 30), (12, 0)), ((14, 0), (16, 0)), ((16, 0), (17, 30))]
MORE_ROOMS = [
    ("第三开标室", RoomKind.OPENING, 40),
    ("第四开标室", RoomKind.OPENING, 30),
    *((f"第{n}评标室", RoomKind.EVALUATION, 9) for n in "三四五六七八"),
]
OTHER_CENTERS = {"hengyang": 500, "fengtai": 500}
CHANGE_STATES = [
    BookingStatus.SUBMITTED,
    BookingStatus.APPROVED,
    BookingStatus.REJECTED,
    BookingStatus.WITHDRAWN,
]
CHUNK = 2_000


def measured_monday() -> dt.date:
    today = timezone.localdate()
    return today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=1)


def _at(day: dt.date, hour_minute: tuple[int, int]) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(*hour_minute)))


class Bookers:
    """Who books next: approved projects in a shuffled order, a 开标室 for all of a project's lots,
    a 评标室 for one lot at a time, so no lot is booked twice for one kind of room until every
    lot has been."""

    def __init__(self, center: Center, rng: random.Random) -> None:
        lots: dict[int, list[int]] = {}
        approved = Lot.objects.filter(project__center=center, project__status=ProjectStatus.APPROVED)
        for project_id, lot_id in approved.order_by("project_id", "number").values_list("project_id", "pk"):
            lots.setdefault(project_id, []).append(lot_id)
        projects = list(lots.items())
        rng.shuffle(projects)
        self.openings = itertools.cycle(projects)
        self.evaluations = itertools.cycle([(pk, [lot]) for pk, ids in projects for lot in ids])

    def next(self, room: Room) -> tuple[int, list[int]]:
        """(project id, lot ids) of the next booking of the room."""
        return next(self.openings if room.kind == RoomKind.OPENING else self.evaluations)


@dataclass
class Plan:
    """The rows of one center, bookings before the changes that point at them."""

    bookings: list[Booking] = field(default_factory=list)
    lots: list[list[int]] = field(default_factory=list)
    changes: list[tuple[int, Booking]] = field(default_factory=list)  # (index of the booking, change)
    held: int = 0

    def book(self, booking: Booking, lots: list[int]) -> int:
        self.bookings.append(booking)
        self.lots.append(lots)
        self.held += booking.status in rules.ACTIVE
        return len(self.bookings) - 1


def _plan(center: Center, rooms: list[Room], rng: random.Random) -> Plan:
    bookers, plan, serial = Bookers(center, rng), Plan(), 0
    full_week = measured_monday()
    for week in range(-WEEKS_AROUND, WEEKS_AROUND + 1):
        monday = full_week + dt.timedelta(weeks=week)
        for day in (monday + dt.timedelta(days=n) for n in range(5)):
            for room in rooms:
                for start, end in SLOTS:
                    if week and rng.random() >= FILL_AROUND:
                        continue
                    serial += 1
                    slot = (center, room, _at(day, start), _at(day, end))
                    status = BookingStatus.SUBMITTED if serial % 5 == 0 else BookingStatus.APPROVED
                    held = plan.book(*_booking(*slot, status, bookers.next(room)))
                    for every, other in ((3, BookingStatus.DRAFT), (7, BookingStatus.REJECTED)):
                        if serial % every == 0:
                            plan.book(*_booking(*slot, other, bookers.next(room)))
                    if status == BookingStatus.APPROVED and serial % 4 == 0:
                        change = _change(plan.bookings[held], CHANGE_STATES[serial // 4 % 4])
                        plan.changes.append((held, change))
                        plan.held += change.status == BookingStatus.SUBMITTED
    return plan


def _booking(
    center: Center,
    room: Room,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    status: str,
    booker: tuple[int, list[int]],
) -> tuple[Booking, list[int]]:
    """A booking of the booker's project and its lot ids."""
    submitted = starts_at - dt.timedelta(days=20)
    decided = status in {BookingStatus.APPROVED, BookingStatus.REJECTED}
    project_id, lots = booker
    booking = Booking(
        center=center,
        project_id=project_id,
        room=room,
        starts_at=starts_at,
        ends_at=ends_at,
        status=status,
        submitted_at=None if status == BookingStatus.DRAFT else submitted,
        decided_at=submitted + dt.timedelta(days=1) if decided else None,
    )
    return booking, lots


def _change(booking: Booking, status: str) -> Booking:
    """A change of the booking by half an hour in the same room. Pending, refused or withdrawn, it
    asks for half an hour later, and pending it holds that slot beside its booking's (the one
    overlap the rules allow); approved, it moved the booking here from half an hour earlier."""
    half_hour = dt.timedelta(minutes=30)
    moved = status == BookingStatus.APPROVED
    return Booking(
        center=booking.center,
        project_id=booking.project_id,
        room=booking.room,
        starts_at=booking.starts_at if moved else booking.starts_at + half_hour,
        ends_at=booking.ends_at,
        status=status,
        reason="采购人申请推迟开标，已发布变更公告。",
        previous_room=booking.room,
        previous_starts_at=booking.starts_at - half_hour if moved else booking.starts_at,
        previous_ends_at=booking.ends_at - half_hour if moved else booking.ends_at,
        submitted_at=booking.starts_at - dt.timedelta(days=5),
        decided_at=None if status == BookingStatus.SUBMITTED else booking.starts_at - dt.timedelta(days=4),
    )


def _save(plan: Plan) -> None:
    Through = Booking.lots.through
    for first in range(0, len(plan.bookings), CHUNK):
        with transaction.atomic():
            made = Booking.objects.bulk_create(plan.bookings[first : first + CHUNK])
            Through.objects.bulk_create(
                Through(booking_id=booking.pk, lot_id=lot)
                for booking, lots in zip(made, plan.lots[first : first + CHUNK], strict=True)
                for lot in lots
            )
    changes = []
    for index, change in plan.changes:
        change.original_id = plan.bookings[index].pk
        changes.append(change)
    with transaction.atomic():
        made = Booking.objects.bulk_create(changes, batch_size=CHUNK)
        Through.objects.bulk_create(
            (
                Through(booking_id=change.pk, lot_id=lot)
                for (index, _), change in zip(plan.changes, made, strict=True)
                for lot in plan.lots[index]
            ),
            batch_size=CHUNK,
        )


def _rooms(center: Center) -> list[Room]:
    """The center's rooms in use, after giving 常德 the larger center's twelve and one closed."""
    if center.code == "changde":
        Room.objects.bulk_create(
            [
                *(
                    Room(center=center, name=name, kind=kind, capacity=capacity, sort=10 + n)
                    for n, (name, kind, capacity) in enumerate(MORE_ROOMS)
                ),
                Room(center=center, name="原第五开标室", kind=RoomKind.OPENING, capacity=30, active=False),
            ]
        )
    return list(Room.objects.at(center).filter(active=True).order_by("sort", "pk"))


def load(center: Center) -> tuple[int, int]:
    """Bookings at the center and at the other centers; (rows in all, rows holding a slot)."""
    rng = random.Random(14)
    rows = held = 0
    for at_center in (center, *Center.objects.filter(code__in=OTHER_CENTERS)):
        if at_center != center:
            projects_load(at_center, agencies_at(at_center), OTHER_CENTERS[at_center.code])
        plan = _plan(at_center, _rooms(at_center), rng)
        _save(plan)
        rows += len(plan.bookings) + len(plan.changes)
        held += plan.held
    analyze()
    return rows, held


def _page(client: Client, url: str, params: dict[str, str]) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    if response.status_code != 200:
        raise SystemExit(f"{url}?{params}: HTTP {response.status_code}.")
    return response.content.decode(), len(queries)


def run(*, center: Center, agency: CenterSubject, runs: int) -> None:
    started = time.perf_counter()
    rows, held = load(center)
    show(
        "setup",
        f"bulk load {rows} bookings and changes ({held} holding a slot) at 3 centers",
        f"{time.perf_counter() - started:.1f} s",
    )
    client = agency_client(agency)
    url = f"/centers/{center.code}/venues/usage/"
    monday = measured_monday()
    rooms = Room.objects.at(center).filter(active=True).count()
    for view, first_day in (("week", monday), ("day", monday + dt.timedelta(days=2))):
        held_slots = _held(center, view, first_day)
        own = held_slots.filter(project__agency=agency).select_related("project").first()
        if own is None:
            raise SystemExit(f"The agency holds no slot in the {view} of {first_day}.")
        params = {"view": view, "day": f"{first_day:%Y-%m-%d}"}
        page, query_count = _page(client, url, params)
        if own.project.code not in page or "已预约" not in page:
            raise SystemExit(f"{url}?{params} did not show {own.project.code} and 已预约.")
        # The same view a week on, about half as full: as many queries, or they grow with the rows.
        sparser = first_day + dt.timedelta(weeks=1)
        _, sparser_count = _page(client, url, {"view": view, "day": f"{sparser:%Y-%m-%d}"})
        samples = [time_ms(lambda p=params: client.get(url, p)) for _ in range(runs)]
        figure = f"usage {view} view ({held_slots.count()} held slots, {rooms} rooms)"
        show("venues", figure, spread(samples), LIMIT)
        show(
            "venues",
            f"usage {view} view queries",
            f"{query_count} queries ({sparser_count} a week on, "
            f"{_held(center, view, sparser).count()} held slots)",
        )


def _held(center: Center, view: str, first_day: dt.date) -> BookingQuerySet:
    """The rows holding a slot in the view from first_day: what the page shows."""
    days = 7 if view == "week" else 1
    start, end = _at(first_day, (0, 0)), _at(first_day + dt.timedelta(days=days), (0, 0))
    return Booking.objects.at(center).filter(rules.HOLDS_SLOT, starts_at__lt=end, ends_at__gt=start)
