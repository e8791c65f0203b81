"""Registration at a center of its own (丰台, 002 §3): a unit registers there with its certificate,
as a new platform subject or as one the platform already has, and starts its entry from the
platform's facts of it. What it then fills in is the center profile (centers/profiles.py)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from centers import rules
from centers.models import Center, CenterSource, CenterSubject, SubjectOrigin
from core.audit import Actor, audit_log
from core.errors import DomainError
from pki import verify
from pki.models import BindingHow, TrustedIssuer
from pki.services import certificate_bind
from registry import services as registry_services
from registry.models import Account, AuthMethod, Subject, SubjectKind


def registry_snapshot(subject: Subject) -> dict[str, Any]:
    """What an own-registered subject's entry starts from: the platform's facts of it, in the keys
    the registry sync writes, before the unit completes the rest at the center."""
    return {
        "code": subject.code,
        "code_type": subject.code_type,
        "kind": subject.kind,
        "name": subject.name,
        "status": subject.status,
        "bidding_scope": subject.bidding_scope,
        "basic": {"name": subject.name},
        "records": [],
    }


def accepted_issuer_names(center: Center) -> list[str]:
    """The CAs whose certificates the center accepts (empty: every issuer the platform trusts)."""
    if not center.accepted_issuers:
        return []
    return list(TrustedIssuer.objects.filter(slug__in=center.accepted_issuers).values_list("name", flat=True))


def register_check(*, center: Center, holder: verify.Holder) -> None:
    """The certificate may register at this center: a unit's, from a CA the center accepts."""
    if center.source != CenterSource.OWN:
        raise DomainError(rules.REGISTER_NOT_HERE.format(center=center.name))
    if center.accepted_issuers:
        slug, issuer_name = TrustedIssuer.objects.filter(pk=holder.anchor.key).values_list(
            "slug", "name"
        ).first() or ("", holder.anchor.name)
        if slug not in center.accepted_issuers:
            raise DomainError(
                rules.REGISTER_ISSUER_NOT_ACCEPTED.format(
                    center=center.name, issuers="、".join(accepted_issuer_names(center)), issuer=issuer_name
                )
            )
    if not registry_services.code_check(kind=SubjectKind.UNIT, code=holder.code)[1].ok:
        raise DomainError(rules.REGISTER_UNIT_ONLY)


def _join(*, actor: Actor, center: Center, subject: Subject, how: str) -> CenterSubject:
    entry = CenterSubject.objects.at(center).create(
        center=center,
        subject=subject,
        origin=SubjectOrigin.OWN,
        registry_data=registry_snapshot(subject),
    )
    audit_log(
        actor=actor,
        action=rules.AUDIT_SUBJECT_REGISTERED,
        target=entry,
        subject_id=subject.pk,
        data={"center": center.code, "how": how},
    )
    return entry


def center_join(
    *, actor: Actor, center: Center, subject: Subject, holder: verify.Holder
) -> tuple[CenterSubject, bool]:
    """A subject the platform already has registers here with its certificate; (entry, created)."""
    register_check(center=center, holder=holder)
    with transaction.atomic():
        Subject.objects.select_for_update().get(pk=subject.pk)  # one entry, even from two tabs
        existing = CenterSubject.objects.at(center).filter(subject=subject).first()
        if existing is not None:
            return existing, False
        return _join(actor=actor, center=center, subject=subject, how="existing_subject"), True


def center_register(
    *, center: Center, holder: verify.Holder, email: str, password: str, ip: str | None = None
) -> tuple[Account, CenterSubject]:
    """002 §3 新用户注册: the platform subject (name and code from the certificate, never typed),
    the certificate bound to it, and its entry at this center — all or nothing."""
    register_check(center=center, holder=holder)
    with transaction.atomic():
        account = registry_services.subject_register(
            kind=SubjectKind.UNIT, code=holder.code, name=holder.name, password=password, email=email, ip=ip
        )
        subject = account.subject
        assert subject is not None
        actor = Actor(user=account, auth_method=AuthMethod.CERTIFICATE, ip=ip)
        certificate_bind(actor=actor, subject=subject, holder=holder, how=BindingHow.REGISTRATION)
        entry = _join(actor=actor, center=center, subject=subject, how="new_subject")
    return account, entry
