"""项目复评场地预约 (004 §3.10): after a lot's evaluation is over and before its result is
announced, the agency books a 评标室 for the lot to be evaluated again, on the purchaser's sealed
request or the supervisor's approval (uploaded). It is a Booking of purpose RE_EVALUATION: the
same no-overlap rule, 「修改保存」, 「提交审核」 (venues.booking_submit) and the same review."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from centers.models import Center, CenterSubject
from core.audit import Actor
from core.errors import DomainError, NotFound
from procurement import lot_states
from procurement import venue_checks as checks
from procurement import venue_rules as rules
from procurement.models import Lot
from procurement.services import may_register
from procurement.venue_models import Booking, BookingPurpose, Room, RoomKind
from registry.models import Attachment


def check_lot(lot: Lot, now: dt.datetime) -> None:
    """The lot's evaluation is over and its result not yet announced (procurement.lot_rules)."""
    lot_states.check([lot], "re_evaluate", lot_states.lot_tender(lot), now)


def _request(agency: CenterSubject, request: Attachment | None) -> dict[str, dict[str, object]]:
    if request is None:
        raise DomainError(rules.REQUEST_REQUIRED, field=rules.REQUEST_SLOT)
    if request.subject_id != agency.subject_id:
        raise DomainError(rules.REQUEST_NOT_OWN, field=rules.REQUEST_SLOT)
    return {rules.REQUEST_SLOT: request.reference()}


def re_evaluation_save(
    *,
    actor: Actor,
    center: Center,
    agency: CenterSubject,
    lot: Lot,
    room: Room,
    starts_at: dt.datetime,
    duration: dt.timedelta,
    request: Attachment | None,
    note: str = "",
    booking: Booking | None = None,
    now: dt.datetime | None = None,
) -> Booking:
    """「修改保存」 of a 项目复评场地预约, new (`booking` None) or 编辑中 / 审核不通过: a draft until
    「提交审核」; the slot is checked now, to say so early, and held from the submission on."""
    now = now or timezone.now()
    may_register(center=center, agency=agency)
    project = lot.project
    if project.center_id != center.pk or project.agency_id != agency.pk:
        raise NotFound()
    note = checks.clean_text(note)
    attachments = _request(agency, request)
    with transaction.atomic():
        locked_project = checks.lock_project(project)
        checks.bookable(locked_project)
        check_lot(lot, now)
        room = checks.room_of(center, room)
        if room.kind != RoomKind.EVALUATION:
            raise DomainError(rules.RE_EVALUATION_ROOM, field="room")
        if booking is None:
            booking = Booking(center=center, project=locked_project, purpose=BookingPurpose.RE_EVALUATION)
        else:
            booking = checks.locked_booking(center.pk, booking.pk)
            checks.guard(booking, "save")
        booking.room, booking.starts_at, booking.note = room, starts_at, note
        booking.ends_at = checks.slot_end(room, starts_at, duration, now)
        booking.attachments = attachments
        checks.lots_free([lot], room, booking if booking.pk else None)
        checks.slot_free(booking)
        booking.save()
        booking.lots.set([lot])
        checks.audit(actor, rules.AUDIT_RE_EVALUATION_SAVED, booking, lots=[lot.number])
    return booking
