"""A subject's standing at one center: the center profile, the 诚信承诺书 and the decision by the
center's rule. Registration at a center of its own (丰台) is centers/registration.py.

Workflow of the profile (one table, one guard): 待完善 → 填写中 (saved) → 提交 → 已通过 at once or
待审核 → 已通过 / 已退回 (fix, submit again). An approved profile stays in force, with its
permissions, while a change is saved and submitted; what is in force is `profile`, what is being
edited is `profile_draft`. The rules and the messages are in centers/rules.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from centers import grants, rules, selectors
from centers.attachments import AttachmentField, attachment_fields_declare
from centers.models import Center, CenterSubject, ProfileStatus
from centers.people_rules import unit_only
from core.audit import Actor, audit_log
from core.errors import ConflictError, DomainError, IncompleteError, NotFound, StateError
from pki.models import BoundCertificate
from registry.kinds import form_for
from registry.models import RecordKind, SubjectKind
from review import services as review_services
from review.models import ReviewItem, ReviewKind, ReviewStatus, StaffRole
from signing import services as signing_services
from signing.models import Document, SealKind, Signature

# One table of the profile's workflow (STYLE: workflows are explicit): what each action may start
# from and the status it leaves; None where the status stays as it was. 「保存」 is two rows: with no
# draft open (a new profile, or an approved one being changed) it opens one; on a draft or a
# returned profile it keeps the status (a returned one shows its opinion until submitted again).
# A submission the center's rule decides at once is submitted and approved in one transaction.
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "open": (frozenset({ProfileStatus.NEW, ProfileStatus.APPROVED}), ProfileStatus.DRAFT),
    "save": (frozenset({ProfileStatus.DRAFT, ProfileStatus.REJECTED}), None),
    "submit": (frozenset({ProfileStatus.DRAFT, ProfileStatus.REJECTED}), ProfileStatus.SUBMITTED),
    "withdraw": (frozenset({ProfileStatus.SUBMITTED}), ProfileStatus.DRAFT),
    "approve": (frozenset({ProfileStatus.SUBMITTED}), ProfileStatus.APPROVED),
    "reject": (frozenset({ProfileStatus.SUBMITTED}), ProfileStatus.REJECTED),
    "commitment": (frozenset({ProfileStatus.NEW, ProfileStatus.DRAFT, ProfileStatus.REJECTED}), None),
}


def action_allowed(entry: CenterSubject, *actions: str) -> bool:
    """Whether any of the actions may start from the entry's status (what a page offers)."""
    return any(entry.profile_status in TRANSITIONS[action][0] for action in actions)


def _guard(center: Center, entry: CenterSubject, action: str) -> str:
    """The status the action leaves the entry in, or a StateError naming why it may not start."""
    allowed_from, to = TRANSITIONS[action]
    status = entry.profile_status
    if status in allowed_from:
        return status if to is None else to
    if action == "submit" and status == ProfileStatus.NEW:
        raise StateError(rules.PROFILE_NOTHING_TO_SUBMIT)
    if action == "submit" and status == ProfileStatus.SUBMITTED:
        raise StateError(rules.PROFILE_ALREADY_SUBMITTED.format(department=rules.department_of(center)))
    if action == "submit":
        raise StateError(rules.PROFILE_NO_CHANGES)
    if action in ("withdraw", "approve", "reject"):
        raise StateError(rules.PROFILE_NOT_SUBMITTED)
    if action == "commitment" and status == ProfileStatus.APPROVED:
        raise StateError(rules.COMMITMENT_IN_FORCE)
    if action == "commitment":
        raise StateError(rules.COMMITMENT_LOCKED)
    raise StateError(rules.PROFILE_LOCKED.format(status=entry.get_profile_status_display()))


def entry_locked(center: Center, center_subject: CenterSubject) -> CenterSubject:
    """The entry re-read under a row lock, so two tabs (or a tab and a reviewer) act one after
    the other; the lock for anything that changes the entry (its profile, its types)."""
    return (
        CenterSubject.objects.at(center)
        .select_for_update(of=("self",))
        .select_related("subject")
        .get(pk=center_subject.pk)
    )


def registry_references(data: Any) -> list[Any]:
    """The files the registry's data refers to: its basic record's attachment slots (营业执照,
    身份证…), as the registry's basic forms name them."""
    basic = data.get("basic") or {}
    forms = (form_for(kind, RecordKind.BASIC) for kind in SubjectKind.values)
    return [basic.get(slot) for form in forms if form for slot in form.attachment_slots()]


# The center profile itself holds no files; the registry's data does.
attachment_fields_declare(AttachmentField(CenterSubject, "registry_data", registry_references, entry="pk"))


# --- names ---------------------------------------------------------------------------------------


def unit_name(entry: CenterSubject) -> str:
    """The name this center knows the subject by (the registry's, or its own for local origins)."""
    return entry.registry_data.get("name") or entry.subject.name


def submitting_name(entry: CenterSubject) -> str:
    """The name the profile being edited will put in force: a local origin may be renaming."""
    if entry.origin in rules.LOCAL_ORIGINS and entry.profile_draft.get("name"):
        return str(entry.profile_draft["name"])
    return unit_name(entry)


def commitment_title(center: Center, name: str) -> str:
    """What a person sees the commitment called; commitment_check reads the document's fields."""
    return rules.COMMITMENT_TITLE.format(center=center.short_name, name=name)


# --- the 诚信承诺书 ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommitmentCheck:
    document: Document | None
    # The seal that makes it count: the unit's own seal, at 「承诺单位（盖章）」, with its certificate.
    signature: Signature | None
    problem: str | None  # None: it may be submitted

    @property
    def ok(self) -> bool:
        return self.problem is None


def _inside(signature: Signature, place: dict[str, Any] | None) -> bool:
    if not place or signature.page != place.get("page"):
        return False
    x1, y1, x2, y2 = signature.box
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    return (
        place["x"] <= cx <= place["x"] + place["width"] and place["y"] <= cy <= place["y"] + place["height"]
    )


def commitment_check(
    *, center: Center, entry: CenterSubject, document: Document | None = None
) -> CommitmentCheck:
    """Whether the commitment carries a valid seal of the unit at place "unit".

    The PDF is not verified again here. signing writes a Signature row only in seal_request_finish,
    after its own verification (signing.verify.pdf_verify: chain to a trusted issuer, revocation,
    a trusted time-stamp, coverage) said VALID for exactly the sealed bytes, and a document changes
    only by appending further seals under a version check. The row is that verification's record;
    checking again would parse the PDF on every page view and, done today, would wrongly refuse a
    seal whose certificate was revoked after the time-stamp (signing's REVOKED_LATER rule).
    """
    document = document or entry.commitment
    if document is None:
        return CommitmentCheck(None, None, rules.COMMITMENT_MISSING)
    name = submitting_name(entry)
    if (
        document.subject_id != entry.subject_id
        or document.kind != rules.COMMITMENT_KIND
        or document.center_code != center.code
    ):
        return CommitmentCheck(document, None, rules.COMMITMENT_OTHER_CENTER.format(center=center.name))
    if document.subject_name != name:
        return CommitmentCheck(document, None, rules.COMMITMENT_NAME_CHANGED.format(name=name))
    subject = entry.subject
    seal_kind = SealKind.UNIT if subject.kind == SubjectKind.UNIT else SealKind.PERSONAL
    seals = list(
        Signature.objects.filter(
            document=document, seal__subject=subject, seal__kind=seal_kind, seal__holder_code=subject.code
        ).order_by("version")
    )
    # One of the unit's certificates: bound to it now or before (an unbound key sealed as the unit's).
    own = set(
        BoundCertificate.objects.filter(
            subject=subject, fingerprint__in=[s.certificate_fingerprint for s in seals]
        ).values_list("fingerprint", flat=True)
    )
    place = document.places.get("unit")
    for signature in seals:
        if signature.certificate_fingerprint in own and _inside(signature, place):
            return CommitmentCheck(document, signature, None)
    return CommitmentCheck(document, None, rules.COMMITMENT_NOT_SEALED)


def commitment_generate(*, actor: Actor, center: Center, center_subject: CenterSubject) -> Document:
    """「生成诚信承诺书」: a new PDF addressed to this center, naming the unit as it will stand."""
    unit_only(actor, "生成诚信承诺书")
    _guard(center, center_subject, "commitment")  # early, before rendering; checked again locked
    name = submitting_name(center_subject)
    subject = center_subject.subject
    today = timezone.localdate()
    # Rendering happens here, outside any transaction (document_create commits the document itself).
    document = signing_services.document_create(
        actor=actor,
        subject=subject,
        kind=rules.COMMITMENT_KIND,
        title=commitment_title(center, name),
        center_code=center.code,
        subject_name=name,
        context={
            "center_name": center.name,
            "subject_name": name,
            "subject_code": subject.code,
            "signed_on": f"{today.year}年{today.month}月{today.day}日",
        },
    )
    with transaction.atomic():
        entry = entry_locked(center, center_subject)
        _guard(center, entry, "commitment")
        previous = entry.commitment_id
        entry.commitment = document
        entry.save(update_fields=["commitment", "updated_at"])
        audit_log(
            actor=actor,
            action=rules.AUDIT_COMMITMENT_GENERATED,
            target=entry,
            subject_id=entry.subject_id,
            data={"center": center.code, "document": document.pk, "replaces": previous, "name": name},
        )
    return document


# --- the profile: save, submit, withdraw -------------------------------------------------------------


def _check_revision(entry: CenterSubject, expected_revision: int) -> None:
    if entry.profile_revision != expected_revision:
        when = timezone.localtime(entry.updated_at).strftime("%H:%M:%S")
        raise ConflictError(
            rules.PROFILE_CONFLICT.format(when=when),
            current_revision=entry.profile_revision,
            saved_data=entry.profile_draft,
        )


def profile_save(
    *,
    actor: Actor,
    center: Center,
    center_subject: CenterSubject,
    data: dict[str, Any],
    expected_revision: int,
) -> CenterSubject:
    """「保存」: keep the draft as typed. A save based on an older revision is refused."""
    unit_only(actor, "修改单位信息")
    allowed = rules.profile_fields(center_subject.origin)
    if center_subject.origin not in rules.LOCAL_ORIGINS and set(data) & set(rules.REGISTRY_SIDE_FIELDS):
        raise DomainError(rules.REGISTRY_FIELDS_READ_ONLY)
    data = {key: value for key, value in data.items() if key in allowed}
    with transaction.atomic():
        entry = entry_locked(center, center_subject)
        status = _guard(center, entry, "open" if action_allowed(entry, "open") else "save")
        _check_revision(entry, expected_revision)
        changed = sorted(k for k in allowed if entry.profile_draft.get(k) != data.get(k))
        entry.profile_draft = data
        entry.profile_revision += 1
        entry.profile_status = status  # after approval: a change, the old stays in force
        entry.save(update_fields=["profile_draft", "profile_revision", "profile_status", "updated_at"])
        audit_log(
            actor=actor,
            action=rules.AUDIT_PROFILE_SAVED,
            target=entry,
            subject_id=entry.subject_id,
            data={"center": center.code, "revision": entry.profile_revision, "fields": changed},
        )
    return entry


def missing_fields(entry: CenterSubject) -> list[str]:
    """The field names still empty that 「提交」 needs."""
    return [name for name in rules.profile_required(entry.origin) if not entry.profile_draft.get(name)]


def profile_submit(
    *,
    actor: Actor,
    center: Center,
    center_subject: CenterSubject,
    expected_revision: int,
    now: dt.datetime | None = None,
) -> CenterSubject:
    """「提交」: decided by the center's rule — approved at once with permissions, or queued for review."""
    unit_only(actor, "提交单位信息")
    now = now or timezone.now()
    with transaction.atomic():
        entry = entry_locked(center, center_subject)
        submitted = _guard(center, entry, "submit")
        _check_revision(entry, expected_revision)
        missing = missing_fields(entry)
        if missing:
            labels = [rules.PROFILE_LABELS[name] for name in missing]
            raise IncompleteError(rules.PROFILE_MISSING.format(fields="、".join(labels)), fields=missing)
        name = submitting_name(entry)
        problem = rules.refund_name_problem(
            account_name=str(entry.profile_draft.get("refund_account_name", "")), unit_name=name
        )
        if problem:
            raise DomainError(problem, field="refund_account_name")
        types = selectors.effective_types(center=center, center_subject=entry)
        if not types:
            raise DomainError(rules.NO_TYPES)
        document = (
            Document.objects.filter(pk=entry.commitment_id).defer("pdf").first()
            if entry.commitment_id
            else None
        )
        check = commitment_check(center=center, entry=entry, document=document)
        if check.problem:
            raise DomainError(check.problem)

        decision = rules.profile_decision(center, types)
        entry.profile_status = submitted
        entry.submitted_at = now
        audit_log(
            actor=actor,
            action=rules.AUDIT_PROFILE_SUBMITTED,
            target=entry,
            subject_id=entry.subject_id,
            data={
                "center": center.code,
                "revision": entry.profile_revision,
                "types": types,
                "commitment": entry.commitment_id,
                "signature": check.signature.pk if check.signature else None,
                "automatic": decision.automatic,
            },
        )
        if decision.automatic:
            _approve(actor=actor, center=center, entry=entry, because=decision.because, opinion="", now=now)
        else:
            entry.save(update_fields=["profile_status", "submitted_at", "updated_at"])
            review_services.review_open(
                actor=actor,
                center=center,
                kind=ReviewKind.PROFILE,
                target=entry,
                title=f"主体信息{'变更' if entry.profile else '登记'}：{name}",
                subject_name=name,
                subject_code=entry.subject.code,
                role=StaffRole.REVIEWER,
                now=now,
            )
    return entry


def profile_withdraw(*, actor: Actor, center: Center, center_subject: CenterSubject) -> CenterSubject:
    """「撤回」 before the center decides: back to editing, the queue item withdrawn."""
    unit_only(actor, "撤回单位信息")
    with transaction.atomic():
        entry = entry_locked(center, center_subject)
        entry.profile_status = _guard(center, entry, "withdraw")
        entry.save(update_fields=["profile_status", "updated_at"])
        review_services.review_withdraw(actor=actor, target=entry)
        audit_log(
            actor=actor,
            action=rules.AUDIT_PROFILE_WITHDRAWN,
            target=entry,
            subject_id=entry.subject_id,
            data={"center": center.code},
        )
    return entry


def _approve(
    *, actor: Actor, center: Center, entry: CenterSubject, because: str, opinion: str, now: dt.datetime
) -> None:
    """The draft comes into force; local origins' registry-side fields with it; permissions follow."""
    old_name = unit_name(entry)
    entry.profile = dict(entry.profile_draft)
    fields = ["profile", "profile_status", "submitted_at", "decided_at", "decision_opinion", "updated_at"]
    if entry.origin in rules.LOCAL_ORIGINS:
        draft = entry.profile_draft
        basic = dict(entry.registry_data.get("basic") or {})
        basic.update({k: draft.get(k, "") for k in rules.REGISTRY_SIDE_FIELDS})
        entry.registry_data = {**entry.registry_data, "name": draft.get("name") or old_name, "basic": basic}
        fields.append("registry_data")
    entry.profile_status = _guard(center, entry, "approve")
    entry.decided_at = now
    entry.decision_opinion = opinion
    entry.save(update_fields=fields)
    granted = grants.permissions_grant(center=center, center_subject=entry, because=because, now=now)
    audit_log(
        actor=actor,
        action=rules.AUDIT_PROFILE_APPROVED,
        target=entry,
        subject_id=entry.subject_id,
        data={
            "center": center.code,
            "because": because,
            "granted": granted,
            **({"renamed": [old_name, unit_name(entry)]} if unit_name(entry) != old_name else {}),
        },
    )


def review_waiting(*, center: Center, entry: CenterSubject) -> ReviewItem | None:
    """The undecided queue item of the profile (its due time is what the page promises)."""
    return (
        ReviewItem.objects.filter(
            center=center,
            target_type=CenterSubject._meta.label_lower,
            target_id=str(entry.pk),
            status__in=(ReviewStatus.OPEN, ReviewStatus.CLAIMED),
        )
        .order_by("-id")
        .first()
    )


# --- the review queue's decisions on a profile (ReviewKind.PROFILE) ----------------------------------


def _reviewed_entry(item: ReviewItem) -> CenterSubject:
    entry = (
        CenterSubject.objects.at(item.center)
        .select_for_update(of=("self",))
        .select_related("subject")
        .filter(pk=item.target_id)
        .first()
    )
    if entry is None:
        raise NotFound()
    return entry


def profile_approve(*, actor: Actor, item: ReviewItem, opinion: str) -> None:
    center, entry = item.center, _reviewed_entry(item)
    _guard(center, entry, "approve")  # before the reviewer's line is composed
    because = rules.GRANTED_BY_REVIEW.format(**grants.reviewer_line(actor, center))
    _approve(actor=actor, center=center, entry=entry, because=because, opinion=opinion, now=timezone.now())


def profile_reject(*, actor: Actor, item: ReviewItem, opinion: str) -> None:
    entry = _reviewed_entry(item)
    # The draft stays as submitted: the unit fixes what the opinion says and submits again.
    entry.profile_status = _guard(item.center, entry, "reject")
    entry.decided_at = timezone.now()
    entry.decision_opinion = opinion
    entry.save(update_fields=["profile_status", "decided_at", "decision_opinion", "updated_at"])
    audit_log(
        actor=actor,
        action=rules.AUDIT_PROFILE_REJECTED,
        target=entry,
        subject_id=entry.subject_id,
        data={"center": item.center.code, "opinion": opinion},
    )
