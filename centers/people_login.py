"""A practitioner logs in with an activated personal certificate and acts for the agency.

Registered as a pki login hook (pki/login_hooks.py), asked before the subject login: when the
verified certificate is active at a center, the browser is logged in as the agency's account and
the session names the person (registry.auth.ACTING_PERSON_KEY), so every audit row written in the
session says who acted (core.audit.Actor.acting_person) and the header says 「从业人员 … 代表 … 操作」.
A certificate that is not activated anywhere is not this hook's: it answers None.
"""

from __future__ import annotations

import dataclasses

from django.contrib import messages
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from centers import people_rules as rules
from centers.activation import issuer_refusal
from centers.models import Center, CertificateActivation, PractitionerStatus
from core.audit import Actor, audit_log
from core.errors import DomainError
from pki import verify
from pki.login_hooks import login_hook_register
from pki.sessions import start_certificate_session
from registry.auth import ACTING_PERSON_KEY, CERTIFICATE, client_ip
from registry.models import Subject

AGENCY_ACCOUNT_INACTIVE = "该证书所代表的单位账号已停用，不能登录。请联系单位或交易中心。"


def activation_for_login(*, fingerprint: str) -> CertificateActivation | None:
    """The active activation of this certificate, at whichever center made it.

    The one login page serves every center, and which center activated the certificate is exactly
    what is being looked up: so this reads across centers (the unscoped manager). A person active
    at several centers lands where they logged in last.
    """
    return (
        CertificateActivation.unscoped.filter(
            fingerprint=fingerprint, revoked_at__isnull=True, practitioner__status=PractitionerStatus.APPROVED
        )
        .select_related("center", "practitioner__center_subject__subject__account")
        .order_by(F("last_login_at").desc(nulls_last=True), "-activated_at", "-id")
        .first()
    )


@dataclasses.dataclass(frozen=True)
class ActingRefusal:
    message: str
    log_out: bool
    home: str = ""  # the code of the center where the person may act (when they still may)


def acting_refusal(
    *, acting: dict, fingerprint: str | None, center: Center, subject: Subject
) -> ActingRefusal | None:
    """Why a practitioner's session (the ACTING_PERSON_KEY value) may not open `center`'s pages
    for `subject`, or None.

    Read on every page, not only at login: the agency may have 停用 the activation, or the
    practitioner lost approval, since; and the person acts only at the center that activated them.
    """
    home = Center.objects.filter(code=acting.get("center") or "").first()
    active = (
        home is not None
        and CertificateActivation.objects.at(home)
        .filter(
            practitioner_id=acting.get("practitioner"),
            fingerprint=fingerprint or "",
            revoked_at__isnull=True,
            practitioner__status=PractitionerStatus.APPROVED,
            practitioner__center_subject__subject=subject,
        )
        .exists()
    )
    if home is None or not active:
        return ActingRefusal(rules.ACTING_ENDED, log_out=True)
    if home.pk != center.pk:
        return ActingRefusal(
            rules.ACTING_OTHER_CENTER.format(center=home.name), log_out=False, home=home.code
        )
    return None


def acting_label(name: str, id_number: str) -> str:
    return rules.ACTING_LABEL.format(name=name, id_number=rules.mask_id_number(id_number))


def practitioner_login(request: HttpRequest, holder: verify.Holder) -> str | None:
    activation = activation_for_login(fingerprint=holder.fingerprint)
    if activation is None:
        return None
    center, practitioner = activation.center, activation.practitioner
    # A center may have narrowed the issuers it takes since the certificate was activated.
    refusal = issuer_refusal(center, holder)
    if refusal:
        raise DomainError(refusal)
    unit = practitioner.center_subject.subject
    account = getattr(unit, "account", None)
    if account is None or not account.is_active:
        raise DomainError(AGENCY_ACCOUNT_INACTIVE)
    label = acting_label(practitioner.name, practitioner.id_number)
    actor = Actor(user=account, auth_method=CERTIFICATE, ip=client_ip(request), acting_person=label)
    with transaction.atomic():
        CertificateActivation.objects.at(center).filter(pk=activation.pk).update(last_login_at=timezone.now())
        audit_log(
            actor=actor,
            action=rules.AUDIT_PRACTITIONER_LOGIN,
            target=activation,
            subject_id=unit.pk,
            data={"center": center.code, "practitioner": practitioner.pk, "serial": holder.serial},
        )
    start_certificate_session(request, account, holder)
    request.session[ACTING_PERSON_KEY] = {
        "practitioner": practitioner.pk,
        "center": center.code,
        "label": label,
        "name": practitioner.name,
    }
    messages.success(
        request,
        rules.PRACTITIONER_LOGGED_IN.format(name=practitioner.name, unit=unit.name, center=center.name),
    )
    return reverse("centers:home", kwargs={"center": center.code})


login_hook_register(practitioner_login)
