"""Reads of announcements: the agency's through one center and one agency; the public's only of
what is published."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from centers.models import Center, CenterSubject
from core.errors import NotFound
from procurement.announcement_models import (
    EXCEPTION_KINDS,
    Announcement,
    AnnouncementKind,
    AnnouncementStatus,
)
from procurement.models import Lot, LotStage
from procurement.selectors import lots_for
from procurement.tender_models import TenderDocument, TenderStatus
from signing.models import DocumentVersion


def announcements_for(
    *, center: Center, agency: CenterSubject, kinds: Sequence[str] = ()
) -> QuerySet[Announcement]:
    """公告列表: the agency's announcements at the center (of these kinds), newest first."""
    found = Announcement.objects.at(center).filter(agency=agency)
    return (
        (found.filter(kind__in=kinds) if kinds else found)
        .select_related("center", "project", "lot")
        .prefetch_related("tender__lots")
        .order_by("-created_at", "-pk")
    )


def announcement_get_for(*, center: Center, agency: CenterSubject, pk: int) -> Announcement:
    """One of the agency's announcements; missing and someone else's look alike."""
    found = (
        Announcement.objects.at(center)
        .filter(agency=agency, pk=pk)
        .select_related(
            "center", "agency__subject", "project", "tender__project", "document", "lot", "winner"
        )
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def tenders_ready(*, center: Center, agency: CenterSubject) -> QuerySet[TenderDocument]:
    """The agency's submitted tender documents without a 招标公告 yet: what 「新增招标公告」 offers."""
    return (
        TenderDocument.objects.at(center)
        .filter(agency=agency, status=TenderStatus.SUBMITTED)
        .exclude(announcements__kind=AnnouncementKind.TENDER)
        .select_related("project")
        .prefetch_related("lots")
        .order_by("-submitted_at", "-pk")
    )


def corrections_ready(*, center: Center, agency: CenterSubject) -> QuerySet[TenderDocument]:
    """「选择招标公告」: the agency's tender documents whose 招标公告 is published, not yet opened,
    with no 变更公告 waiting."""
    return (
        TenderDocument.objects.at(center)
        .filter(
            agency=agency,
            status=TenderStatus.SUBMITTED,
            bid_deadline__gt=timezone.now(),
            announcements__kind=AnnouncementKind.TENDER,
            announcements__status=AnnouncementStatus.PUBLISHED,
        )
        .exclude(
            pk__in=Announcement.objects.filter(kind=AnnouncementKind.CORRECTION)
            .exclude(status=AnnouncementStatus.PUBLISHED)
            .values("tender_id")
        )
        .select_related("project")
        .prefetch_related("lots")
        .distinct()
        .order_by("bid_deadline", "pk")
    )


def lots_ready(*, center: Center, agency: CenterSubject, kind: str) -> QuerySet[Lot]:
    """「选择分包」 of a 中标公告 or 废标公告 (the agency's lots whose evaluation is over, without
    one), or of a 中标公告变更 (its awarded lots)."""
    mine = lots_for(center=center, agency=agency)
    if kind == AnnouncementKind.AWARD_CHANGE:
        # Awarded lots, while no change of their award waits.
        waiting = Announcement.objects.filter(kind=kind).exclude(status=AnnouncementStatus.PUBLISHED)
        lots = mine.filter(stage=LotStage.AWARDED).exclude(pk__in=waiting.values("lot_id"))
    else:
        lots = mine.filter(stage=LotStage.EVALUATED).exclude(announcements__kind=kind)
    return lots.order_by("project__code", "number")


EXCEPTION_STAGES = (LotStage.ANNOUNCED, LotStage.EVALUATED, LotStage.SUSPENDED)


def lots_for_exceptions(*, center: Center, agency: CenterSubject) -> QuerySet[Lot]:
    """「新增分包异常」: the agency's tendered lots that may be suspended, terminated or resumed,
    while no exception of theirs waits."""
    waiting = Announcement.objects.filter(kind__in=EXCEPTION_KINDS).exclude(
        status=AnnouncementStatus.PUBLISHED
    )
    return (
        lots_for(center=center, agency=agency)
        .filter(stage__in=EXCEPTION_STAGES)
        .exclude(pk__in=waiting.values("lot_id"))
        .order_by("project__code", "number")
    )


def ready_for(kind: str, *, center: Center, agency: CenterSubject) -> QuerySet[Any]:
    if kind == "exception":
        return lots_for_exceptions(center=center, agency=agency)
    if kind == AnnouncementKind.TENDER:
        return tenders_ready(center=center, agency=agency)
    if kind == AnnouncementKind.CORRECTION:
        return corrections_ready(center=center, agency=agency)
    return lots_ready(center=center, agency=agency, kind=kind)


def target_get_for(
    kind: str, *, center: Center, agency: CenterSubject, pk: int
) -> tuple[TenderDocument, Lot | None]:
    """What a new announcement of `kind` is of: a tender document (变更公告) or a lot and its
    submitted tender document (中标/废标公告); the agency's own at the center, else NotFound."""
    if kind == AnnouncementKind.CORRECTION:
        tender = (
            TenderDocument.objects.at(center)
            .filter(agency=agency, pk=pk, status=TenderStatus.SUBMITTED)
            .select_related("project", "center", "agency__subject")
            .first()
        )
        if tender is None:
            raise NotFound()
        return tender, None
    lot = lots_for(center=center, agency=agency).filter(pk=pk).first()
    tender = (
        lot.tenders.filter(status=TenderStatus.SUBMITTED)
        .select_related("project", "center", "agency__subject")
        .first()
        if lot
        else None
    )
    if lot is None or tender is None:
        raise NotFound()
    return tender, lot


def published_pdf(*, pk: int) -> tuple[str, bytes] | None:
    """(title, the sealed PDF as published) of a published announcement; None for any other."""
    found = (
        Announcement.objects.filter(pk=pk, status=AnnouncementStatus.PUBLISHED)
        .select_related("document")
        .only("document__title", "submitted_version")
        .first()
    )
    return _as_submitted(found)


def submitted_pdf(*, center: Center, pk: int) -> tuple[str, bytes] | None:
    """For the center's reviewers: the version submitted, while it waits and once decided."""
    found = (
        Announcement.objects.at(center)
        .exclude(submitted_version=None)
        .filter(pk=pk)
        .select_related("document")
        .first()
    )
    return _as_submitted(found)


def _as_submitted(found: Announcement | None) -> tuple[str, bytes] | None:
    """(title, PDF) of the document version the agency submitted, or None."""
    if found is None or found.submitted_version is None:
        return None
    version = DocumentVersion.objects.filter(
        document_id=found.document_id, number=found.submitted_version
    ).first()
    return (found.document.title, bytes(version.pdf)) if version else None
