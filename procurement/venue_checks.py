"""The checks and locks that 场地预约 and 场地变更 share (procurement.venues): state guards, the
platform's rules, the lots rule and the slot rule, each refusing with a venue_rules message.

Called inside the writes' transactions; the locks are taken in the order procurement.venues says.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone

from centers.models import Center
from core.audit import Actor, audit_log
from core.errors import DomainError, NotFound
from procurement import deadlines, venue_selectors
from procurement import venue_rules as rules
from procurement.models import Lot, LotStage, Project, ProjectStatus
from procurement.venue_models import Booking, Room, RoomKind

# The names PostgreSQL reports when a write breaks the rules (migration 0002, venue_models).
OVERLAP_CONSTRAINT = "booking_room_no_overlap"
PENDING_CHANGE_CONSTRAINT = "one_pending_change_per_booking"


def guard(booking: Booking, action: str) -> str:
    table = rules.CHANGE_TRANSITIONS if booking.is_change else rules.TRANSITIONS
    if action not in table:
        raise DomainError(rules.CHANGE_NOT_EDITABLE)
    allowed, after = table[action]
    if booking.status not in allowed:
        template = rules.CHANGE_STATE if booking.is_change else rules.BOOKING_STATE
        message = template.format(status=booking.get_status_display(), action=rules.ACTION_LABELS[action])
        hint = "" if booking.is_change else rules.BOOKING_STATE_HINTS.get(action, "")
        raise DomainError(message + hint)
    return after or booking.status


def bookable(project: Project) -> None:
    """004 §3.3 前置条件: 项目注册审核通过."""
    if project.status != ProjectStatus.APPROVED:
        raise DomainError(
            rules.PROJECT_NOT_APPROVED.format(
                name=project.name or project.code, status=project.get_status_display()
            )
        )


def room_of(center: Center | int, room: Room | None, *, lock: bool = False) -> Room:
    """The room, if it is the center's and in use. Locked on request: see the module docstring
    (PostgreSQL takes the row lock; SQLite ignores it, its transactions are serial already)."""
    rooms = Room.objects.at(center).filter(active=True)
    if lock:
        rooms = rooms.select_for_update()
    found = rooms.filter(pk=room.pk).first() if room is not None else None
    if found is None:
        raise DomainError(rules.ROOM_UNAVAILABLE, field="room")
    return found


def slot_end(room: Room, starts_at: dt.datetime, duration: dt.timedelta, now: dt.datetime) -> dt.datetime:
    """The end of the slot; the platform's rules: later than now (004 §3.3 注①), a sane length."""
    if not rules.DURATION_MIN <= duration <= rules.DURATION_MAX:
        raise DomainError(rules.DURATION_OUT_OF_RANGE, field="duration")
    in_future(room, starts_at, now, field="starts_at")
    return starts_at + duration


def in_future(room: Room, starts_at: dt.datetime, now: dt.datetime, *, field: str | None = None) -> None:
    if starts_at <= now:
        raise DomainError(
            rules.NOT_IN_FUTURE.format(
                label=rules.TIME_LABELS[room.kind], now=f"{timezone.localtime(now):%Y-%m-%d %H:%M}"
            ),
            field=field,
        )


def opening_lawful(
    project: Project,
    room: Room,
    lots: Sequence[Lot],
    starts_at: dt.datetime,
    now: dt.datetime,
    *,
    field: str | None,
) -> None:
    """An 开标室 slot starts at the bid deadline (87号令 art. 39), so it keeps the method's limit from
    the documents' issue (政府采购法 art. 35 for 招标), refused with the article and the earliest time."""
    if room.kind != RoomKind.OPENING:
        return
    issued = venue_selectors.documents_issued_from(lots)
    rule = deadlines.response_deadline_rule(project.method)
    refusal = deadlines.check(rule, issued or now, starts_at) if rule else None
    if refusal:
        context = (
            rules.OPENING_FROM_ISSUED.format(at=deadlines.format_time(issued))
            if issued
            else rules.OPENING_FROM_NOW
        )
        raise DomainError(context + refusal, field=field)


def clean_text(text: str) -> str:
    text = text.strip()
    if len(text) > rules.NOTE_LIMIT:
        raise DomainError(rules.NOTE_TOO_LONG)
    return text


def lots_of(project: Project, lots: Sequence[Lot]) -> list[Lot]:
    """The chosen lots, each one of the project's and still in procurement (a lot terminated or
    failed books nothing more)."""
    wanted = {lot.pk for lot in lots}
    if not wanted:
        raise DomainError(rules.LOTS_REQUIRED, field="lots")
    found = list(Lot.objects.filter(project=project, pk__in=wanted).order_by("number"))
    if len(found) != len(wanted):
        raise DomainError(rules.LOT_NOT_OF_PROJECT.format(name=project.name), field="lots")
    for lot in found:
        if lot.stage in (LotStage.TERMINATED, LotStage.FAILED):
            raise DomainError(
                rules.LOT_CLOSED.format(number=lot.number, stage=lot.get_stage_display()), field="lots"
            )
    return found


def lots_free(lots: Sequence[Lot], room: Room, booking: Booking | None) -> None:
    """A lot has one booking in force or waiting per kind of room (one opening, one evaluation);
    moving it is a 场地变更. A booking whose slot is over holds the lot no more: a lot resumed
    after its suspension books its new opening (004 §3.9). Read under the project's lock."""
    taken = (
        Booking.lots.through.objects.filter(
            lot__in=lots,
            booking__original=None,
            booking__status__in=rules.ACTIVE,
            booking__room__kind=room.kind,
            booking__ends_at__gt=timezone.now(),
        )
        .exclude(booking_id=booking.pk if booking else 0)
        .select_related("lot", "booking__room")
        .order_by("lot__number")
        .first()
    )
    if taken is not None:
        held = taken.booking
        raise DomainError(
            rules.LOT_BOOKED.format(
                number=taken.lot.number,
                kind=held.room.get_kind_display(),
                slot=rules.slot_text(held.room, held.starts_at, held.ends_at),
                status=held.get_status_display(),
            ),
            field="lots",
        )


def slot_refusal(
    center: Center | int,
    agency_id: int,
    room: Room,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    chain: int | None,
) -> str | None:
    """Why the slot cannot be had: the first booking holding an overlapping slot of the room, or
    None. `chain` is the booking being changed, whose own slot does not stand in its way."""
    holders = Booking.objects.at(center).filter(
        rules.HOLDS_SLOT, room=room, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    if chain is not None:
        holders = holders.exclude(pk=chain).exclude(original=chain)
    holder = holders.select_related("room", "project").order_by("starts_at", "pk").first()
    if holder is None:
        return None
    whose = ""
    if holder.project.agency_id == agency_id:
        numbers = holder.lots.values_list("number", flat=True)
        whose = rules.SLOT_TAKEN_OWN.format(project=holder.project.name, lots=rules.lots_text(numbers))
    return rules.SLOT_TAKEN.format(
        slot=rules.slot_text(holder.room, holder.starts_at, holder.ends_at), whose=whose
    )


def slot_free(booking: Booking, chain: int | None = None) -> None:
    refusal = slot_refusal(
        booking.center_id, booking.project.agency_id, booking.room, booking.starts_at, booking.ends_at, chain
    )
    if refusal:
        raise DomainError(refusal, field="starts_at")


def save_holding(booking: Booking, chain: int | None, update_fields: list[str] | None = None) -> None:
    """Write a row that holds a slot. Should the database refuse it (another transaction took the
    slot after the check, which only PostgreSQL lets happen, and only if something wrote without
    the room's lock), the refusal names the slot that won, as the check would have."""
    try:
        with transaction.atomic():
            booking.save(update_fields=update_fields)
    except IntegrityError as error:
        if PENDING_CHANGE_CONSTRAINT in str(error):
            raise DomainError(rules.CHANGE_PENDING) from error
        if OVERLAP_CONSTRAINT not in str(error):
            raise
        refusal = slot_refusal(
            booking.center_id,
            booking.project.agency_id,
            booking.room,
            booking.starts_at,
            booking.ends_at,
            chain,
        )
        raise DomainError(
            refusal
            or rules.SLOT_TAKEN.format(
                slot=rules.slot_text(booking.room, booking.starts_at, booking.ends_at), whose=""
            ),
            field="starts_at",
        ) from error


def audit(actor: Actor, action: str, target: Booking, **data: object) -> None:
    audit_log(
        actor=actor,
        action=action,
        target=target,
        subject_id=target.project.agency.subject_id,
        data={
            "center": target.center_id,
            "project": target.project.code,
            "room": target.room_id,
            "starts_at": target.starts_at.isoformat(),
            "ends_at": target.ends_at.isoformat(),
            **data,
        },
    )


def locked_booking(center_id: int, pk: int) -> Booking:
    # of=("self",): the joined project and room are read here but locked, when needed, in order.
    locked = (
        Booking.objects.at(center_id)
        .select_for_update(of=("self",))
        .select_related("center", "project", "project__agency", "room")
        .filter(pk=pk)
        .first()
    )
    if locked is None:
        raise NotFound()
    return locked


def lock_project(project: Project) -> Project:
    """The project's row lock: every booking write of the project, and its 撤回, take it."""
    return (
        Project.objects.at(project.center_id)
        .select_for_update(of=("self",))
        .select_related("agency", "agency__subject")
        .get(pk=project.pk)
    )


def lot_numbers(booking: Booking) -> list[int]:
    return list(booking.lots.values_list("number", flat=True))
