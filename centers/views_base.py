"""What every center page of a subject shares: the center from the URL and the subject's entry."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth import logout
from django.http import Http404, HttpResponse
from django.shortcuts import render

from centers import selectors
from centers.models import Center, CenterSubject
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
