"""Certificate sessions: logging a browser in by a verified certificate, and registering from one.

Kept apart from the views so registry's registration view can call it without importing pki's views.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import login as django_login
from django.http import HttpRequest

from core.audit import Actor
from pki import services, verify
from pki.models import BindingHow
from registry import identifiers
from registry.auth import ACTING_PERSON_KEY, AUTH_METHOD_KEY, CERTIFICATE, client_ip
from registry.models import SubjectKind

CERTIFICATE_SESSION_KEY = "ggzy_certificate"


def kind_of(holder: verify.Holder) -> str:
    """Unit or person, from the code the certificate carries (both are 18 characters long)."""
    return SubjectKind.UNIT if identifiers.check_uscc(holder.code).ok else SubjectKind.PERSON


def start_certificate_session(request: HttpRequest, account: Any, holder: verify.Holder) -> None:
    django_login(request, account, backend="registry.auth.LoginNameBackend")
    # Django keeps session data when the same account logs in again: a practitioner's name must
    # not stay on the unit's own later actions (the practitioner hook sets it again after this).
    request.session.pop(ACTING_PERSON_KEY, None)
    request.session[AUTH_METHOD_KEY] = CERTIFICATE
    request.session[CERTIFICATE_SESSION_KEY] = holder.fingerprint


def certificate_registered(request: HttpRequest, account: Any, certificate_pem: str) -> None:
    """002 §3: a subject just registered from its certificate; bind it and log in by certificate.

    The certificate was verified with a signed challenge moments ago; it is checked again (it may
    have been revoked since), so nothing unverified is ever bound.
    """
    holder = services.certificate_check(certificate=certificate_pem)
    actor = Actor(user=account, auth_method=CERTIFICATE, ip=client_ip(request))
    services.certificate_bind(
        actor=actor, subject=account.subject, holder=holder, how=BindingHow.REGISTRATION
    )
    start_certificate_session(request, account, holder)
