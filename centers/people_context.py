"""Context processor: who is acting when a practitioner logged in with a personal certificate.

The session is the agency's, so the header would otherwise show only the agency's name; it says
「从业人员 张三 代表 XX公司 操作」 instead, as the audit rows of the session name the person.
"""

from django.http import HttpRequest

from centers.people_rules import ACTING_BANNER
from registry.auth import ACTING_PERSON_KEY


def acting_person(request: HttpRequest) -> dict:
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    acting = session.get(ACTING_PERSON_KEY) if session is not None else None
    if not acting or user is None or not user.is_authenticated:
        return {}
    unit = getattr(getattr(user, "subject", None), "name", "") or str(user)
    return {
        "acting_person": acting,
        "acting_person_banner": ACTING_BANNER.format(
            name=acting.get("name") or acting.get("label", ""), unit=unit
        ),
    }
