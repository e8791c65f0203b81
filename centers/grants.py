"""The business permissions (业务操作权限) a subject holds at a center. They exist only for an
approved profile and follow the effective subject types: granted with the sentence saying why,
revoked with the type that gave them. The table is in centers/rules.py."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from centers import rules
from centers.models import Center, CenterPermission, CenterSubject
from centers.selectors import effective_types
from core.audit import Actor
from review.models import StaffMember

# --- reads ---------------------------------------------------------------------------------------


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


# --- changes: inside the caller's transaction --------------------------------------------------


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


def reviewer_line(actor: Actor, center: Center) -> dict[str, str]:
    """Who decided, for the sentence a permission granted on review keeps (rules.GRANTED_*)."""
    member = StaffMember.objects.filter(account=actor.user).first() if actor.user is not None else None
    return {
        "department": (member.department if member and member.department else rules.department_of(center)),
        "reviewer": member.name if member else str(actor.user),
        "date": f"{timezone.localdate():%Y-%m-%d}",
    }
