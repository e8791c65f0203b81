"""Opening, claiming and deciding review items. Every step is audited in its own transaction."""

import datetime as dt

from django.db import models, transaction
from django.utils import timezone

from core.audit import Actor, audit_log
from core.errors import DomainError, NotFound, StateError
from review import calendar, rules
from review.handlers import handler_for
from review.models import ReviewItem, ReviewStatus, StaffMember, StaffRole

OPINION_LIMIT = 2000
UNDECIDED = (ReviewStatus.OPEN, ReviewStatus.CLAIMED)


def target_key(target: models.Model) -> tuple[str, str]:
    return target._meta.label_lower, str(target.pk)


def review_open(
    *,
    actor: Actor,
    center,
    kind: str,
    target: models.Model,
    title: str,
    subject_name: str,
    subject_code: str,
    role: str = StaffRole.REVIEWER,
    now: dt.datetime | None = None,
) -> ReviewItem:
    """Queue `target` for a decision at `center`; called inside the transaction that submits it.

    A thing already waiting keeps its item (and its place and clock) rather than queueing twice.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("review_open must run inside the transaction that submits the target")
    now = now or timezone.now()
    target_type, target_id = target_key(target)
    waiting = ReviewItem.objects.filter(
        target_type=target_type, target_id=target_id, status__in=UNDECIDED
    ).first()
    if waiting is not None:
        return waiting
    item = ReviewItem.objects.create(
        center=center,
        kind=kind,
        target_type=target_type,
        target_id=target_id,
        title=title,
        subject_name=subject_name,
        subject_code=subject_code,
        role=role,
        submitted_at=now,
        due_at=calendar.due_at(now, center.review_working_days),
    )
    audit_log(actor=actor, action="review.opened", target=item, data={"kind": kind, "title": title})
    return item


def review_withdraw(*, actor: Actor, target: models.Model) -> None:
    """The applicant took the thing back before a decision (inside the applicant's transaction)."""
    target_type, target_id = target_key(target)
    for item in ReviewItem.objects.select_for_update().filter(
        target_type=target_type, target_id=target_id, status__in=UNDECIDED
    ):
        item.status = ReviewStatus.WITHDRAWN
        item.decided_at = timezone.now()
        item.save(update_fields=["status", "decided_at"])
        audit_log(actor=actor, action="review.withdrawn", target=item)


def staff_member_of(actor: Actor) -> StaffMember:
    member = (
        StaffMember.objects.filter(account=actor.user).select_related("center").first()
        if actor.user
        else None
    )
    if member is None or not actor.user.is_staff:
        raise DomainError(rules.NOT_STAFF)
    return member


def may_handle(member: StaffMember, item: ReviewItem) -> str | None:
    """Why this member may not handle the item, or None when they may."""
    if member.center_id is not None and member.center_id != item.center_id:
        return rules.WRONG_CENTER.format(center=item.center.name)
    if StaffRole.ADMIN not in member.roles and item.role not in member.roles:
        return rules.WRONG_ROLE.format(role=StaffRole(item.role).label)
    return None


def _locked_item(member: StaffMember, pk: int) -> ReviewItem:
    item = ReviewItem.objects.select_for_update().select_related("center").filter(pk=pk).first()
    if item is None or (member.center_id is not None and member.center_id != item.center_id):
        raise NotFound()
    refusal = may_handle(member, item)
    if refusal:
        raise DomainError(refusal)
    if item.status not in UNDECIDED:
        raise StateError(rules.ALREADY_DECIDED.format(status=item.get_status_display()))
    return item


def review_claim(*, actor: Actor, pk: int, now: dt.datetime | None = None) -> ReviewItem:
    member = staff_member_of(actor)
    with transaction.atomic():
        item = _locked_item(member, pk)
        if item.status == ReviewStatus.CLAIMED and item.claimed_by_id != actor.user_id:
            raise StateError(rules.ALREADY_CLAIMED.format(name=item.claimed_by))
        item.status = ReviewStatus.CLAIMED
        item.claimed_by = actor.user
        item.claimed_at = now or timezone.now()
        item.save(update_fields=["status", "claimed_by", "claimed_at"])
        audit_log(actor=actor, action="review.claimed", target=item)
    return item


def review_release(*, actor: Actor, pk: int) -> ReviewItem:
    """Give a claimed item back to the queue (the claimant, or an administrator)."""
    member = staff_member_of(actor)
    with transaction.atomic():
        item = _locked_item(member, pk)
        if item.claimed_by_id != actor.user_id and StaffRole.ADMIN not in member.roles:
            raise StateError(rules.NOT_CLAIMED_BY_YOU)
        item.status = ReviewStatus.OPEN
        item.claimed_by = None
        item.claimed_at = None
        item.save(update_fields=["status", "claimed_by", "claimed_at"])
        audit_log(actor=actor, action="review.released", target=item)
    return item


def review_decide(
    *, actor: Actor, pk: int, approve: bool, opinion: str, now: dt.datetime | None = None
) -> ReviewItem:
    """Approve or reject a claimed item; the owning app's handler applies the decision in the same
    transaction, so the queue never says 已通过 for something that was not changed."""
    member = staff_member_of(actor)
    opinion = opinion.strip()
    if not approve and not opinion:
        raise DomainError(rules.OPINION_REQUIRED, field="opinion")
    if len(opinion) > OPINION_LIMIT:
        raise DomainError(rules.OPINION_TOO_LONG.format(limit=OPINION_LIMIT), field="opinion")
    with transaction.atomic():
        item = _locked_item(member, pk)
        if item.status != ReviewStatus.CLAIMED or item.claimed_by_id != actor.user_id:
            raise StateError(rules.NOT_CLAIMED_BY_YOU)
        handler = handler_for(item.kind)
        (handler.approve if approve else handler.reject)(actor, item.target_id, opinion)
        item.status = ReviewStatus.APPROVED if approve else ReviewStatus.REJECTED
        item.decided_by = actor.user
        item.decided_at = now or timezone.now()
        item.opinion = opinion
        item.save(update_fields=["status", "decided_by", "decided_at", "opinion"])
        audit_log(
            actor=actor,
            action="review.approved" if approve else "review.rejected",
            target=item,
            data={"kind": item.kind, "target": f"{item.target_type}#{item.target_id}", "opinion": opinion},
        )
    return item
