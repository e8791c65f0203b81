"""从业人员 of an agency at a center (000 §6.2.1; 001 §5 职业人员): add a person with their
documents, submit for review, withdraw while waiting, edit after a rejection. The review queue's
decisions land here through the handlers registered at the bottom.

Only an approved practitioner's own certificate may be activated (centers/activation.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from django.db import IntegrityError, models, transaction
from django.db.models import Count, Q
from django.utils import timezone

from centers import people_rules as rules
from centers.attachments import AttachmentField, attachment_fields_declare, by_slot
from centers.models import (
    Center,
    CenterSubject,
    CenterSubjectType,
    Practitioner,
    PractitionerField,
    SubjectType,
)
from core.audit import Actor, audit_log
from core.errors import DomainError, IncompleteError, NotFound, StateError
from registry.identifiers import check_resident_id, normalize_code
from registry.models import Attachment
from review.models import ReviewItem, ReviewKind, StaffRole
from review.services import review_open, review_withdraw


@dataclasses.dataclass(frozen=True)
class PractitionerDetails:
    """What the agency types about a person (the documents come separately)."""

    name: str
    id_number: str
    phone: str = ""
    position: str = ""
    title: str = ""
    qualification_no: str = ""


DETAIL_FIELDS = tuple(f.name for f in dataclasses.fields(PractitionerDetails))

# The 电子件, by slot (rules.DOCUMENT_SLOTS): the files a center's staff may open of a practitioner.
attachment_fields_declare(AttachmentField(Practitioner, "documents", by_slot))


# --- reads -----------------------------------------------------------------------------------


def agency_types_of(center_subject: CenterSubject) -> list[str]:
    """The subject's types in force at the center: not removed, and not waiting for review."""
    return list(
        CenterSubjectType.objects.at(center_subject.center_id)
        .filter(center_subject=center_subject, removed_at__isnull=True, effective_at__isnull=False)
        .values_list("type", flat=True)
    )


def agency_check(center_subject: CenterSubject, center: Center) -> None:
    """Refuses a subject that is no agency at this center, naming the types it has."""
    types = agency_types_of(center_subject)
    if rules.AGENCY_TYPES.isdisjoint(types):
        labels = "、".join(SubjectType(t).label for t in types) or rules.NO_TYPES
        raise DomainError(rules.NOT_AGENCY.format(center=center.name, types=labels))


def practitioners_for(*, center_subject: CenterSubject, field: str) -> models.QuerySet[Practitioner]:
    """The agency's practitioners in one field, each with how many certificates are active."""
    return (
        Practitioner.objects.at(center_subject.center_id)
        .filter(center_subject=center_subject, field=field)
        .annotate(active_certificates=Count("activations", filter=Q(activations__revoked_at__isnull=True)))
        .order_by("-created_at", "-id")
    )


def practitioner_get_for(*, center_subject: CenterSubject, pk: int) -> Practitioner:
    """One of the agency's practitioners; another agency's (or a missing one) is NotFound alike."""
    practitioner = (
        Practitioner.objects.at(center_subject.center_id).filter(center_subject=center_subject, pk=pk).first()
    )
    if practitioner is None:
        raise NotFound()
    return practitioner


def practitioner_missing(practitioner: Practitioner) -> list[str]:
    """What still stops 「提交信息」, as labels a person reads, in page order."""
    missing = [
        label for name, label in rules.SUBMIT_REQUIRED_FIELDS.items() if not getattr(practitioner, name)
    ]
    documents = practitioner.documents or {}
    missing += [
        rules.DOCUMENT_SLOTS[slot] for slot in rules.SUBMIT_REQUIRED_DOCUMENTS if not documents.get(slot)
    ]
    if practitioner.qualification_no and not documents.get(rules.QUALIFICATION_NEEDS_DOCUMENT):
        missing.append(rules.QUALIFICATION_DOCUMENT_MISSING)
    return missing


# --- writes ----------------------------------------------------------------------------------


def _guard(practitioner: Practitioner, action: str) -> str:
    """The status the action leads to; StateError naming the current status when not allowed."""
    allowed, after = rules.TRANSITIONS[action]
    if practitioner.status not in allowed:
        raise StateError(
            rules.PRACTITIONER_STATE.format(
                status=practitioner.get_status_display(), action=rules.ACTION_LABELS[action]
            )
        )
    return after or practitioner.status


def _clean_details(details: PractitionerDetails) -> PractitionerDetails:
    name = details.name.strip()
    if not name:
        raise DomainError(rules.NAME_REQUIRED, field="name")
    id_number = normalize_code(details.id_number)
    checked = check_resident_id(id_number)
    if not checked.ok:
        raise DomainError(rules.ID_NUMBER_INVALID.format(error=checked.error), field="id_number")
    phone = details.phone.strip()
    if phone and not re.match(rules.PHONE_PATTERN, phone):
        raise DomainError(rules.PHONE_INVALID, field="phone")
    return PractitionerDetails(
        name=name,
        id_number=id_number,
        phone=phone,
        position=details.position.strip(),
        title=details.title.strip(),
        qualification_no=details.qualification_no.strip(),
    )


def _references(center_subject: CenterSubject, documents: dict[str, Attachment | None]) -> dict:
    """The documents as references kept on the practitioner; only the unit's own files."""
    kept = {}
    for slot, attachment in documents.items():
        if slot not in rules.DOCUMENT_SLOTS:
            raise ValueError(f"unknown document slot {slot!r}")
        if attachment is None:
            continue
        if attachment.subject_id != center_subject.subject_id:
            raise DomainError(rules.DOCUMENT_NOT_OWN, field=slot)
        kept[slot] = attachment.reference()
    return kept


def _duplicate_of(
    center_subject: CenterSubject, field: str, id_number: str, pk: int | None
) -> Practitioner | None:
    return (
        Practitioner.objects.at(center_subject.center_id)
        .filter(center_subject=center_subject, field=field, id_number=id_number)
        .exclude(pk=pk)
        .first()
    )


def _duplicate_error(same: Practitioner | None, field: str, id_number: str) -> DomainError:
    return DomainError(
        rules.PRACTITIONER_DUPLICATE.format(
            id_number=rules.mask_id_number(id_number),
            field=rules.field_label(field),
            name=same.name if same is not None else "",
        ),
        field="id_number",
    )


def _refuse_duplicate(center_subject: CenterSubject, field: str, id_number: str, pk: int | None) -> None:
    same = _duplicate_of(center_subject, field, id_number, pk)
    if same is not None:
        raise _duplicate_error(same, field, id_number)


def _audit(actor: Actor, action: str, practitioner: Practitioner, **data: object) -> None:
    audit_log(
        actor=actor,
        action=rules.AUDIT_PRACTITIONER.format(action=action),
        target=practitioner,
        subject_id=practitioner.center_subject.subject_id,
        data={
            "center": practitioner.center.code,
            "field": practitioner.field,
            "name": practitioner.name,
            "id_number": rules.mask_id_number(practitioner.id_number),
            **data,
        },
    )


def practitioner_create(
    *,
    actor: Actor,
    center: Center,
    center_subject: CenterSubject,
    field: str,
    details: PractitionerDetails,
    documents: dict[str, Attachment | None],
) -> Practitioner:
    """新增从业人员: a draft, saved even when incomplete; 「提交信息」 checks completeness."""
    rules.unit_only(actor, rules.ACTION_PRACTITIONERS)
    if center_subject.center_id != center.pk:
        raise NotFound()
    agency_check(center_subject, center)
    field = PractitionerField(field)
    details = _clean_details(details)
    references = _references(center_subject, documents)
    with transaction.atomic():
        _refuse_duplicate(center_subject, field, details.id_number, None)
        try:
            # The check above cannot see a concurrent add of the same person; the constraint
            # practitioner_once_per_field does, and the savepoint keeps the transaction usable.
            with transaction.atomic():
                practitioner = Practitioner.objects.at(center).create(
                    center=center,
                    center_subject=center_subject,
                    field=field,
                    documents=references,
                    **dataclasses.asdict(details),
                )
        except IntegrityError:
            same = _duplicate_of(center_subject, field, details.id_number, None)
            raise _duplicate_error(same, field, details.id_number) from None
        _audit(actor, "created", practitioner, documents=sorted(references))
    return practitioner


def _locked(practitioner: Practitioner) -> Practitioner:
    return (
        Practitioner.objects.at(practitioner.center_id)
        .select_for_update()
        .select_related("center_subject", "center")
        .get(pk=practitioner.pk)
    )


def practitioner_update(
    *,
    actor: Actor,
    practitioner: Practitioner,
    details: PractitionerDetails,
    documents: dict[str, Attachment | None],
) -> Practitioner:
    """Edits a draft, or a rejected practitioner before submitting again."""
    rules.unit_only(actor, rules.ACTION_PRACTITIONERS)
    details = _clean_details(details)
    with transaction.atomic():
        locked = _locked(practitioner)
        _guard(locked, "save")
        references = _references(locked.center_subject, documents)
        _refuse_duplicate(locked.center_subject, locked.field, details.id_number, locked.pk)
        for name, value in dataclasses.asdict(details).items():
            setattr(locked, name, value)
        locked.documents = references
        locked.save(update_fields=[*DETAIL_FIELDS, "documents", "updated_at"])
        _audit(actor, "saved", locked, documents=sorted(references))
    return locked


def practitioner_submit(
    *, actor: Actor, practitioner: Practitioner, now: dt.datetime | None = None
) -> Practitioner:
    """「提交信息」: every required field and document present, then into the review queue."""
    rules.unit_only(actor, rules.ACTION_PRACTITIONERS)
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(practitioner)
        after = _guard(locked, "submit")
        missing = practitioner_missing(locked)
        if missing:
            raise IncompleteError(rules.SUBMIT_MISSING.format(items="、".join(missing)), fields=missing)
        locked.status = after
        locked.submitted_at = now
        locked.save(update_fields=["status", "submitted_at", "updated_at"])
        subject = locked.center_subject.subject
        review_open(
            actor=actor,
            center=locked.center,
            kind=ReviewKind.PRACTITIONER,
            target=locked,
            title=rules.REVIEW_TITLE.format(
                field=rules.field_label(locked.field),
                name=locked.name,
                id_number=rules.mask_id_number(locked.id_number),
            ),
            subject_name=subject.name,
            subject_code=subject.code,
            role=StaffRole.REVIEWER,
            now=now,
        )
        _audit(actor, "submitted", locked)
    return locked


def practitioner_withdraw(*, actor: Actor, practitioner: Practitioner) -> Practitioner:
    """Takes a waiting practitioner back out of the queue, to edit and submit again."""
    rules.unit_only(actor, rules.ACTION_PRACTITIONERS)
    with transaction.atomic():
        locked = _locked(practitioner)
        locked.status = _guard(locked, "withdraw")
        locked.submitted_at = None
        locked.save(update_fields=["status", "submitted_at", "updated_at"])
        review_withdraw(actor=actor, target=locked)
        _audit(actor, "withdrawn", locked)
    return locked


# --- the review queue's decisions ------------------------------------------------------------


def _decide(actor: Actor, item: ReviewItem, opinion: str, action: str) -> Practitioner:
    locked = (
        Practitioner.objects.at(item.center)
        .select_for_update()
        .select_related("center_subject", "center")
        .filter(pk=int(item.target_id))
        .first()
    )
    if locked is None:
        raise NotFound()
    locked.status = _guard(locked, action)
    locked.decided_at = timezone.now()
    locked.decision_opinion = opinion
    locked.save(update_fields=["status", "decided_at", "decision_opinion", "updated_at"])
    _audit(actor, "approved" if action == "approve" else "rejected", locked, opinion=opinion)
    return locked


def practitioner_approve(*, actor: Actor, item: ReviewItem, opinion: str) -> Practitioner:
    return _decide(actor, item, opinion, "approve")


def practitioner_reject(*, actor: Actor, item: ReviewItem, opinion: str) -> Practitioner:
    return _decide(actor, item, opinion, "reject")
