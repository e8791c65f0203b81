"""The role a user acts in at a center (004 1.3): one of the subject's effective types, picked for
this browser session (a choice of the session, not of the unit)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from centers import rules, selectors
from centers.models import Center, CenterSubject, SubjectType
from core.errors import DomainError, NotFound

# {center code: subject type} — the role picked at each center, for this browser session.
ROLE_SESSION_KEY = "ggzy_center_roles"


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
    return role_from(request.session, center, selectors.effective_types(center=center, center_subject=entry))


def role_pick(request: HttpRequest, center: Center, center_subject: CenterSubject, type: str) -> str:
    """Keeps the picked role in the session."""
    if type not in selectors.effective_types(center=center, center_subject=center_subject):
        label = SubjectType(type).label if type in SubjectType.values else type
        raise DomainError(rules.ROLE_NOT_HELD.format(type=label), field="role")
    roles = dict(request.session.get(ROLE_SESSION_KEY) or {})
    roles[center.code] = type
    request.session[ROLE_SESSION_KEY] = roles
    return type
