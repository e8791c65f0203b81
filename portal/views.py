"""The public portal (信息公开): no login. The home page's newest announcements, the search, and one
announcement with its dates, its lots, its sealed PDF checked, and the project's history."""

from __future__ import annotations

import hashlib
from typing import Any, cast
from urllib.parse import urlencode

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

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


class CappedPaginator(Paginator):
    """Counts matches only up to CAP: at national scale a count of every match of a common word
    costs more than the page itself. Past the cap the page says so and asks for narrower criteria;
    the pages up to it are all reachable."""

    cap = 1000

    @cached_property
    def _upto(self) -> int:
        found = cast(QuerySet[Any], self.object_list)
        return found[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._upto, self.cap)

    @cached_property
    def capped(self) -> bool:
        return self._upto > self.cap


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
    page = CappedPaginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
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
