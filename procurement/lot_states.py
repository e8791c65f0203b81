"""A lot's stage and the moves of procurement.lot_rules.TRANSITIONS: checked with the reason a move
is refused, made under the lot's row lock and audited; and 「录入评标结果」, the center staff's one
action on a lot until bids are evaluated on the platform."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from centers.models import Center
from core.audit import Actor, audit_log
from core.errors import DomainError, NotFound
from procurement import lot_rules as rules
from procurement.deadlines import format_time, local
from procurement.lot_models import EvaluationOutcome, EvaluationResult
from procurement.models import Lot, LotStage
from procurement.tender_models import TenderDocument, TenderStatus
from procurement.venue_models import Booking, BookingPurpose, BookingStatus


def lot_tender(lot: Lot) -> TenderDocument | None:
    """The submitted tender document the lot is tendered under (its bid deadline is the opening)."""
    return lot.tenders.filter(status=TenderStatus.SUBMITTED).order_by("-submitted_at").first()


def is_opened(lot: Lot, tender: TenderDocument | None, now: dt.datetime) -> bool:
    return lot.stage == LotStage.ANNOUNCED and tender is not None and now >= tender.bid_deadline


def stage_label(lot: Lot, tender: TenderDocument | None, now: dt.datetime | None = None) -> str:
    """The stage as pages show it: 已开标 once an announced lot's bid deadline has passed."""
    return rules.OPENED if is_opened(lot, tender, now or timezone.now()) else lot.get_stage_display()


def refusal(lot: Lot, action: str, tender: TenderDocument | None, now: dt.datetime) -> str | None:
    """None when `action` may be taken on the lot now; else why not, in the user's words."""
    move = rules.TRANSITIONS[action]
    if lot.stage not in move.before:
        why = rules.STAGE_WHY.get(LotStage(lot.stage), "")
        label = stage_label(lot, tender, now)
        return rules.STAGE.format(number=lot.number, stage=label, action=move.label) + why
    if move.opened is None:
        return None
    if tender is None:
        return rules.NOT_TENDERED.format(number=lot.number)
    deadline = format_time(tender.bid_deadline)
    if move.opened and now < tender.bid_deadline:
        return rules.NOT_YET_OPENED.format(number=lot.number, deadline=deadline, action=move.label)
    if move.opened is False and now >= tender.bid_deadline:
        return rules.ALREADY_OPENED.format(number=lot.number, deadline=deadline, action=move.label)
    return None


def check(lots: Sequence[Lot], action: str, tender: TenderDocument | None, now: dt.datetime) -> None:
    for lot in lots:
        refused = refusal(lot, action, tender, now)
        if refused:
            raise DomainError(refused)


def advance(
    *, actor: Actor, lots: Sequence[Lot], action: str, tender: TenderDocument | None, now: dt.datetime
) -> list[Lot]:
    """Move the lots by `action`, inside the caller's transaction: locked, checked again, audited."""
    move = rules.TRANSITIONS[action]
    locked = list(Lot.objects.select_for_update().filter(pk__in=[lot.pk for lot in lots]).order_by("pk"))
    check(locked, action, tender, now)
    if move.after:
        for lot in locked:
            before, lot.stage = lot.stage, move.after
            lot.save(update_fields=["stage"])
            audit_log(
                actor=actor,
                action=rules.AUDIT_STAGE,
                target=lot,
                data={"project": lot.project_id, "from": before, "to": lot.stage, "by": action},
            )
    return locked


# --- 「录入评标结果」 (center staff) -------------------------------------------------------------------


def re_evaluation_held(lot: Lot, now: dt.datetime) -> Booking | None:
    """The lot's approved 项目复评 that has begun and whose result is not recorded yet."""
    booking = (
        Booking.objects.bookings()
        .filter(
            purpose=BookingPurpose.RE_EVALUATION, status=BookingStatus.APPROVED, lots=lot, starts_at__lte=now
        )
        .order_by("-starts_at")
        .first()
    )
    latest = latest_evaluation(lot) if booking else None
    # A result recorded after the 复评 was booked is its result.
    if booking is None or (latest is not None and latest.recorded_at > booking.created_at):
        return None
    return booking


def lots_to_evaluate(*, center: Center, now: dt.datetime | None = None) -> list[tuple[Lot, TenderDocument]]:
    """The center's opened lots waiting for their evaluation result, earliest opening first, then
    the lots whose 项目复评 has begun (评标结束 already: the page says 复评)."""
    now = now or timezone.now()
    tenders = (
        TenderDocument.objects.at(center)
        .filter(status=TenderStatus.SUBMITTED, bid_deadline__lte=now, lots__stage=LotStage.ANNOUNCED)
        .select_related("project", "agency__subject")
        .prefetch_related("lots")
        .distinct()
        .order_by("bid_deadline", "pk")
    )
    opened = [
        (lot, tender) for tender in tenders for lot in tender.lots.all() if lot.stage == LotStage.ANNOUNCED
    ]
    re_evaluated = Lot.objects.filter(
        project__center=center,
        stage=LotStage.EVALUATED,
        bookings__purpose=BookingPurpose.RE_EVALUATION,
        bookings__status=BookingStatus.APPROVED,
        bookings__starts_at__lte=now,
    ).distinct()
    held = [
        (lot, lot_tender(lot))
        for lot in re_evaluated.select_related("project")
        if re_evaluation_held(lot, now)
    ]
    return opened + [(lot, tender) for lot, tender in held if tender is not None]


def evaluations_at(*, center: Center) -> QuerySet[EvaluationResult]:
    return EvaluationResult.objects.at(center).select_related("lot__project").order_by("-recorded_at", "-pk")


def lot_at(*, center: Center, pk: int) -> Lot:
    found = Lot.objects.filter(project__center=center, pk=pk).select_related("project").first()
    if found is None:
        raise NotFound()
    return found


def evaluation_record(
    *,
    actor: Actor,
    center: Center,
    lot: Lot,
    outcome: str,
    ended_at: dt.datetime,
    note: str = "",
    now: dt.datetime | None = None,
) -> EvaluationResult:
    """「录入评标结果」: the lot's evaluation is over, with candidates or with none (then it fails);
    for a lot 评标结束 whose approved 项目复评 has begun, the re-evaluation's result."""
    now = now or timezone.now()
    note = note.strip()
    if len(note) > rules.NOTE_LIMIT:
        raise DomainError(rules.NOTE_TOO_LONG, field="note")
    if outcome == EvaluationOutcome.NONE and not note:
        raise DomainError(rules.NOTE_REQUIRED_FOR_NONE, field="note")
    if local(ended_at) > local(now):
        raise DomainError(rules.ENDED_IN_FUTURE.format(ended=format_time(ended_at)), field="ended_at")
    with transaction.atomic():
        tender = lot_tender(lot)
        action = "evaluate"
        if lot.stage == LotStage.EVALUATED:  # a 项目复评's result
            held = re_evaluation_held(lot, now)
            if held is None:
                raise DomainError(rules.RE_EVALUATION_NOT_HELD.format(number=lot.number))
            if ended_at < held.starts_at:
                refused = rules.ENDED_BEFORE_RE_EVALUATION.format(
                    ended=format_time(ended_at), start=format_time(held.starts_at)
                )
                raise DomainError(refused, field="ended_at")
            action = "record_re_evaluation"
        elif tender is not None and ended_at < tender.bid_deadline:
            refused = rules.ENDED_BEFORE_OPENING.format(
                ended=format_time(ended_at), opening=format_time(tender.bid_deadline)
            )
            raise DomainError(refused, field="ended_at")
        (locked,) = advance(actor=actor, lots=[lot], action=action, tender=tender, now=now)
        result = EvaluationResult.objects.create(
            center=center,
            lot=locked,
            outcome=outcome,
            ended_at=ended_at,
            note=note,
            recorded_by=str(actor.user or "系统"),
        )
        audit_log(
            actor=actor,
            action=rules.AUDIT_EVALUATION,
            target=locked,
            data={"center": center.pk, "project": locked.project_id, "outcome": outcome, "note": note},
        )
    return result


def latest_evaluation(lot: Lot) -> EvaluationResult | None:
    return lot.evaluations.order_by("-recorded_at", "-pk").first()
