"""What the public portal reads: published announcements only, found by words and filters, and a
project's published history. Nothing here sees a draft, a submission or a rejection."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from centers.models import Center
from procurement.announcement_models import Announcement, AnnouncementStatus
from procurement.announcement_search import facet, fold, query_terms


@dataclass(frozen=True)
class Search:
    """The search form's criteria, each optional."""

    words: str = ""  # substrings of the title, the project, its purchaser, lots or content (「智慧教室」)
    center: str = ""  # a center's code
    kind: str = ""
    method: str = ""  # 采购方式
    catalogue: str = ""  # a 政府采购品目 code or its start (A02 计算机设备 …)
    region: str = ""  # a 行政区划代码's start: 43 湖南省, 4307 常德市 (the purchaser's)
    budget_min: Decimal | None = None
    budget_max: Decimal | None = None
    since: dt.date | None = None
    until: dt.date | None = None


def published() -> QuerySet[Announcement]:
    # The document's bytes stay behind: a list of 20 would read 20 sealed PDFs (150 KB and more each)
    # to show their titles; the one PDF served is read by announcement_selectors.published_pdf.
    return (
        Announcement.objects.filter(status=AnnouncementStatus.PUBLISHED)
        .select_related("center", "project", "lot", "document")
        .defer("document__pdf")
    )


def announcements_search(search: Search) -> QuerySet[Announcement]:
    """Published announcements matching `search`, newest first (procurement.announcement_search
    says what is stored for it and how PostgreSQL's index answers)."""
    found = published()
    words = fold(search.words).split()
    facets = [
        facet(name, value)
        for name, value in (
            ("center", search.center),
            ("kind", search.kind),
            ("method", search.method),
            ("cat", search.catalogue.strip().upper()),
            ("region", search.region.strip()),
        )
        if value
    ]
    terms = query_terms(words, facets)
    if connection.vendor == "postgresql" and terms:
        found = found.filter(
            RawSQL(
                "ggzy_search_terms(search_text, search_facets) @> %s::text[]",
                [terms],
                output_field=BooleanField(),
            )
        )
    # The facets and phrases themselves, on PostgreSQL too: a row with every bigram of a word need not
    # hold the word; and where the planner walks the newest rows instead of the index (a common word
    # or filter), these cheap checks come first, so ggzy_search_terms() is computed only on rows that
    # match already.
    for token in facets:
        found = found.filter(search_facets__contains=f" {token} ")
    for word in words:
        found = found.filter(search_text__contains=word)
    if search.budget_min is not None:
        found = found.filter(budget__gte=search.budget_min)
    if search.budget_max is not None:
        found = found.filter(budget__lte=search.budget_max)
    if search.since:
        found = found.filter(published_at__gte=_day_start(search.since))
    if search.until:
        found = found.filter(published_at__lt=_day_start(search.until + dt.timedelta(days=1)))
    return found.order_by("-published_at", "-pk")


def _day_start(day: dt.date) -> dt.datetime:
    """Midnight of `day` here, so a date filter is a range on the indexed column, not a function of it."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


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


def latest_by_center(per_center: int = 5) -> list[tuple[Center, list[Announcement]]]:
    """The home page's newest announcements at each center that has published any."""
    found = []
    for center in Center.objects.order_by("sort", "pk"):
        rows = list(published().filter(center=center).order_by("-published_at", "-pk")[:per_center])
        if rows:
            found.append((center, rows))
    return found
