"""The public portal (信息公开): no login. The home page's newest announcements, the search, and one
announcement with its dates, its lots, its sealed PDF checked, and the project's history."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError
from portal import selectors
from portal.forms import SearchForm
from procurement import announcement_selectors, ocds
from procurement.announcement_models import AnnouncementKind
from procurement.ocds_models import Release
from signing import verify as signing_verify

PAGE_SIZE = 20
HOME_KINDS = [
    AnnouncementKind.TENDER,
    AnnouncementKind.CORRECTION,
    AnnouncementKind.AWARD,
    AnnouncementKind.FAILURE,
]


@dataclass(frozen=True)
class ResultPage:
    """One page of results, found without counting them all: at national scale a count of every
    match of a common word costs many times the page itself. The page reads one row more than it
    shows, to know whether another page follows; the total is known once the last page is reached.
    Pages stop at MAX_PAGES (the first 1,000 results), where narrower criteria serve better than a
    deep offset."""

    object_list: list[Any]
    number: int
    has_next: bool
    total: int | None  # known on the last page only
    at_limit: bool  # the last page shown of more results than MAX_PAGES hold

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1


MAX_PAGES = 50


def result_page(found: QuerySet[Any], asked: str | None) -> ResultPage:
    number = int(asked) if asked and asked.isascii() and asked.isdigit() and len(asked) < 4 else 1
    number = min(max(number, 1), MAX_PAGES)
    start = (number - 1) * PAGE_SIZE
    rows = list(found[start : start + PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    total = None if more or (not rows and number > 1) else start + len(rows)
    return ResultPage(
        object_list=rows,
        number=number,
        has_next=more and number < MAX_PAGES,
        total=total,
        at_limit=more and number == MAX_PAGES,
    )


# A published PDF never changes, so its check is kept a while by the file's SHA-256: a popular
# announcement is not verified again for every visitor. Not for long, since what the check says
# of a certificate's revocation can change.
VERIFY_CACHE_SECONDS = 300


def _verified(pdf: bytes) -> signing_verify.Report | str:
    key = f"portal:pdf-verify:{hashlib.sha256(pdf).hexdigest()}"
    found = cache.get(key)
    if found is None:
        try:
            found = signing_verify.pdf_verify(pdf)
        except DomainError as error:
            found = error.message
        cache.set(key, found, VERIFY_CACHE_SECONDS)
    return found


def home(request: HttpRequest) -> HttpResponse:
    latest = selectors.latest_by_kind(list(HOME_KINDS))
    sections = [(AnnouncementKind(kind).label, kind, latest[kind]) for kind in HOME_KINDS]
    context = {"sections": sections, "centers": selectors.latest_by_center(), "form": SearchForm()}
    return render(request, "portal/home.html", context)


def announcements(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    refused = form.is_bound and not form.is_valid()
    # A refused criterion searches nothing: results that ignore what was typed would mislead.
    found = selectors.published().none() if refused else selectors.announcements_search(form.search())
    page = result_page(found, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    search = selectors.Search() if refused else form.search()
    feed = urlencode(
        {key: value for key, value in (("center", search.center), ("kind", search.kind)) if value}
    )
    feed_url = reverse("portal:announcements_feed") + (f"?{feed}" if feed else "")
    return render(
        request,
        "portal/announcements.html",
        {"form": form, "page": page, "filter_query": query.urlencode(), "feed_url": feed_url},
        status=400 if refused else 200,
    )


def announcement(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.announcement_get(pk)
    if found is None:
        raise Http404("没有这个已发布的公告。")
    pdf = announcement_selectors.published_pdf(pk=pk)
    report = _verified(pdf[1]) if pdf is not None else None
    release = Release.objects.filter(announcement=found).only("ocid").first()
    ocid = release.ocid if release else None
    tender = found.tender
    lots = [found.lot] if found.lot else list(tender.lots.order_by("number"))
    now = timezone.now()
    days_left = (
        (timezone.localdate(tender.bid_deadline) - timezone.localdate(now)).days
        if tender.bid_deadline > now
        else None
    )
    context = {
        "announcement": found,
        "tender": tender,
        "lots": lots,
        "days_left": days_left,
        "report": report,
        "history": selectors.project_history(found),
        # The process's red flags as its open data shows them (procurement/ocds.py).
        "ocid": ocid,
        "red_flags": ocds.red_flags(ocds.releases_of(ocid)) if ocid else [],
    }
    return render(request, "portal/announcement.html", context)
