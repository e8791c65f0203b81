"""What the public portal reads: published announcements only, found by words and filters, and a
project's published history. Nothing here sees a draft, a submission or a rejection."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from procurement.announcement_models import Announcement, AnnouncementStatus


@dataclass(frozen=True)
class Search:
    """The search form's criteria, each optional."""

    words: str = ""  # a substring of the title, the project's name or its code (「智慧教室」)
    center: str = ""  # a center's code
    kind: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


def published() -> QuerySet[Announcement]:
    return Announcement.objects.filter(status=AnnouncementStatus.PUBLISHED).select_related(
        "center", "project", "lot", "document"
    )


def announcements_search(search: Search) -> QuerySet[Announcement]:
    """Published announcements matching `search`, newest first."""
    found = published()
    if search.words:
        words = search.words
        found = found.filter(
            Q(document__title__icontains=words)
            | Q(project__name__icontains=words)
            | Q(project__code__icontains=words)
        )
    if search.center:
        found = found.filter(center__code=search.center)
    if search.kind:
        found = found.filter(kind=search.kind)
    if search.since:
        found = found.filter(published_at__date__gte=search.since)
    if search.until:
        found = found.filter(published_at__date__lte=search.until)
    return found.order_by("-published_at", "-pk")


def announcement_get(pk: int) -> Announcement | None:
    return published().select_related("tender", "winner__subject").filter(pk=pk).first()


def project_history(announcement: Announcement) -> QuerySet[Announcement]:
    """Every published announcement of the same project, in the order they were published."""
    return published().filter(project_id=announcement.project_id).order_by("published_at", "pk")


def latest_by_kind(kinds: list[str], per_kind: int = 5) -> dict[str, list[Announcement]]:
    """The home page's newest announcements of each kind."""
    return {
        kind: list(published().filter(kind=kind).order_by("-published_at", "-pk")[:per_kind])
        for kind in kinds
    }
