"""What every center page of a subject shares: the center from the URL and the subject's entry."""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from centers import profiles, rules, selectors
from centers import roles as center_roles
from centers.menu import menu_for
from centers.models import Center, CenterSubject, SubjectType
from centers.people_login import acting_refusal
from core.errors import NotFound
from pki.sessions import CERTIFICATE_SESSION_KEY
from registry.auth import ACTING_PERSON_KEY
from registry.views_records import SubjectRequest, subject_required


class CenterRequest(SubjectRequest):
    center: Center
    center_subject: CenterSubject


def center_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A subject's page at one center (`<center>` in the URL): 404 when the center does not know
    the subject, so nobody acts at a center their data has not reached; 403 for a practitioner
    acting for the unit elsewhere than at the center that activated them, or whose activation
    has ended since they logged in (then logged out too)."""

    @wraps(view)
    @subject_required
    def wrapper(request: SubjectRequest, center: str, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            found = selectors.center_get(code=center)
            request.center = found  # type: ignore[attr-defined]
            request.center_subject = selectors.center_subject_for(  # type: ignore[attr-defined]
                center=found, subject=request.subject
            )
        except NotFound as error:
            raise Http404(error.message) from error
        acting = request.session.get(ACTING_PERSON_KEY)
        if acting:
            refusal = acting_refusal(
                acting=acting,
                fingerprint=request.session.get(CERTIFICATE_SESSION_KEY),
                center=found,
                subject=request.subject,
            )
            if refusal is not None:
                if refusal.log_out:
                    logout(request)
                context = {"message": refusal.message, "logged_out": refusal.log_out, "home": refusal.home}
                return render(request, "centers/acting_refused.html", context, status=403)
        return view(request, *args, **kwargs)

    return wrapper


def center_context(request: CenterRequest, active: str, **extra: Any) -> dict[str, Any]:
    """What every page of a subject at a center shows around its content (centers/layout.html):
    the center, the entry, the role it acts in with 「切换角色」, the left menu's active item."""
    center, entry = request.center, request.center_subject
    held = extra.pop("types", None)
    if held is None:
        held = selectors.types_of(center=center, center_subject=entry)
    effective = [t.type for t in held if t.effective_at is not None]
    role = center_roles.role_from(request.session, center, effective)
    return {
        "center": center,
        "entry": entry,
        "unit_name": profiles.unit_name(entry),
        "active": active,
        "role": role,
        "role_label": SubjectType(role).label if role else "",
        "roles_count": len(effective),
        "local_origin": entry.origin in rules.LOCAL_ORIGINS,
        "types": held,
        "more_menu": menu_for(role, effective),
        **extra,
    }


def role_page(
    business: str, roles: tuple[str, ...]
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A center page of a business done in one of `roles` (004 1.3: the user enters the system as
    「招标代理」): with several types held and none picked, the role page first and then back here;
    in a picked role that is not one of them, a page saying which role it takes, with 「切换角色」.
    A subject holding none of them gets the page itself, whose permission check says what is missing."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def gate(request: CenterRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            center = request.center
            effective = selectors.effective_types(center=center, center_subject=request.center_subject)
            if not set(roles) & set(effective):
                return view(request, *args, **kwargs)
            role = center_roles.role_from(request.session, center, effective)
            pick = reverse("centers:role", args=[center.code])
            if role is None:
                messages.info(request, rules.ROLE_PICK_FIRST)
                return redirect(f"{pick}?{urlencode({'next': request.get_full_path()})}")
            if role not in roles:
                message = rules.ROLE_WRONG.format(
                    business=business,
                    roles="」或「".join(SubjectType(r).label for r in roles if r in effective),
                    role=SubjectType(role).label,
                )
                pick_here = f"{pick}?{urlencode({'next': request.path})}"
                context = center_context(request, "", message=message, pick=pick_here)
                return render(request, "centers/role_wrong.html", context, status=403)
            return view(request, *args, **kwargs)

        return center_page(gate)

    return decorate
