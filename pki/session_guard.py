"""Ends a certificate session once its certificate is unbound (pki.sessions.certificate_session_ended).

Middleware rather than a check in each view: every page and every write of the session is covered,
including the record submissions that ask for a certificate login (registry.rules).
"""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from pki.sessions import CERTIFICATE_SESSION_ENDED, certificate_session_ended


class CertificateSessionGuard:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if certificate_session_ended(request):
            logout(request)
            messages.warning(request, CERTIFICATE_SESSION_ENDED)
        return self.get_response(request)
