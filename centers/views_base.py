"""What every center page of a subject shares: the center from the URL and the subject's entry."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpResponse

from centers import selectors
from centers.models import Center, CenterSubject
from core.errors import NotFound
from registry.views_records import SubjectRequest, subject_required


class CenterRequest(SubjectRequest):
    center: Center
    center_subject: CenterSubject


def center_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A subject's page at one center (`<center>` in the URL): 404 when the center does not know
    the subject, so nobody acts at a center their data has not reached."""

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
        return view(request, *args, **kwargs)

    return wrapper
