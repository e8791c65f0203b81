"""场地预约 and 场地变更 (004 §3.3, §3.4): the agency's writes and the queue's decisions.

Every write locks what it changes in one order — the booking, then its project, then the room —
guards the state through venue_rules' tables, and saves and audits in one transaction. The project
lock makes the lots rule (a lot is booked once per kind of room) and the project's 撤回 (refused
while a booking holds a slot) see each other; the room lock lets the loser of a race for a slot
read the winner's booking and name it. The rule itself is the database's (venue_rules docstring):
when a write breaks it anyway, the refusal names the slot as the overlap query would.

The checks they share are in procurement/venue_checks.py, the back-office's rooms in
procurement/venue_rooms.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from centers.models import Center, CenterSubject
from core.audit import Actor
from core.errors import DomainError, NotFound
from procurement import lot_states
from procurement import venue_checks as checks
from procurement import venue_rules as rules
from procurement.models import Lot, Project
from procurement.services import may_register
from procurement.venue_models import Booking, BookingPurpose, BookingStatus, Room
from review.models import ReviewItem, ReviewKind
from review.services import review_open, review_withdraw

# --- the agency's writes -------------------------------------------------------------------------


def booking_create(
    *,
    actor: Actor,
    center: Center,
    agency: CenterSubject,
    project: Project,
    lots: Sequence[Lot],
    room: Room,
    starts_at: dt.datetime,
    duration: dt.timedelta,
    note: str = "",
    now: dt.datetime | None = None,
) -> Booking:
    """「新增开标场地」: a draft for lots of an approved project. The slot is checked now, to say so
    early, but held only from 「提交信息」 on."""
    may_register(center=center, agency=agency)
    if project.center_id != center.pk or project.agency_id != agency.pk:
        raise NotFound()
    now = now or timezone.now()
    note = checks.clean_text(note)
    with transaction.atomic():
        locked_project = checks.lock_project(project)
        checks.bookable(locked_project)
        chosen = checks.lots_of(locked_project, lots)
        room = checks.room_of(center, room)
        booking = Booking(
            center=center,
            project=locked_project,
            room=room,
            starts_at=starts_at,
            ends_at=checks.slot_end(room, starts_at, duration, now),
            note=note,
        )
        checks.opening_lawful(locked_project, room, chosen, starts_at, now, field="starts_at")
        checks.lots_free(chosen, room, None)
        checks.slot_free(booking)
        booking.save()
        booking.lots.set(chosen)
        checks.audit(actor, rules.AUDIT_BOOKING_CREATED, booking, lots=[lot.number for lot in chosen])
    return booking


def booking_update(
    *,
    actor: Actor,
    booking: Booking,
    lots: Sequence[Lot],
    room: Room,
    starts_at: dt.datetime,
    duration: dt.timedelta,
    note: str = "",
    now: dt.datetime | None = None,
) -> Booking:
    """「修改保存」: only 编辑中 and 审核不通过."""
    now = now or timezone.now()
    note = checks.clean_text(note)
    with transaction.atomic():
        locked = checks.locked_booking(booking.center_id, booking.pk)
        checks.guard(locked, "save")
        project = checks.lock_project(locked.project)
        may_register(center=locked.center, agency=project.agency)
        checks.bookable(project)
        chosen = checks.lots_of(project, lots)
        locked.room = checks.room_of(locked.center_id, room)
        locked.starts_at = starts_at
        locked.ends_at = checks.slot_end(locked.room, starts_at, duration, now)
        locked.note = note
        checks.opening_lawful(project, locked.room, chosen, starts_at, now, field="starts_at")
        checks.lots_free(chosen, locked.room, locked)
        checks.slot_free(locked)
        locked.save(update_fields=["room", "starts_at", "ends_at", "note", "updated_at"])
        locked.lots.set(chosen)
        checks.audit(actor, rules.AUDIT_BOOKING_SAVED, locked, lots=[lot.number for lot in chosen])
    return locked


def booking_submit(*, actor: Actor, booking: Booking, now: dt.datetime | None = None) -> Booking:
    """「提交信息」: every rule again under the locks, the slot held from here, into the queue."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = checks.locked_booking(booking.center_id, booking.pk)
        after = checks.guard(locked, "submit")
        project = checks.lock_project(locked.project)
        may_register(center=locked.center, agency=project.agency)
        checks.bookable(project)
        chosen = checks.lots_of(project, list(locked.lots.all()))
        if locked.purpose == BookingPurpose.RE_EVALUATION:
            # 项目复评: still after the evaluation and before the result, the request still there.
            for lot in chosen:
                lot_states.check([lot], "re_evaluate", lot_states.lot_tender(lot), now)
            if not (locked.attachments or {}).get(rules.REQUEST_SLOT):
                raise DomainError(rules.REQUEST_REQUIRED)
        locked.room = checks.room_of(locked.center_id, locked.room, lock=True)
        checks.in_future(locked.room, locked.starts_at, now)
        checks.opening_lawful(project, locked.room, chosen, locked.starts_at, now, field=None)
        checks.lots_free(chosen, locked.room, locked)
        checks.slot_free(locked)
        locked.status = after
        locked.submitted_at = now
        locked.decided_at = None
        locked.decision_opinion = ""
        checks.save_holding(
            locked, None, ["status", "submitted_at", "decided_at", "decision_opinion", "updated_at"]
        )
        numbers = [lot.number for lot in chosen]
        subject = project.agency.subject
        review_open(
            actor=actor,
            center=locked.center,
            kind=ReviewKind.BOOKING,
            target=locked,
            title=(
                rules.RE_EVALUATION_TITLE
                if locked.purpose == BookingPurpose.RE_EVALUATION
                else rules.REVIEW_TITLE
            ).format(
                project=project.name,
                lots=rules.lots_text(numbers),
                slot=rules.slot_text(locked.room, locked.starts_at, locked.ends_at),
            ),
            subject_name=subject.name,
            subject_code=subject.code,
            now=now,
        )
        checks.audit(actor, rules.AUDIT_BOOKING_SUBMITTED, locked, lots=numbers)
    return locked


def booking_withdraw(*, actor: Actor, booking: Booking) -> Booking:
    """撤回. A booking 待审核 or 审核通过 goes back to 编辑中 and its slot is released, unless a
    change of it waits for review; a change 待审核 becomes 已撤回 and the booking stays as it was."""
    with transaction.atomic():
        locked = checks.locked_booking(booking.center_id, booking.pk)
        after = checks.guard(locked, "withdraw")
        checks.lock_project(locked.project)
        if not locked.is_change and locked.changes.filter(status=BookingStatus.SUBMITTED).exists():
            raise DomainError(rules.WITHDRAW_CHANGE_PENDING)
        locked.status = after
        if not locked.is_change:
            locked.submitted_at = None
            locked.decided_at = None
        locked.save(update_fields=["status", "submitted_at", "decided_at", "updated_at"])
        review_withdraw(actor=actor, target=locked)
        audit = rules.AUDIT_CHANGE_WITHDRAWN if locked.is_change else rules.AUDIT_BOOKING_WITHDRAWN
        checks.audit(actor, audit, locked)
    return locked


def booking_delete(*, actor: Actor, booking: Booking) -> None:
    """删除: only 编辑中 and 审核不通过; the audit row keeps what it was."""
    with transaction.atomic():
        locked = checks.locked_booking(booking.center_id, booking.pk)
        checks.guard(locked, "delete")
        checks.audit(actor, rules.AUDIT_BOOKING_DELETED, locked, lots=checks.lot_numbers(locked))
        locked.delete()


def booking_change_request(
    *,
    actor: Actor,
    booking: Booking,
    room: Room,
    starts_at: dt.datetime,
    duration: dt.timedelta,
    reason: str,
    now: dt.datetime | None = None,
) -> Booking:
    """「新增开标场地变更」 (004 §3.4): a change of an approved booking to another room or time,
    submitted for review at once. The new slot is held from now on; the old one is released only
    when the change is approved, so a refused change leaves the booking as it was."""
    now = now or timezone.now()
    reason = checks.clean_text(reason)
    if not reason:
        raise DomainError(rules.CHANGE_REASON_REQUIRED, field="reason")
    with transaction.atomic():
        locked = checks.locked_booking(booking.center_id, booking.pk)
        checks.guard(locked, "change")
        project = checks.lock_project(locked.project)
        may_register(center=locked.center, agency=project.agency)
        if locked.changes.filter(status=BookingStatus.SUBMITTED).exists():
            raise DomainError(rules.CHANGE_PENDING)
        if locked.starts_at <= now:
            raise DomainError(
                rules.CHANGE_TOO_LATE.format(
                    label=rules.TIME_LABELS[locked.room.kind],
                    at=f"{timezone.localtime(locked.starts_at):%Y-%m-%d %H:%M}",
                )
            )
        new_room = checks.room_of(locked.center_id, room, lock=True)
        if new_room.kind != locked.room.kind:
            raise DomainError(rules.CHANGE_KIND.format(kind=locked.room.get_kind_display()), field="room")
        ends_at = checks.slot_end(new_room, starts_at, duration, now)
        checks.opening_lawful(project, new_room, list(locked.lots.all()), starts_at, now, field="starts_at")
        if (new_room.pk, starts_at, ends_at) == (locked.room_id, locked.starts_at, locked.ends_at):
            raise DomainError(rules.CHANGE_NOTHING)
        change = Booking(
            center=locked.center,
            project=project,
            room=new_room,
            starts_at=starts_at,
            ends_at=ends_at,
            status=BookingStatus.SUBMITTED,
            original=locked,
            reason=reason,
            previous_room=locked.room,
            previous_starts_at=locked.starts_at,
            previous_ends_at=locked.ends_at,
            submitted_at=now,
        )
        checks.slot_free(change, chain=locked.pk)
        checks.save_holding(change, locked.pk)
        numbers = checks.lot_numbers(locked)
        change.lots.set(locked.lots.all())
        subject = project.agency.subject
        review_open(
            actor=actor,
            center=locked.center,
            kind=ReviewKind.BOOKING_CHANGE,
            target=change,
            title=rules.CHANGE_REVIEW_TITLE.format(
                project=project.name,
                lots=rules.lots_text(numbers),
                before=rules.slot_text(locked.room, locked.starts_at, locked.ends_at),
                after=rules.slot_text(new_room, starts_at, ends_at),
            ),
            subject_name=subject.name,
            subject_code=subject.code,
            now=now,
        )
        checks.audit(
            actor, rules.AUDIT_CHANGE_REQUESTED, change, booking=locked.pk, reason=reason, lots=numbers
        )
    return change


# --- the review queue's decisions ----------------------------------------------------------------


def _decided(item: ReviewItem, *, change: bool) -> Booking:
    """The item's booking (or change), locked; missing, or of the other kind, is not found."""
    booking = checks.locked_booking(item.center_id, int(item.target_id))
    if booking.is_change != change:
        raise NotFound()
    return booking


def _decide(booking: Booking, after: str, opinion: str) -> None:
    booking.status = after
    booking.decided_at = timezone.now()
    booking.decision_opinion = opinion
    booking.save(update_fields=["status", "decided_at", "decision_opinion", "updated_at"])


def booking_approve(*, actor: Actor, item: ReviewItem, opinion: str) -> Booking:
    """审核通过: the booking's slot, held since it was submitted, is the project's."""
    booking = _decided(item, change=False)
    after = checks.guard(booking, "approve")
    _too_late_to_approve(booking)
    _decide(booking, after, opinion)
    checks.audit(actor, rules.AUDIT_BOOKING_APPROVED, booking, opinion=opinion)
    return booking


def booking_reject(*, actor: Actor, item: ReviewItem, opinion: str) -> Booking:
    """审核不通过: the slot is released; the agency edits the booking and submits it again."""
    booking = _decided(item, change=False)
    _decide(booking, checks.guard(booking, "reject"), opinion)
    checks.audit(actor, rules.AUDIT_BOOKING_REJECTED, booking, opinion=opinion)
    return booking


def _too_late_to_approve(booking: Booking) -> None:
    if booking.starts_at <= timezone.now():
        raise DomainError(
            rules.DECIDE_TOO_LATE.format(
                label=rules.TIME_LABELS[booking.room.kind],
                at=f"{timezone.localtime(booking.starts_at):%Y-%m-%d %H:%M}",
            )
        )


def booking_change_approve(*, actor: Actor, item: ReviewItem, opinion: str) -> Booking:
    """Approving a 场地变更 moves its booking to the new room and times; the old slot is free from
    this commit on, and the change keeps what was asked (and what it moved away from)."""
    change = _decided(item, change=True)
    after = checks.guard(change, "approve")
    _too_late_to_approve(change)
    assert change.original_id is not None  # a change, by _decided
    booking = checks.locked_booking(change.center_id, change.original_id)
    checks.guard(booking, "change")  # in force still: its 撤回 waits while the change is pending
    before = {"room": booking.room_id, "starts_at": booking.starts_at.isoformat()}
    booking.room, booking.starts_at, booking.ends_at = change.room, change.starts_at, change.ends_at
    # The change holds the same slot until it is decided just below; the rule lets a booking and
    # its own pending change overlap, so this write never meets itself.
    checks.save_holding(booking, booking.pk, ["room", "starts_at", "ends_at", "updated_at"])
    _decide(change, after, opinion)
    checks.audit(
        actor, rules.AUDIT_CHANGE_APPROVED, change, booking=booking.pk, before=before, opinion=opinion
    )
    return change


def booking_change_reject(*, actor: Actor, item: ReviewItem, opinion: str) -> Booking:
    """A refused change releases its new slot; the booking stays as it was."""
    change = _decided(item, change=True)
    _decide(change, checks.guard(change, "reject"), opinion)
    checks.audit(actor, rules.AUDIT_CHANGE_REJECTED, change, booking=change.original_id, opinion=opinion)
    return change


# --- what the project's 撤回 asks (procurement.services.WITHDRAW_BLOCKERS) --------------------------


def project_withdraw_blocker(project: Project) -> str | None:
    """A project whose booking waits or is in force is not withdrawn: its slot would stay held by a
    project back in 编辑中. Called under the project's lock, which every booking write takes too."""
    held = list(
        Booking.objects.at(project.center_id)
        .bookings()
        .filter(project=project, status__in=rules.ACTIVE)
        .select_related("room")
        .order_by("starts_at")
    )
    if not held:
        return None
    slots = "；".join(rules.slot_text(b.room, b.starts_at, b.ends_at) for b in held)
    return rules.PROJECT_HAS_BOOKINGS.format(name=project.name, slots=slots)
