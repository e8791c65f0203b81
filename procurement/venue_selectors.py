"""Reads of rooms and bookings: always through one center, and an agency's through that agency.

场地使用信息 (004 §3.3 注③) shows every room's held slots to any agency at the center, but names
only the agency's own projects: another agency's booking is just 已被预约 until its announcement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Min, QuerySet
from django.utils import timezone

from centers.models import Center, CenterSubject
from core.errors import NotFound
from procurement import deadlines
from procurement import venue_rules as rules
from procurement.models import Lot, Project
from procurement.tender_models import TenderDocument, TenderStatus
from procurement.venue_models import Booking, BookingQuerySet, BookingStatus, Room

USAGE_DAYS_MAX = 31


@dataclass(frozen=True)
class Occupied:
    """A held slot of a room as the viewer may see it; project, lots and agency are empty (and the
    booking's id None) where the viewer is another agency. `times` (local 09:00–11:00) and `tone`
    (the badge's colour) are what the grid shows, worked out once here rather than per cell."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str
    status_label: str
    mine: bool
    booking_id: int | None = None
    project: str = ""
    lots: str = ""
    agency: str = ""
    is_change: bool = False
    times: str = ""
    tone: str = "muted"

    @property
    def pending(self) -> bool:
        return self.status == BookingStatus.SUBMITTED


@dataclass(frozen=True)
class RoomUsage:
    room: Room
    slots: list[Occupied] = field(default_factory=list)


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _tone(*, mine: bool, shown: bool, status: str) -> str:
    """The badge of a slot: the viewer's own (info), waiting for review (warn), approved (ok), or
    another agency's, of which nothing is shown (muted)."""
    if mine:
        return "info"
    if not shown:
        return "muted"
    return "warn" if status == BookingStatus.SUBMITTED else "ok"


def room_usage(
    *, center: Center, first_day: dt.date, days: int = 7, agency: CenterSubject | None = None
) -> list[RoomUsage]:
    """场地使用信息: every room of the center with the slots held in `days` days from `first_day`
    (local days), in order. `agency` is the viewing agency; None is the center's staff, who see
    every project. Rooms out of use are listed only while they still hold a slot in the window.
    Three queries, however many rooms and bookings."""
    days = max(1, min(days, USAGE_DAYS_MAX))
    start = _local_midnight(first_day)
    end = _local_midnight(first_day + dt.timedelta(days=days))
    held = (
        Booking.objects.at(center)
        .filter(rules.HOLDS_SLOT, starts_at__lt=end, ends_at__gt=start)
        .order_by("starts_at", "pk")
    )
    # Plain rows, not model instances: a busy week holds hundreds of slots, and building a Booking,
    # Project, CenterSubject and Subject for each cost more than the page's queries.
    numbers: dict[int, list[int]] = {}
    through = Booking.lots.through.objects.filter(booking__in=held.values("pk")).order_by("lot__number")
    for booking_id, number in through.values_list("booking_id", "lot__number"):
        numbers.setdefault(booking_id, []).append(number)
    labels = dict(BookingStatus.choices)
    by_room: dict[int, list[Occupied]] = {}
    fields = ("pk", "room_id", "starts_at", "ends_at", "status", "original_id")
    project_fields = (
        "project__name",
        "project__code",
        "project__agency_id",
        "project__agency__subject__name",
    )
    for (
        pk,
        room_id,
        starts_at,
        ends_at,
        status,
        original_id,
        name,
        code,
        agency_id,
        agency_name,
    ) in held.values_list(*fields, *project_fields):
        mine = agency is not None and agency_id == agency.pk
        shown = agency is None or mine
        local_start, local_end = timezone.localtime(starts_at), timezone.localtime(ends_at)
        by_room.setdefault(room_id, []).append(
            Occupied(
                starts_at=starts_at,
                ends_at=ends_at,
                status=status,
                status_label=labels[status],
                mine=mine,
                booking_id=pk if shown else None,
                project=f"{name}（{code}）" if shown else "",
                lots=rules.lots_text(numbers.get(pk, ())) if shown else "",
                agency=agency_name if shown else "",
                is_change=original_id is not None,
                times=f"{local_start:%H:%M}–{local_end:%H:%M}",
                tone=_tone(mine=mine, shown=shown, status=status),
            )
        )
    return [
        RoomUsage(room=room, slots=by_room.get(room.pk, []))
        for room in Room.objects.at(center).order_by("sort", "pk")
        if room.active or room.pk in by_room
    ]


def rooms_for(*, center: Center, kind: str = "", include_inactive: bool = False) -> QuerySet[Room]:
    """The rooms an agency may choose (in use), or, for staff, every room of the center."""
    rooms = Room.objects.at(center)
    if not include_inactive:
        rooms = rooms.filter(active=True)
    if kind:
        rooms = rooms.filter(kind=kind)
    return rooms.order_by("sort", "pk")


def room_get(*, center: Center, pk: int) -> Room:
    """One of the center's rooms, for its staff; another center's looks missing."""
    room = Room.objects.at(center).filter(pk=pk).first()
    if room is None:
        raise NotFound()
    return room


def _agency_bookings(center: Center, agency: CenterSubject) -> BookingQuerySet:
    return (
        Booking.objects.at(center)
        .filter(project__agency=agency)
        .select_related("center", "project", "project__agency", "room", "previous_room")
        .prefetch_related("lots")
    )


def bookings_for(
    *, center: Center, agency: CenterSubject, status: str = "", project: int | None = None
) -> QuerySet[Booking]:
    """开标场地预约列表: the agency's bookings at the center (not the changes), newest first."""
    bookings = _agency_bookings(center, agency).bookings()
    if status in BookingStatus.values:
        bookings = bookings.filter(status=status)
    if project is not None:
        bookings = bookings.filter(project_id=project)
    return bookings


def changes_for(*, center: Center, agency: CenterSubject, status: str = "") -> QuerySet[Booking]:
    """开评标场地变更列表: the agency's change requests at the center, newest first."""
    changes = _agency_bookings(center, agency).changes()
    if status in BookingStatus.values:
        changes = changes.filter(status=status)
    return changes


def booking_get_for(*, center: Center, agency: CenterSubject, pk: int) -> Booking:
    """One of the agency's bookings or changes at the center; missing and someone else's look alike."""
    booking = _agency_bookings(center, agency).filter(pk=pk).first()
    if booking is None:
        raise NotFound()
    return booking


def documents_issued_from(lots: Sequence[Lot]) -> dt.datetime | None:
    """When the lots' procurement documents are issued: the earliest 文件获取开始时间 of a submitted
    tender document covering any of them; None while none is submitted (a draft's date may move)."""
    found = TenderDocument.objects.filter(lots__in=list(lots), status=TenderStatus.SUBMITTED).aggregate(
        first=Min("documents_from")
    )
    return found["first"]


def opening_earliest(project: Project, lots: Sequence[Lot], now: dt.datetime) -> deadlines.Limit | None:
    """The earliest lawful opening for the lots, by the project's method, counted from the documents'
    issue or, while they are not issued, from now (they cannot be issued earlier); None for a method
    with no such limit (单一来源)."""
    rule = deadlines.response_deadline_rule(project.method)
    if rule is None:
        return None
    return deadlines.limit_for(rule, documents_issued_from(lots) or now)


def opening_hint(project: Project, lots: Sequence[Lot], now: dt.datetime | None = None) -> str:
    """「本项目为公开招标：开标时间最早可定于 …」 beside a booking's time, or "" for a method with no limit."""
    limit = opening_earliest(project, lots, now or timezone.now())
    if limit is None:
        return ""
    return rules.OPENING_EARLIEST_HINT.format(
        method=project.get_method_display(),
        earliest=limit.earliest_text,
        citation=limit.rule.citation,
        limit=limit.rule.limit_text,
        note=limit.note,
    )
