"""Subject types (主体类型) and the business permissions (业务操作权限) they give at a center, and the
role a user acts in (004 1.3).

Users add types; only the center's staff remove them (000 §8.2). A type the center reviews (衡阳:
招标代理 once the profile is approved) waits, not yet effective, for a decision through the review
queue. Permissions exist only for an approved profile and follow the effective types: granted with
the sentence saying why, revoked with the type that gave them. The rules and the table are in
centers/rules.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from centers import rules, selectors
from centers.models import (
    Center,
    CenterPermission,
    CenterSubject,
    CenterSubjectType,
    ProfileStatus,
    SubjectType,
)
from centers.people_rules import unit_only
from core.audit import Actor, audit_log
from core.errors import DomainError, NotFound, StateError
from review import services as review_services
from review.handlers import review_handler_register
from review.models import ReviewItem, ReviewKind, ReviewStatus, StaffMember, StaffRole
from review.permissions import Permission

# {center code: subject type} — the role picked at each center, for this browser session (004 1.3).
ROLE_SESSION_KEY = "ggzy_center_roles"


# --- reads ---------------------------------------------------------------------------------------


def types_of(*, center: Center, center_subject: CenterSubject) -> list[CenterSubjectType]:
    """The types held now (effective or waiting for review), in the order they were added."""
    return list(CenterSubjectType.objects.at(center).filter(center_subject=center_subject, removed_at=None))


def effective_types(*, center: Center, center_subject: CenterSubject) -> list[str]:
    return [
        t.type for t in types_of(center=center, center_subject=center_subject) if t.effective_at is not None
    ]


def permissions_of(*, center: Center, center_subject: CenterSubject) -> QuerySet[CenterPermission]:
    return CenterPermission.objects.at(center).filter(center_subject=center_subject, revoked_at=None)


def permission_held(*, center: Center, center_subject: CenterSubject, code: str) -> bool:
    """For the trading pages of later issues: may this subject do `code` (a PERMISSION_LABELS key) here?"""
    return permissions_of(center=center, center_subject=center_subject).filter(code=code).exists()


def permission_label(code: str) -> str:
    return rules.PERMISSION_LABELS.get(code, code)


def permissions_listed(
    *, center: Center, center_subject: CenterSubject
) -> list[tuple[CenterPermission, str]]:
    """The permissions held with their labels, in the order of the table (as the manuals list them)."""
    order = {code: n for n, code in enumerate(rules.PERMISSION_LABELS)}
    held = sorted(
        permissions_of(center=center, center_subject=center_subject), key=lambda p: order.get(p.code, 99)
    )
    return [(p, permission_label(p.code)) for p in held]


# --- permissions: inside the caller's transaction ----------------------------------------------


def permissions_grant(
    *, center: Center, center_subject: CenterSubject, because: str, now: dt.datetime
) -> list[str]:
    """Grants what the effective types give and the subject does not hold yet; returns the codes."""
    wanted = rules.permissions_for(effective_types(center=center, center_subject=center_subject))
    held = set(permissions_of(center=center, center_subject=center_subject).values_list("code", flat=True))
    new = [code for code in wanted if code not in held]
    CenterPermission.objects.at(center).bulk_create(
        [
            CenterPermission(
                center=center,
                center_subject=center_subject,
                code=code,
                granted_at=now,
                granted_because=because[:200],
            )
            for code in new
        ]
    )
    return new


def permissions_revoke_unjustified(
    *, center: Center, center_subject: CenterSubject, now: dt.datetime
) -> list[str]:
    """Revokes what no effective type gives any more (a code two types give survives either's removal)."""
    wanted = rules.permissions_for(effective_types(center=center, center_subject=center_subject))
    stale = permissions_of(center=center, center_subject=center_subject).exclude(code__in=list(wanted))
    codes = list(stale.values_list("code", flat=True))
    stale.update(revoked_at=now)
    return codes


# --- adding and removing types -------------------------------------------------------------------


def _locked_entry(center: Center, center_subject: CenterSubject) -> CenterSubject:
    return (
        CenterSubject.objects.at(center)
        .select_for_update(of=("self",))
        .select_related("subject")
        .get(pk=center_subject.pk)
    )


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
        entry = _locked_entry(center, center_subject)
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
            action="center_type.added",
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
        entry = _locked_entry(center, center_subject)
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
            action="center_type.removed",
            target=held,
            subject_id=entry.subject_id,
            data={"center": center.code, "type": type, "reason": reason, "revoked": revoked},
        )
    return held


# --- the review queue's decisions on a type (ReviewKind.SUBJECT_TYPE) ---------------------------


def center_of_review(kind: str, model: type[Any], target_id: str, *, claimed: bool = False) -> Center:
    """The center of the queue's item on a target. The queue names its target by id alone; its item
    says at which center, so the target is still reached through that center's manager."""
    items = ReviewItem.objects.filter(
        kind=kind, target_type=model._meta.label_lower, target_id=str(target_id)
    )
    if claimed:
        items = items.filter(status=ReviewStatus.CLAIMED)
    center_id = items.order_by("-id").values_list("center_id", flat=True).first()
    if center_id is None:
        raise NotFound()
    return Center.objects.get(pk=center_id)


def _reviewed_type(target_id: str) -> tuple[Center, CenterSubjectType]:
    center = center_of_review(ReviewKind.SUBJECT_TYPE, CenterSubjectType, target_id, claimed=True)
    held = (
        CenterSubjectType.objects.at(center)
        .select_for_update()
        .select_related("center_subject", "center_subject__subject")
        .filter(pk=target_id)
        .first()
    )
    if held is None or held.removed_at is not None or held.effective_at is not None:
        raise StateError(rules.TYPE_NOT_WAITING)
    return center, held


def reviewer_line(actor: Actor, center: Center) -> dict[str, str]:
    member = StaffMember.objects.filter(account=actor.user).first() if actor.user is not None else None
    return {
        "department": (member.department if member and member.department else rules.department_of(center)),
        "reviewer": member.name if member else str(actor.user),
        "date": f"{timezone.localdate():%Y-%m-%d}",
    }


def _type_approve(actor: Actor, target_id: str, opinion: str) -> None:
    center, held = _reviewed_type(target_id)
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
        action="center_type.approved",
        target=held,
        subject_id=entry.subject_id,
        data={"center": center.code, "type": held.type, "opinion": opinion, "granted": granted},
    )


def _type_reject(actor: Actor, target_id: str, opinion: str) -> None:
    center, held = _reviewed_type(target_id)
    # Removed, so the unit may ask again once it has what the reviewer asked for.
    held.removed_at, held.removed_by = timezone.now(), actor.user
    held.removed_reason = rules.TYPE_REJECTED.format(opinion=opinion)[:200]
    held.save(update_fields=["removed_at", "removed_by", "removed_reason"])
    audit_log(
        actor=actor,
        action="center_type.rejected",
        target=held,
        subject_id=held.center_subject.subject_id,
        data={"center": center.code, "type": held.type, "opinion": opinion},
    )


def _type_describe(target_id: str) -> dict[str, Any]:
    center = center_of_review(ReviewKind.SUBJECT_TYPE, CenterSubjectType, target_id)
    held = (
        CenterSubjectType.objects.at(center)
        .select_related("center_subject", "center_subject__subject")
        .get(pk=target_id)
    )
    entry = held.center_subject
    others = [t.get_type_display() for t in types_of(center=center, center_subject=entry) if t.pk != held.pk]
    gives = [rules.PERMISSION_LABELS[c] for c in rules.TYPE_PERMISSIONS[held.type]]
    return {
        "title": f"{center.short_name}·新增主体类型「{held.get_type_display()}」",
        "rows": [
            ("单位名称", entry.registry_data.get("name") or entry.subject.name),
            ("统一社会信用代码", entry.subject.code),
            ("申请新增", held.get_type_display()),
            ("通过后获得的业务权限", "、".join(gives)),
            ("已有主体类型", "、".join(others) or "无"),
            ("申请时间", f"{timezone.localtime(held.added_at):%Y-%m-%d %H:%M}"),
        ],
    }


review_handler_register(
    ReviewKind.SUBJECT_TYPE, approve=_type_approve, reject=_type_reject, describe=_type_describe
)


# --- the role to act in (004 1.3) ------------------------------------------------------------------


def role_from(session: Any, center: Center, effective: list[str]) -> str | None:
    """The role picked for this center if still held, the only type if there is one, else None."""
    picked = (session.get(ROLE_SESSION_KEY) or {}).get(center.code)
    if picked in effective:
        return picked
    if len(effective) == 1:
        return effective[0]
    return None


def current_role(request: HttpRequest, center: Center) -> str | None:
    """The subject type the session acts in at `center` (None: none held, or several and none picked)."""
    subject = getattr(request.user, "subject", None) if request.user.is_authenticated else None
    if subject is None:
        return None
    entry = getattr(request, "center_subject", None)
    if entry is None or entry.center_id != center.pk:
        try:
            entry = selectors.center_subject_for(center=center, subject=subject)
        except NotFound:
            return None
    return role_from(request.session, center, effective_types(center=center, center_subject=entry))


def role_pick(request: HttpRequest, center: Center, center_subject: CenterSubject, type: str) -> str:
    """Keeps the picked role in the session (a choice of this browser session, not of the unit)."""
    if type not in effective_types(center=center, center_subject=center_subject):
        label = SubjectType(type).label if type in SubjectType.values else type
        raise DomainError(rules.ROLE_NOT_HELD.format(type=label), field="role")
    roles = dict(request.session.get(ROLE_SESSION_KEY) or {})
    roles[center.code] = type
    request.session[ROLE_SESSION_KEY] = roles
    return type
