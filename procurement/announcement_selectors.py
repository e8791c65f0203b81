"""Reads of announcements: the agency's through one center and one agency; the public's only of
what is published."""

from __future__ import annotations

from django.db.models import QuerySet

from centers.models import Center, CenterSubject
from core.errors import NotFound
from procurement.announcement_models import Announcement, AnnouncementKind, AnnouncementStatus
from procurement.tender_models import TenderDocument, TenderStatus
from signing.models import DocumentVersion


def announcements_for(*, center: Center, agency: CenterSubject) -> QuerySet[Announcement]:
    """公告列表: the agency's announcements at the center, newest first."""
    return (
        Announcement.objects.at(center)
        .filter(agency=agency)
        .select_related("center", "project")
        .prefetch_related("tender__lots")
        .order_by("-created_at", "-pk")
    )


def announcement_get_for(*, center: Center, agency: CenterSubject, pk: int) -> Announcement:
    """One of the agency's announcements; missing and someone else's look alike."""
    found = (
        Announcement.objects.at(center)
        .filter(agency=agency, pk=pk)
        .select_related("center", "agency__subject", "project", "tender__project", "document")
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
