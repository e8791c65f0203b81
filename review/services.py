"""Opening, claiming and deciding review items. Every step is audited in its own transaction.

The administrator's services (staff members, the calendar) are in review/services_admin.py.
"""

import datetime as dt

from django.db import models, transaction
from django.utils import timezone

from core.audit import Actor, audit_log
from core.errors import DomainError, NotFound, StateError
from review import calendar, rules
from review.handlers import HANDLERS
from review.models import ReviewItem, ReviewStatus, StaffMember, StaffRole
from review.permissions import PERMISSION_LABELS, Permission, has_permission, role_for_kind

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
    role: str | None = None,
    now: dt.datetime | None = None,
) -> ReviewItem:
    """Queue `target` for a decision at `center`; called inside the transaction that submits it.

    The role that decides it comes from review.permissions.KIND_ROLE unless given. A thing already
    waiting keeps its item (and its place and clock) rather than queueing twice.
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
        role=role or role_for_kind(kind),
        submitted_at=now,
        due_at=calendar.due_at(now, center.review_working_days),
    )
    audit_log(actor=actor, action=rules.AUDIT_ITEM_OPENED, target=item, data={"kind": kind, "title": title})
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
        audit_log(actor=actor, action=rules.AUDIT_ITEM_WITHDRAWN, target=item)


def staff_member_of(actor: Actor) -> StaffMember:
    user = actor.user
    member = (
        StaffMember.objects.filter(account=user).select_related("center", "account").first()
        if user is not None and user.is_active and user.is_staff
        else None
    )
    if member is None:
        raise DomainError(rules.NOT_STAFF)
    return member


def staff_permission_of(actor: Actor, permission: Permission) -> StaffMember:
    """The acting staff member, if one of their roles grants `permission`."""
    member = staff_member_of(actor)
    if not has_permission(member.roles, permission):
        raise DomainError(
            rules.NO_PERMISSION.format(
                roles=role_labels(member.roles), permission=PERMISSION_LABELS[permission]
            )
        )
    return member


def role_labels(roles: list[str]) -> str:
    return "、".join(StaffRole(role).label for role in roles if role in StaffRole.values) or "无"


def may_handle(member: StaffMember, item: ReviewItem) -> str | None:
    """Why this member may not handle the item, or None when they may."""
    if member.center_id is not None and member.center_id != item.center_id:
        return rules.WRONG_CENTER.format(center=item.center.name)
    if StaffRole.ADMIN not in member.roles and item.role not in member.roles:
        return rules.WRONG_ROLE.format(role=StaffRole(item.role).label)
    return None


def _locked_item(member: StaffMember, pk: int) -> ReviewItem:
    # of=("self",): lock the item only, not the center row the join reads (PostgreSQL would lock
    # both, and every claim at a center would queue behind every other). The claimant is not
    # joined here: after waiting for another claim's lock, PostgreSQL rereads the item's row but
    # not the joined ones, so a joined claimant would still be the one from before the wait.
    item = ReviewItem.objects.select_for_update(of=("self",)).select_related("center").filter(pk=pk).first()
    if item is None or (member.center_id is not None and member.center_id != item.center_id):
        raise NotFound()
    refusal = may_handle(member, item)
    if refusal:
        raise DomainError(refusal)
    if item.status not in UNDECIDED:
        raise StateError(rules.ALREADY_DECIDED.format(status=item.get_status_display()))
    return item


def _claimant(item: ReviewItem) -> str:
    """The claimant's name as colleagues know it (their staff name, else the account's)."""
    if item.claimed_by_id is None:
        return ""
    member = StaffMember.objects.filter(account_id=item.claimed_by_id).only("name").first()
    return member.name if member else str(item.claimed_by)


def review_claim(*, actor: Actor, pk: int, now: dt.datetime | None = None) -> ReviewItem:
    member = staff_member_of(actor)
    with transaction.atomic():
        item = _locked_item(member, pk)
        if item.status == ReviewStatus.CLAIMED and item.claimed_by_id != actor.user_id:
            raise StateError(rules.ALREADY_CLAIMED.format(name=_claimant(item)))
        if item.status == ReviewStatus.CLAIMED:
            return item  # claimed already by this member: a second click changes nothing
        item.status = ReviewStatus.CLAIMED
        item.claimed_by = actor.user
        item.claimed_at = now or timezone.now()
        item.save(update_fields=["status", "claimed_by", "claimed_at"])
        audit_log(actor=actor, action=rules.AUDIT_ITEM_CLAIMED, target=item)
    return item


def review_release(*, actor: Actor, pk: int) -> ReviewItem:
    """Give a claimed item back to the queue (the claimant, or an administrator)."""
    member = staff_member_of(actor)
    with transaction.atomic():
        item = _locked_item(member, pk)
        if item.status != ReviewStatus.CLAIMED:
            raise StateError(rules.NOT_CLAIMED)
        if item.claimed_by_id != actor.user_id and StaffRole.ADMIN not in member.roles:
            raise StateError(rules.NOT_CLAIMED_BY_YOU)
        released_from = _claimant(item)
        release_claim(item)
        audit_log(
            actor=actor, action=rules.AUDIT_ITEM_RELEASED, target=item, data={"claimed_by": released_from}
        )
    return item


def release_claim(item: ReviewItem) -> None:
    """Back to 待认领 (the caller audits why)."""
    item.status = ReviewStatus.OPEN
    item.claimed_by = None
    item.claimed_at = None
    item.save(update_fields=["status", "claimed_by", "claimed_at"])


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
        handler = HANDLERS.get(item.kind)
        if handler is None:
            raise StateError(rules.HANDLER_MISSING.format(kind=item.get_kind_display()))
        (handler.approve if approve else handler.reject)(actor=actor, item=item, opinion=opinion)
        item.status = ReviewStatus.APPROVED if approve else ReviewStatus.REJECTED
        item.decided_by = actor.user
        item.decided_at = now or timezone.now()
        item.opinion = opinion
        item.save(update_fields=["status", "decided_by", "decided_at", "opinion"])
        audit_log(
            actor=actor,
            action=rules.AUDIT_ITEM_APPROVED if approve else rules.AUDIT_ITEM_REJECTED,
            target=item,
            data={"kind": item.kind, "target": f"{item.target_type}#{item.target_id}", "opinion": opinion},
        )
    return item
