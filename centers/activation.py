"""CA证书激活 (000 §6.2.2; 001 远程证书激活): the agency activates an approved practitioner's own
personal certificate at a center, after which the person logs in with it and acts for the agency
(centers/people_login.py); 停用 ends that.

000 has the agency log in with the unit's key and then unplug it, so that 「读取证书」 reads the
person's key. Here the page asks the local agent for a signature over a fresh challenge made with
the person's certificate: the certificate is checked (chain, validity, revocation) and must carry
the practitioner's own ID number, from an issuer the center accepts.
"""

from __future__ import annotations

import datetime as dt

from django.db import models, transaction
from django.db.models import Prefetch
from django.utils import timezone

from centers import people_rules as rules
from centers.models import Center, CenterSubject, CertificateActivation, Practitioner, PractitionerStatus
from core.audit import Actor, audit_log
from core.errors import DomainError, NotFound, StateError
from pki import verify
from pki.models import TrustedIssuer

# --- reads -----------------------------------------------------------------------------------


def approved_practitioners_for(*, center_subject: CenterSubject) -> models.QuerySet[Practitioner]:
    """The agency's approved practitioners (both fields), each with its active certificates."""
    active = CertificateActivation.objects.at(center_subject.center_id).filter(revoked_at__isnull=True)
    return (
        Practitioner.objects.at(center_subject.center_id)
        .filter(center_subject=center_subject, status=PractitionerStatus.APPROVED)
        .prefetch_related(Prefetch("activations", queryset=active, to_attr="active_activations"))
        .order_by("field", "name", "id")
    )


def activations_of(*, practitioner: Practitioner) -> models.QuerySet[CertificateActivation]:
    """Every certificate ever activated for the person, the active ones first."""
    return (
        CertificateActivation.objects.at(practitioner.center_id)
        .filter(practitioner=practitioner)
        .select_related("issuer")
        .order_by(models.F("revoked_at").desc(nulls_first=True), "-activated_at")
    )


def activation_get_for(*, center_subject: CenterSubject, pk: int) -> CertificateActivation:
    activation = (
        CertificateActivation.objects.at(center_subject.center_id)
        .filter(pk=pk, practitioner__center_subject=center_subject)
        .select_related("practitioner")
        .first()
    )
    if activation is None:
        raise NotFound()
    return activation


def issuer_refusal(center: Center, holder: verify.Holder) -> str | None:
    """Why the center does not take this certificate's issuer, or None (an empty list takes all)."""
    if not center.accepted_issuers:
        return None
    issuer = TrustedIssuer.objects.filter(pk=holder.anchor.key).values_list("slug", flat=True).first()
    if issuer in center.accepted_issuers:
        return None
    accepted = TrustedIssuer.objects.filter(slug__in=center.accepted_issuers).values_list("name", flat=True)
    return rules.ACTIVATE_ISSUER_REFUSED.format(
        center=center.name, issuer=holder.anchor.name, accepted="、".join(accepted)
    )


# --- writes ----------------------------------------------------------------------------------


def activation_create(
    *,
    actor: Actor,
    center: Center,
    practitioner: Practitioner,
    holder: verify.Holder,
    now: dt.datetime | None = None,
) -> CertificateActivation:
    """激活: the checked certificate of an approved practitioner becomes a way in for the agency."""
    rules.unit_only(actor, rules.ACTION_ACTIVATION)
    if practitioner.center_id != center.pk:
        raise NotFound()
    if practitioner.status != PractitionerStatus.APPROVED:
        raise StateError(
            rules.ACTIVATE_NOT_APPROVED.format(
                name=practitioner.name, status=practitioner.get_status_display()
            )
        )
    if holder.code != practitioner.id_number:
        raise DomainError(
            rules.ACTIVATE_OTHER_PERSON.format(
                holder=holder.name,
                code=rules.mask_id_number(holder.code),
                name=practitioner.name,
                id_number=rules.mask_id_number(practitioner.id_number),
            )
        )
    refusal = issuer_refusal(center, holder)
    if refusal:
        raise DomainError(refusal)
    now = now or timezone.now()
    with transaction.atomic():
        active = (
            CertificateActivation.objects.at(center)
            .select_for_update()
            .filter(fingerprint=holder.fingerprint, revoked_at__isnull=True)
            .select_related("practitioner")
            .first()
        )
        if active is not None and active.practitioner.center_subject_id == practitioner.center_subject_id:
            raise StateError(rules.ACTIVATE_ALREADY.format(name=active.practitioner.name))
        if active is not None:
            raise DomainError(rules.ACTIVATE_TAKEN.format(center=center.name))
        # Across centers (unscoped): the login finds the activation at whichever center made it
        # (people_login.activation_for_login), so a key active for another unit elsewhere would let
        # the person in for that unit. The same unit at another center is fine.
        elsewhere = (
            CertificateActivation.unscoped.filter(fingerprint=holder.fingerprint, revoked_at__isnull=True)
            .exclude(center=center)
            .exclude(practitioner__center_subject__subject_id=practitioner.center_subject.subject_id)
            .select_related("center")
            .first()
        )
        if elsewhere is not None:
            raise DomainError(rules.ACTIVATE_TAKEN.format(center=elsewhere.center.name))
        activation = CertificateActivation.objects.at(center).create(
            center=center,
            practitioner=practitioner,
            issuer_id=holder.anchor.key,
            fingerprint=holder.fingerprint,
            serial=holder.serial,
            holder_name=holder.name,
            holder_code=holder.code,
            not_after=holder.not_after,
            certificate_pem=holder.pem,
            activated_at=now,
            activated_by=actor.user,
        )
        audit_log(
            actor=actor,
            action=rules.AUDIT_CERTIFICATE_ACTIVATED,
            target=activation,
            subject_id=practitioner.center_subject.subject_id,
            data={
                "center": center.code,
                "practitioner": practitioner.pk,
                "serial": holder.serial,
                "issuer": holder.anchor.name,
                "fingerprint": holder.fingerprint,
            },
        )
    return activation


def activation_revoke(
    *, actor: Actor, activation: CertificateActivation, now: dt.datetime | None = None
) -> CertificateActivation:
    """停用: the person can no longer log in for the agency with this certificate."""
    rules.unit_only(actor, rules.ACTION_ACTIVATION)
    with transaction.atomic():
        locked = (
            CertificateActivation.objects.at(activation.center_id)
            .select_for_update()
            .select_related("center", "practitioner__center_subject")
            .get(pk=activation.pk)
        )
        if locked.revoked_at is not None:
            raise StateError(
                rules.ACTIVATION_ALREADY_REVOKED.format(
                    when=timezone.localtime(locked.revoked_at).strftime("%Y-%m-%d %H:%M")
                )
            )
        locked.revoked_at = now or timezone.now()
        locked.revoked_by = actor.user
        locked.save(update_fields=["revoked_at", "revoked_by"])
        audit_log(
            actor=actor,
            action=rules.AUDIT_CERTIFICATE_REVOKED,
            target=locked,
            subject_id=locked.practitioner.center_subject.subject_id,
            data={
                "center": locked.center.code,
                "practitioner": locked.practitioner_id,
                "serial": locked.serial,
            },
        )
    return locked
