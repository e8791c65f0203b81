"""Subject types (主体类型) a subject holds at a center (000 §8.2).

Users add types; only the center's staff remove them. A type the center reviews (衡阳: 招标代理
once the profile is approved) waits, not yet effective, for a decision through the review queue;
the permissions it gives follow (centers/grants.py). The rules are in centers/rules.py.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from centers import profiles, rules
from centers.grants import permissions_grant, permissions_revoke_unjustified, reviewer_line
from centers.models import Center, CenterSubject, CenterSubjectType, ProfileStatus, SubjectType
from centers.people_rules import unit_only
from core.audit import Actor, audit_log
from core.errors import DomainError, NotFound, StateError
from review import services as review_services
from review.models import ReviewItem, ReviewKind, StaffMember, StaffRole
from review.permissions import Permission


def subject_type_listed(
    *, actor: Actor, center: Center, entry: CenterSubject, type: str, now: dt.datetime
) -> tuple[CenterSubjectType, bool, list[str]]:
    """A type the entry (locked by the caller, inside its transaction) now holds, however it came:
    added by the unit here or listed in the registry's data (centers/sync.py, as SYSTEM).

    Until a profile is in force its own decision covers every type; after that the center's rule
    decides each new one: effective at once (with its permissions), or waiting in the review queue.
    Returns the type, whether it waits for review, and the permission codes granted.
    """
    in_force = bool(entry.profile)
    reviewed = in_force and rules.type_needs_review(center, type)
    added = CenterSubjectType.objects.at(center).create(
        center=center,
        center_subject=entry,
        type=type,
        added_at=now,
        added_by=actor.user,
        effective_at=None if reviewed else now,
    )
    granted: list[str] = []
    if reviewed:
        review_services.review_open(
            actor=actor,
            center=center,
            kind=ReviewKind.SUBJECT_TYPE,
            target=added,
            title=f"新增主体类型「{rules.type_label(type)}」",
            subject_name=entry.registry_data.get("name") or entry.subject.name,
            subject_code=entry.subject.code,
            role=StaffRole.REVIEWER,
            now=now,
        )
    elif in_force:
        because = rules.GRANTED_TYPE_ADDED.format(type=rules.type_label(type), center=center.name)
        granted = permissions_grant(center=center, center_subject=entry, because=because, now=now)
    return added, reviewed, granted


def subject_type_add(
    *,
    actor: Actor,
    center: Center,
    center_subject: CenterSubject,
    type: str,
    now: dt.datetime | None = None,
) -> CenterSubjectType:
    """000 §8.2 「主体类型修改」→ 新增. Effective at once, except a type the center reviews once the
    profile is approved, which waits in the review queue."""
    unit_only(actor, "新增主体类型")
    now = now or timezone.now()
    if type not in SubjectType.values:
        raise DomainError(rules.TYPE_UNKNOWN, field="type")
    label = rules.type_label(type)
    with transaction.atomic():
        entry = profiles.entry_locked(center, center_subject)
        if entry.profile_status == ProfileStatus.SUBMITTED:
            raise StateError(rules.TYPE_LOCKED)
        held = (
            CenterSubjectType.objects.at(center)
            .filter(center_subject=entry, type=type, removed_at=None)
            .first()
        )
        if held is not None and held.effective_at is None:
            raise StateError(rules.TYPE_WAITING.format(type=label, department=rules.department_of(center)))
        if held is not None:
            raise StateError(rules.TYPE_ALREADY.format(type=label))
        added, reviewed, granted = subject_type_listed(
            actor=actor, center=center, entry=entry, type=type, now=now
        )
        audit_log(
            actor=actor,
            action=rules.AUDIT_TYPE_ADDED,
            target=added,
            subject_id=entry.subject_id,
            data={"center": center.code, "type": type, "reviewed": reviewed, "granted": granted},
        )
    return added


def _type_remover(actor: Actor, center: Center) -> StaffMember:
    """The staff member removing a type: the queue's own check (an active staff account whose
    roles grant the removal), at this center or a platform one."""
    try:
        review_services.staff_member_of(actor)
    except DomainError:
        # Not staff (most often the unit itself): told whom to ask, not which permission it lacks.
        raise DomainError(
            rules.TYPE_REMOVE_STAFF_ONLY.format(center=center.name, phone=center.phone)
        ) from None
    member = review_services.staff_permission_of(actor, Permission.SUBJECT_TYPE_REMOVE)
    if member.center_id is not None and member.center_id != center.pk:
        raise DomainError(rules.TYPE_REMOVE_WRONG_CENTER.format(center=center.name))
    return member


def subject_type_remove(
    *,
    actor: Actor,
    center: Center,
    center_subject: CenterSubject,
    type: str,
    reason: str,
    now: dt.datetime | None = None,
) -> CenterSubjectType:
    """Staff only (000 §8.2 "若要删除主体类型，则需联系交易中心"): removes the type, withdraws its
    waiting review, and revokes the permissions only it gave."""
    now = now or timezone.now()
    _type_remover(actor, center)
    reason = reason.strip()
    if not reason:
        raise DomainError(rules.TYPE_REMOVE_REASON, field="reason")
    with transaction.atomic():
        entry = profiles.entry_locked(center, center_subject)
        held = (
            CenterSubjectType.objects.at(center)
            .select_for_update()
            .filter(center_subject=entry, type=type, removed_at=None)
            .first()
        )
        if held is None:
            raise NotFound(rules.TYPE_REMOVE_NOT_HELD.format(type=SubjectType(type).label))
        if held.effective_at is None:
            review_services.review_withdraw(actor=actor, target=held)
        held.removed_at, held.removed_by, held.removed_reason = now, actor.user, reason[:200]
        held.save(update_fields=["removed_at", "removed_by", "removed_reason"])
        revoked = permissions_revoke_unjustified(center=center, center_subject=entry, now=now)
        audit_log(
            actor=actor,
            action=rules.AUDIT_TYPE_REMOVED,
            target=held,
            subject_id=entry.subject_id,
            data={"center": center.code, "type": type, "reason": reason, "revoked": revoked},
        )
    return held


# --- the review queue's decisions on a type (ReviewKind.SUBJECT_TYPE) ---------------------------


def _reviewed_type(item: ReviewItem) -> CenterSubjectType:
    held = (
        CenterSubjectType.objects.at(item.center)
        .select_for_update()
        .select_related("center_subject", "center_subject__subject")
        .filter(pk=item.target_id)
        .first()
    )
    if held is None or held.removed_at is not None or held.effective_at is not None:
        raise StateError(rules.TYPE_NOT_WAITING)
    return held


def subject_type_approve(*, actor: Actor, item: ReviewItem, opinion: str) -> None:
    center, held = item.center, _reviewed_type(item)
    now = timezone.now()
    held.effective_at = now
    held.save(update_fields=["effective_at"])
    entry = held.center_subject
    granted: list[str] = []
    if entry.profile:  # permissions exist only while a profile is in force
        because = rules.GRANTED_TYPE_REVIEWED.format(
            type=held.get_type_display(), **reviewer_line(actor, center)
        )
        granted = permissions_grant(center=center, center_subject=entry, because=because, now=now)
    audit_log(
        actor=actor,
        action=rules.AUDIT_TYPE_APPROVED,
        target=held,
        subject_id=entry.subject_id,
        data={"center": center.code, "type": held.type, "opinion": opinion, "granted": granted},
    )


def subject_type_reject(*, actor: Actor, item: ReviewItem, opinion: str) -> None:
    held = _reviewed_type(item)
    # Removed, so the unit may ask again once it has what the reviewer asked for.
    held.removed_at, held.removed_by = timezone.now(), actor.user
    held.removed_reason = rules.TYPE_REJECTED.format(opinion=opinion)[:200]
    held.save(update_fields=["removed_at", "removed_by", "removed_reason"])
    audit_log(
        actor=actor,
        action=rules.AUDIT_TYPE_REJECTED,
        target=held,
        subject_id=held.center_subject.subject_id,
        data={"center": item.center.code, "type": held.type, "opinion": opinion},
    )
