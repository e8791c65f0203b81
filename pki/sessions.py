"""Certificate sessions: logging a browser in by a verified certificate, and registering from one.

Kept apart from the views so registry's registration view can call it without importing pki's views.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.auth import login as django_login
from django.db.models import Q
from django.http import HttpRequest

from core.audit import Actor
from pki import services, verify
from pki.models import BindingHow, BoundCertificate
from registry import identifiers
from registry.auth import ACTING_PERSON_KEY, AUTH_METHOD_KEY, CERTIFICATE, client_ip
from registry.models import SubjectKind

CERTIFICATE_SESSION_KEY = "ggzy_certificate"
CERTIFICATE_SESSION_ENDED = "您登录使用的证书已解绑，请重新登录"


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


def certificate_session_ended(request: HttpRequest) -> bool:
    """A subject's certificate session whose certificate has been unbound (or blocked on a 解绑申请)
    since it logged in: it must not keep 「CA证书登录」 and what only that login may submit.

    One query, and only for certificate sessions. A certificate bound to no subject of this account
    (a staff member's own, a practitioner's activated at a center) is left to the checks of its
    owners: no row matches it here.
    """
    session = request.session
    fingerprint = session.get(CERTIFICATE_SESSION_KEY)
    if not fingerprint or session.get(AUTH_METHOD_KEY) != CERTIFICATE or not session.get(SESSION_KEY):
        return False
    return (
        BoundCertificate.objects.filter(fingerprint=fingerprint, subject__account__pk=session[SESSION_KEY])
        .filter(Q(unbound_at__isnull=False) | Q(blocked_at__isnull=False))
        .exists()
    )
