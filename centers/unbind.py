"""解绑申请: a unit asks a center's technical support to unbind a certificate it can no longer use
(lost or broken, or the holder's code changed), online with the sealed letter and the licence
attached, instead of the e-mail of 000 §6.3 and 002 §5.

A password login may file it (the key is what was lost); support decides within the center's
working days, and approving unbinds the certificate (pki.services.certificate_unbind_on_request).
"""

from __future__ import annotations

import datetime as dt

from django.db import models, transaction
from django.utils import timezone

from centers import people_rules as rules
from centers.attachments import AttachmentField, attachment_fields_declare, one
from centers.models import Center, CenterSubject, RequestStatus, UnbindReason, UnbindRequest
from core.audit import Actor, audit_log
from core.errors import DomainError, NotFound, StateError
from pki import services as pki_services
from pki.models import BoundCertificate
from pki.selectors import certificates_for
from registry.models import Attachment
from review.models import ReviewItem, ReviewKind, ReviewStatus, StaffRole
from review.services import review_open, review_withdraw

# The 解绑申请书 and the licence: the files technical support opens to decide a request.
attachment_fields_declare(
    AttachmentField(UnbindRequest, "letter", one), AttachmentField(UnbindRequest, "licence", one)
)

# --- reads -----------------------------------------------------------------------------------


def unbindable_certificates_for(*, center_subject: CenterSubject) -> models.QuerySet[BoundCertificate]:
    """The unit's bound certificates (not unbound), the ones a request may name."""
    return certificates_for(subject=center_subject.subject)


def unbind_requests_for(*, center_subject: CenterSubject) -> models.QuerySet[UnbindRequest]:
    return (
        UnbindRequest.objects.at(center_subject.center_id)
        .filter(center_subject=center_subject)
        .select_related("certificate")
        .order_by("-created_at", "-id")
    )


def unbind_request_get_for(*, center_subject: CenterSubject, pk: int) -> UnbindRequest:
    found = unbind_requests_for(center_subject=center_subject).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def unbind_due_at(unbind_request: UnbindRequest) -> dt.datetime | None:
    """When technical support must have answered a waiting request (None once decided)."""
    return (
        ReviewItem.objects.filter(
            target_type=UnbindRequest._meta.label_lower,
            target_id=str(unbind_request.pk),
            status__in=(ReviewStatus.OPEN, ReviewStatus.CLAIMED),
        )
        .values_list("due_at", flat=True)
        .first()
    )


# --- writes ----------------------------------------------------------------------------------


def _reference(
    center_subject: CenterSubject, attachment: Attachment | None, missing: str, field: str
) -> dict:
    if attachment is None:
        raise DomainError(missing, field=field)
    if attachment.subject_id != center_subject.subject_id:
        raise DomainError(rules.DOCUMENT_NOT_OWN, field=field)
    return attachment.reference()


def _audit(actor: Actor, action: str, unbind_request: UnbindRequest, **data: object) -> None:
    audit_log(
        actor=actor,
        action=rules.AUDIT_UNBIND.format(action=action),
        target=unbind_request,
        subject_id=unbind_request.center_subject.subject_id,
        data={"center": unbind_request.center.code, "certificate": unbind_request.certificate_id, **data},
    )


def unbind_request_create(
    *,
    actor: Actor,
    center: Center,
    center_subject: CenterSubject,
    certificate_pk: int | None,
    reason: str,
    explanation: str,
    letter: Attachment | None,
    licence: Attachment | None,
    now: dt.datetime | None = None,
) -> UnbindRequest:
    """Files the request and queues it for the center's technical support."""
    rules.unit_only(actor, rules.ACTION_UNBIND)
    if center_subject.center_id != center.pk:
        raise NotFound()
    certificate = (
        unbindable_certificates_for(center_subject=center_subject).filter(pk=certificate_pk).first()
        if certificate_pk
        else None
    )
    if certificate is None:
        raise DomainError(rules.UNBIND_CERTIFICATE_NOT_FOUND, field="certificate")
    if reason not in UnbindReason.values:
        raise DomainError(rules.UNBIND_REASON_REQUIRED, field="reason")
    explanation = explanation.strip()
    if not explanation:
        raise DomainError(rules.UNBIND_EXPLANATION_REQUIRED, field="explanation")
    if len(explanation) > rules.UNBIND_EXPLANATION_LIMIT:
        raise DomainError(
            rules.UNBIND_EXPLANATION_TOO_LONG.format(limit=rules.UNBIND_EXPLANATION_LIMIT),
            field="explanation",
        )
    letter_ref = _reference(center_subject, letter, rules.UNBIND_LETTER_MISSING, "letter")
    licence_ref = _reference(center_subject, licence, rules.UNBIND_LICENCE_MISSING, "licence")
    now = now or timezone.now()
    with transaction.atomic():
        # Locks the certificate's row so two requests for it cannot both pass the check below.
        BoundCertificate.objects.select_for_update().filter(pk=certificate.pk).first()
        # Across centers (unscoped): a binding belongs to the unit, not to a center, so one waiting
        # request anywhere covers it (the constraint one_open_unbind_request is global too).
        waiting = (
            UnbindRequest.unscoped.filter(certificate=certificate, status=RequestStatus.SUBMITTED)
            .select_related("center")
            .only("created_at", "center__name")
            .first()
        )
        if waiting is not None:
            raise StateError(
                rules.UNBIND_ALREADY_OPEN.format(
                    center=waiting.center.name,
                    when=timezone.localtime(waiting.created_at).strftime("%Y-%m-%d %H:%M"),
                )
            )
        unbind_request = UnbindRequest.objects.at(center).create(
            center=center,
            center_subject=center_subject,
            certificate=certificate,
            reason=reason,
            explanation=explanation,
            letter=letter_ref,
            licence=licence_ref,
            created_at=now,
            created_by=actor.user,
        )
        review_open(
            actor=actor,
            center=center,
            kind=ReviewKind.UNBIND,
            target=unbind_request,
            title=rules.UNBIND_REVIEW_TITLE.format(
                holder=certificate.holder_name, serial=certificate.serial, reason=UnbindReason(reason).label
            ),
            subject_name=center_subject.subject.name,
            subject_code=center_subject.subject.code,
            # Technical support handles keys (000 §6.3: "交易中心技术人员").
            role=StaffRole.SUPPORT,
            now=now,
        )
        _audit(actor, "requested", unbind_request, reason=reason, serial=certificate.serial)
    return unbind_request


def _locked(center_id: int, pk: int) -> UnbindRequest:
    locked = (
        UnbindRequest.objects.at(center_id)
        .select_for_update()
        .select_related("center", "center_subject", "certificate")
        .filter(pk=pk)
        .first()
    )
    if locked is None:
        raise NotFound()
    return locked


def _guard(unbind_request: UnbindRequest, action: str) -> None:
    if unbind_request.status != RequestStatus.SUBMITTED:
        raise StateError(rules.UNBIND_STATE.format(status=unbind_request.get_status_display(), action=action))


def unbind_request_withdraw(*, actor: Actor, unbind_request: UnbindRequest) -> UnbindRequest:
    rules.unit_only(actor, rules.ACTION_UNBIND)
    with transaction.atomic():
        locked = _locked(unbind_request.center_id, unbind_request.pk)
        _guard(locked, "撤回")
        locked.status = RequestStatus.WITHDRAWN
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_at"])
        review_withdraw(actor=actor, target=locked)
        _audit(actor, "withdrawn", locked)
    return locked


# --- the review queue's decisions ------------------------------------------------------------


def _decide(actor: Actor, item: ReviewItem, opinion: str, approve: bool) -> UnbindRequest:
    locked = _locked(item.center_id, int(item.target_id))
    _guard(locked, "处理")
    if approve and locked.certificate.unbound_at is None:
        pki_services.certificate_unbind_on_request(
            actor=actor, bound=locked.certificate, reason=locked.reason
        )
    # A certificate the unit unbound itself meanwhile (by a certificate login) is unbound all the
    # same: the request is granted, nothing more to do.
    locked.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
    locked.decided_at = timezone.now()
    locked.decision_opinion = opinion
    locked.save(update_fields=["status", "decided_at", "decision_opinion"])
    _audit(actor, "approved" if approve else "rejected", locked, opinion=opinion)
    return locked


def unbind_approve(*, actor: Actor, item: ReviewItem, opinion: str) -> UnbindRequest:
    return _decide(actor, item, opinion, approve=True)


def unbind_reject(*, actor: Actor, item: ReviewItem, opinion: str) -> UnbindRequest:
    return _decide(actor, item, opinion, approve=False)
