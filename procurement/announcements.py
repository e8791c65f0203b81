"""招标公告 (004 §3.7): the agency makes it from a submitted tender document, seals it with the unit
seal through the agent, submits it with a 签署意见; the center's reviewer decides in the queue, and
approval publishes it at once, the sealed PDF as it stood when submitted.

Preconditions (004 §3.7 前置条件), each refused with what is missing: the project approved, the
tender document submitted, and the lots' 开标室 booked, approved and at the bid deadline (87号令
art. 39). The clock is checked at 「提交信息」 and again at publication, counted from the moment of
publishing: the documents available ≥ 5 working days from it (实施条例 art. 31, 87号令 art. 18) and
≥ 20 days from their issue to the bid deadline (政府采购法 art. 35).
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
from procurement import (
    deadlines,
    services,
    tender_rules,
    tender_selectors,
    tender_templates,
    tenders,
    venue_rules,
)
from procurement.announcement_models import Announcement, AnnouncementKind
from procurement.deadlines import format_time
from procurement.models import ProjectStatus
from procurement.tender_models import TenderDocument, TenderStatus
from review.models import ReviewItem, ReviewKind
from review.services import review_open, review_withdraw
from signing import services as signing_services
from signing.models import Document, Signature

KIND = "announcement"  # signing.document_kinds: the 招标公告 template
AGENCY_PLACE = "agency"  # 采购代理机构（盖章）


# --- checks ------------------------------------------------------------------------------------------


def _guard(announcement: Announcement, action: str) -> str:
    allowed, after = rules.TRANSITIONS[action]
    if announcement.status not in allowed:
        raise DomainError(
            rules.STATE.format(status=announcement.get_status_display(), action=rules.ACTION_LABELS[action])
        )
    return after or announcement.status


def _preconditions(tender: TenderDocument, center: Center, agency: CenterSubject) -> None:
    """004 §3.7 前置条件, in the order the manual lists them."""
    project = tender.project
    services.may_register(center=center, agency=agency)
    if tender.center_id != center.pk or tender.agency_id != agency.pk:
        raise NotFound()
    if project.status != ProjectStatus.APPROVED:
        raise DomainError(
            rules.PROJECT_NOT_APPROVED.format(name=project.name, status=project.get_status_display())
        )
    if tender.status != TenderStatus.SUBMITTED:
        raise DomainError(rules.TENDER_NOT_SUBMITTED.format(status=tender.get_status_display()))
    if tender_selectors.opening_booking(list(tender.lots.all())) is None:
        raise DomainError(rules.OPENING_NOT_BOOKED)
    moving = tender_selectors.opening_to_move(tender)
    if moving is not None:
        booking = moving.booking
        slot = venue_rules.slot_text(booking.room, booking.starts_at, booking.ends_at)
        to_move = tender_rules.OPENING_TO_MOVE.format(deadline=format_time(tender.bid_deadline), slot=slot)
        raise DomainError(to_move + rules.OPENING_FIRST)


def _one_notice(tender: TenderDocument) -> None:
    """One 招标公告 per tender document; a correction is a 变更公告 after publication."""
    existing = tender.announcements.filter(kind=AnnouncementKind.TENDER).first()
    if existing is not None:
        raise DomainError(rules.TENDER_NOTICE_EXISTS.format(status=existing.get_status_display()))


def check_clock(tender: TenderDocument, *, publishing_at: dt.datetime) -> str | None:
    """None when publishing at `publishing_at` keeps the documents' limits; else the refusal."""
    refusal = deadlines.check(deadlines.DOCUMENTS_AVAILABLE, publishing_at, tender.documents_until)
    if refusal:
        return refusal
    issued = max(tender.documents_from, publishing_at)
    rule = deadlines.response_deadline_rule(tender.project.method)
    return deadlines.check(rule, issued, tender.bid_deadline) if rule else None


def announcement_seal(announcement: Announcement) -> Signature | None:
    """The agency unit's valid seal at 采购代理机构（盖章） on the announcement's current document."""
    return tenders.unit_seal(announcement.document, announcement.agency.subject, AGENCY_PLACE)


# --- the document ------------------------------------------------------------------------------------


def announcement_context(tender: TenderDocument, other_matters: str, now: dt.datetime) -> dict[str, Any]:
    """The announcement kind's context (signing.document_kinds) from the tender document."""
    lots = list(tender.lots.order_by("number"))
    template = tender_templates.TEMPLATES.get(tender.template)
    filled = {**(template.defaults if template else {}), **(tender.fields or {})}
    common = tenders.common_context(
        tender.project,
        lots,
        documents_from=tender.documents_from,
        documents_until=tender.documents_until,
        bid_deadline=tender.bid_deadline,
        opening_place=tender.opening_place,
    )
    return {
        **common,
        "lots": [tenders.lot_row(lot) for lot in lots],
        "contract_period": filled.get("contract_period") or "详见招标文件",
        "consortium": filled.get("consortium") or "不接受",
        "documents_price": filled.get("documents_price") or "0元",
        "notice_period": "自本公告发布之日起5个工作日。",
        "other_matters": [line.strip() for line in other_matters.splitlines() if line.strip()],
        "published_on": tenders.day_text(now),
    }


def _make_document(actor: Actor, tender: TenderDocument, other_matters: str, now: dt.datetime) -> Document:
    project, subject = tender.project, tender.agency.subject
    return signing_services.document_create(
        actor=actor,
        subject=subject,
        kind=KIND,
        title=rules.TITLE.format(code=project.code, name=project.name)[:200],
        context=announcement_context(tender, other_matters, now),
        center_code=tender.center.code,
        subject_name=subject.name,
    )


def _clean_other_matters(text: str) -> str:
    text = text.strip()
    if len(text) > rules.OTHER_MATTERS_LIMIT:
        raise DomainError(rules.OTHER_MATTERS_TOO_LONG, field="other_matters")
    return text


def _audit(actor: Actor, action: str, announcement: Announcement, **data: Any) -> None:
    audit_log(
        actor=actor,
        action=action,
        target=announcement,
        subject_id=announcement.agency.subject_id,
        data={"center": announcement.center_id, "project": announcement.project_id, **data},
    )


def _locked(announcement: Announcement | int, center: Center | int) -> Announcement:
    pk = announcement if isinstance(announcement, int) else announcement.pk
    locked = (
        Announcement.objects.at(center)
        .select_for_update(of=("self",))
        .select_related("center", "agency__subject", "project", "tender__project", "document")
        .filter(pk=pk)
        .first()
    )
    if locked is None:
        raise NotFound()
    return locked


# --- writes ------------------------------------------------------------------------------------------


def announcement_create(
    *,
    actor: Actor,
    center: Center,
    agency: CenterSubject,
    tender: TenderDocument,
    other_matters: str = "",
    now: dt.datetime | None = None,
) -> Announcement:
    """「新增招标公告」 for a submitted tender document: rendered now, a draft until submitted."""
    now = now or timezone.now()
    other_matters = _clean_other_matters(other_matters)
    _preconditions(tender, center, agency)
    _one_notice(tender)  # said early, before the document is rendered; again under the lock
    document = _make_document(actor, tender, other_matters, now)
    with transaction.atomic():
        # Two 「新增招标公告」 at once: the tender document's row lock orders them (SQLite's
        # transactions are serial already); the second finds the first's notice.
        TenderDocument.objects.at(center).select_for_update().filter(pk=tender.pk).first()
        _one_notice(tender)
        announcement = Announcement.objects.create(
            center=center,
            agency=agency,
            project=tender.project,
            tender=tender,
            kind=AnnouncementKind.TENDER,
            other_matters=other_matters,
            document=document,
        )
        _audit(actor, rules.AUDIT_CREATED, announcement, tender=tender.pk)
    return announcement


def announcement_save(
    *, actor: Actor, announcement: Announcement, other_matters: str, now: dt.datetime | None = None
) -> Announcement:
    """「修改保存」: rendered again from the tender document as it stands; a seal over the old
    document never carries over (the new document has none)."""
    now = now or timezone.now()
    other_matters = _clean_other_matters(other_matters)
    _guard(announcement, "save")
    document = _make_document(actor, announcement.tender, other_matters, now)
    with transaction.atomic():
        locked = _locked(announcement, announcement.center_id)
        _guard(locked, "save")
        locked.other_matters = other_matters
        locked.document = document
        locked.save(update_fields=["other_matters", "document", "updated_at"])
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
        _preconditions(locked.tender, locked.center, locked.agency)
        refusal = check_clock(locked.tender, publishing_at=now)
        if refusal:
            raise DomainError(refusal)
        if announcement_seal(locked) is None:
            raise DomainError(rules.NOT_SEALED.format(name=locked.agency.subject.name))
        locked.status = after
        locked.opinion = opinion
        locked.submitted_at = now
        locked.submitted_version = locked.document.version
        locked.submitted_sha256 = locked.document.sha256
        locked.decided_at = None
        locked.decision_opinion = ""
        locked.save()
        project = locked.project
        review_open(
            actor=actor,
            center=locked.center,
            kind=ReviewKind.ANNOUNCEMENT,
            target=locked,
            title=rules.REVIEW_TITLE.format(name=project.name, code=project.code),
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
    """审核通过 publishes at once: the document as submitted, the clock counted from now."""
    now = timezone.now()
    locked = _locked(int(item.target_id), item.center)
    after = _guard(locked, "approve")
    document = locked.document
    if document.version != locked.submitted_version or document.sha256 != locked.submitted_sha256:
        raise DomainError(
            rules.CHANGED_SINCE_SUBMIT.format(now=document.version, then=locked.submitted_version)
        )
    refusal = check_clock(locked.tender, publishing_at=now)
    if refusal:
        raise DomainError(rules.TOO_LATE_TO_PUBLISH.format(refusal=refusal.rstrip("。")))
    locked.status = after
    locked.decided_at = now
    locked.decision_opinion = opinion
    locked.published_at = now
    locked.save(update_fields=["status", "decided_at", "decision_opinion", "published_at", "updated_at"])
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
