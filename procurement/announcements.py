"""公告 (004 §3.7-3.13): the agency makes one of a kind (procurement.announcement_kinds), seals it
with the unit seal through the agent and submits it with a 签署意见; the center's reviewer decides
in the queue, and approval publishes it at once, the sealed PDF as it stood when submitted, and
makes the kind's move of the lots (procurement.lot_rules).

Every kind's preconditions are checked when it is made, when it is submitted and when it is
published; its statutory clock at submission and again at publication, counted from the moment of
publishing (for a 招标公告: the documents available ≥ 5 working days from it, 实施条例 art. 31 and
87号令 art. 18, and ≥ 20 days from their issue to the bid deadline, 政府采购法 art. 35).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from centers.models import Center, CenterSubject
from core.audit import Actor, audit_log
from core.errors import DomainError, NotFound
from procurement import announcement_rules as rules
from procurement import announcement_search, ocds, services, tenders
from procurement.announcement_kinds import KINDS, Kind, check_clock
from procurement.announcement_models import Announcement, AnnouncementKind
from procurement.models import Lot
from procurement.tender_models import TenderDocument
from review.models import ReviewItem, ReviewKind
from review.services import review_open, review_withdraw
from signing import services as signing_services
from signing.models import Document, Signature

__all__ = ["check_clock"]

AGENCY_PLACE = "agency"  # 采购代理机构（盖章）, in every kind


# --- checks ------------------------------------------------------------------------------------------


def kind_of(announcement: Announcement) -> Kind:
    return KINDS[announcement.kind]


def _guard(announcement: Announcement, action: str) -> str:
    allowed, after = rules.TRANSITIONS[action]
    if announcement.status not in allowed:
        raise DomainError(
            rules.STATE.format(
                kind=announcement.get_kind_display(),
                status=announcement.get_status_display(),
                action=rules.ACTION_LABELS[action],
            )
        )
    return after or announcement.status


def _owned(announcement: Announcement) -> None:
    """The agency's own tender document at the center, and the agency still licensed there."""
    services.may_register(center=announcement.center, agency=announcement.agency)
    tender = announcement.tender
    if tender.center_id != announcement.center_id or tender.agency_id != announcement.agency_id:
        raise NotFound()


def announcement_seal(announcement: Announcement) -> Signature | None:
    """The agency unit's valid seal at 采购代理机构（盖章） on the announcement's current document."""
    return tenders.unit_seal(announcement.document, announcement.agency.subject, AGENCY_PLACE)


def announcement_warning(announcement: Announcement, now: dt.datetime | None = None) -> str | None:
    """A limit already missed (a late 中标公告), shown to the agency and the reviewer."""
    return kind_of(announcement).warning(announcement, now or timezone.now())


def _make_document(actor: Actor, announcement: Announcement, now: dt.datetime) -> Document:
    kind = kind_of(announcement)
    subject = announcement.agency.subject
    return signing_services.document_create(
        actor=actor,
        subject=subject,
        kind=kind.template,
        title=kind.title.format(**kind.names(announcement))[:200],
        context=kind.context(announcement, now),
        center_code=announcement.center.code,
        subject_name=subject.name,
    )


def _audit(actor: Actor, action: str, announcement: Announcement, **data: Any) -> None:
    audit_log(
        actor=actor,
        action=action,
        target=announcement,
        subject_id=announcement.agency.subject_id,
        data={
            "center": announcement.center_id,
            "project": announcement.project_id,
            "kind": announcement.kind,
            "lot": announcement.lot_id,
            **data,
        },
    )


def _locked(announcement: Announcement | int, center: Center | int) -> Announcement:
    pk = announcement if isinstance(announcement, int) else announcement.pk
    locked = (
        Announcement.objects.at(center)
        .select_for_update(of=("self",))
        .select_related(
            "center", "agency__subject", "project", "tender__project", "document", "lot", "winner"
        )
        .filter(pk=pk)
        .first()
    )
    if locked is None:
        raise NotFound()
    return locked


# --- writes ------------------------------------------------------------------------------------------


def announcement_make(
    *,
    actor: Actor,
    center: Center,
    agency: CenterSubject,
    kind: str,
    tender: TenderDocument,
    lot: Lot | None = None,
    data: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> Announcement:
    """「新增…公告」: the kind's fields checked, its preconditions, rendered now; a draft until
    submitted."""
    now = now or timezone.now()
    spec = KINDS[kind]
    announcement = Announcement(
        center=center, agency=agency, project=tender.project, tender=tender, lot=lot, kind=kind
    )
    _owned(announcement)
    spec.preconditions(announcement, now)  # said first, before the fields; again under the lock
    spec.clean(announcement, data or {}, now)
    announcement.document = _make_document(actor, announcement, now)
    with transaction.atomic():
        # Two 「新增」 at once: the tender document's row lock orders them (SQLite's transactions are
        # serial already); the second finds the first's announcement.
        TenderDocument.objects.at(center).select_for_update().filter(pk=tender.pk).first()
        spec.preconditions(announcement, now)
        announcement.save()
        _audit(actor, rules.AUDIT_CREATED, announcement, tender=tender.pk)
    return announcement


def announcement_create(
    *,
    actor: Actor,
    center: Center,
    agency: CenterSubject,
    tender: TenderDocument,
    other_matters: str = "",
    now: dt.datetime | None = None,
) -> Announcement:
    """「新增招标公告」 for a submitted tender document."""
    return announcement_make(
        actor=actor,
        center=center,
        agency=agency,
        kind=AnnouncementKind.TENDER,
        tender=tender,
        data={"other_matters": other_matters},
        now=now,
    )


def announcement_save(
    *, actor: Actor, announcement: Announcement, data: dict[str, Any], now: dt.datetime | None = None
) -> Announcement:
    """「修改保存」: the kind's fields again, rendered again from the tender document as it stands;
    a seal over the old document never carries over (the new document has none)."""
    now = now or timezone.now()
    spec = kind_of(announcement)
    _guard(announcement, "save")
    spec.preconditions(announcement, now)
    spec.clean(announcement, data, now)
    document = _make_document(actor, announcement, now)
    with transaction.atomic():
        locked = _locked(announcement, announcement.center_id)
        _guard(locked, "save")
        spec.clean(locked, data, now)
        locked.document = document
        locked.save()
        _audit(actor, rules.AUDIT_SAVED, locked)
    return locked


def announcement_submit(
    *, actor: Actor, announcement: Announcement, opinion: str, now: dt.datetime | None = None
) -> Announcement:
    """「提交信息」 with a 签署意见: sealed by the unit, the preconditions and the clock again, into
    the center's queue; the version sealed is the one published."""
    now = now or timezone.now()
    opinion = opinion.strip()
    if not opinion:
        raise DomainError(rules.OPINION_REQUIRED, field="opinion")
    if len(opinion) > rules.OPINION_LIMIT:
        raise DomainError(rules.OPINION_TOO_LONG, field="opinion")
    with transaction.atomic():
        locked = _locked(announcement, announcement.center_id)
        after = _guard(locked, "submit")
        spec = kind_of(locked)
        _owned(locked)
        spec.preconditions(locked, now)
        refusal = spec.clock(locked, now)
        if refusal:
            raise DomainError(refusal)
        if announcement_seal(locked) is None:
            raise DomainError(
                rules.NOT_SEALED.format(kind=locked.get_kind_display(), name=locked.agency.subject.name)
            )
        locked.status = after
        locked.opinion = opinion
        locked.submitted_at = now
        locked.submitted_version = locked.document.version
        locked.submitted_sha256 = locked.document.sha256
        locked.decided_at = None
        locked.decision_opinion = ""
        locked.save()
        review_open(
            actor=actor,
            center=locked.center,
            kind=ReviewKind.ANNOUNCEMENT,
            target=locked,
            title=spec.review_title.format(**spec.names(locked)),
            subject_name=locked.agency.subject.name,
            subject_code=locked.agency.subject.code,
            now=now,
        )
        _audit(actor, rules.AUDIT_SUBMITTED, locked, version=locked.submitted_version, opinion=opinion)
    return locked


def announcement_withdraw(*, actor: Actor, announcement: Announcement) -> Announcement:
    """撤回 before the center decides: back to 编辑中, out of the queue."""
    with transaction.atomic():
        locked = _locked(announcement, announcement.center_id)
        locked.status = _guard(locked, "withdraw")
        locked.submitted_at = None
        locked.save(update_fields=["status", "submitted_at", "updated_at"])
        review_withdraw(actor=actor, target=locked)
        _audit(actor, rules.AUDIT_WITHDRAWN, locked)
    return locked


# --- the review queue's decisions --------------------------------------------------------------------


def announcement_approve(*, actor: Actor, item: ReviewItem, opinion: str) -> Announcement:
    """审核通过 publishes at once: the document as submitted, the preconditions and the clock
    counted from now, and the kind's move of the lots."""
    now = timezone.now()
    locked = _locked(int(item.target_id), item.center)
    after = _guard(locked, "approve")
    spec = kind_of(locked)
    document = locked.document
    if document.version != locked.submitted_version or document.sha256 != locked.submitted_sha256:
        raise DomainError(
            rules.CHANGED_SINCE_SUBMIT.format(now=document.version, then=locked.submitted_version)
        )
    refusal = spec.clock(locked, now)
    if refusal:
        raise DomainError(rules.TOO_LATE_TO_PUBLISH.format(refusal=refusal.rstrip("。")))
    spec.publish(actor, locked, now)
    locked.status = after
    locked.decided_at = now
    locked.decision_opinion = opinion
    locked.published_at = now
    locked.save(update_fields=["status", "decided_at", "decision_opinion", "published_at", "updated_at"])
    # What the public search reads, and its OCDS release, in the same transaction: the portal and the
    # open data never show what was not published.
    announcement_search.search_fields_store(locked)
    ocds.release_record(locked)
    _audit(
        actor, rules.AUDIT_PUBLISHED, locked, version=locked.submitted_version, sha256=locked.submitted_sha256
    )
    return locked


def announcement_reject(*, actor: Actor, item: ReviewItem, opinion: str) -> Announcement:
    locked = _locked(int(item.target_id), item.center)
    locked.status = _guard(locked, "reject")
    locked.decided_at = timezone.now()
    locked.decision_opinion = opinion
    locked.save(update_fields=["status", "decided_at", "decision_opinion", "updated_at"])
    _audit(actor, rules.AUDIT_REJECTED, locked, opinion=opinion)
    return locked
