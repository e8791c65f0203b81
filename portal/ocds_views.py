"""Open data for anyone, no login (procurement/ocds.py builds it):

- /ocds/                              开放数据: what is published where (a page);
- /ocds/releases/<ocid>.json          the release package of one contracting process;
- /ocds/records/<ocid>.json           its record package (releases, compiled release, red flags);
- /ocds/feed/?after=<cursor>&limit=n  every release in commit order, a release package with the
                                      cursor to ask with next (core/feed.py: never skips a late commit);
- /ocds/bulk/                         the days with releases, and /ocds/bulk/<YYYY-MM-DD>.jsonl, all
                                      releases written that day as JSON Lines, once the day is over.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db.models import Count, Max
from django.db.models.functions import TruncDate
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.feed import FEED_LIMIT_MAX, cursor_args, feed_slice
from procurement import ocds
from procurement.ocds_models import Release

BULK_CHUNK = 500
# A day's file is served once the day is this far over: a release is stamped when its row is
# written, and a transaction that wrote one just before midnight has long committed by then (the
# feed's exact guard, core/feed.py, is for readers that cannot wait).
BULK_MARGIN = dt.timedelta(hours=1)


def _json(data: dict[str, Any], status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _base(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _releases(request: HttpRequest, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [ocds.links_absolute(data, _base(request)) for data in rows]


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    latest = Release.objects.aggregate(count=Count("id"), latest=Max("date"))
    example = Release.objects.order_by("-date", "-id").values_list("ocid", flat=True).first()
    context = {
        "count": latest["count"],
        "latest": latest["latest"],
        "example": example,
        "prefix": settings.GGZY_OCDS_PREFIX,
        "extensions": ocds.EXTENSIONS,
        "flag_titles": ocds.FLAG_TITLES,
        "feed_limit_max": FEED_LIMIT_MAX,
    }
    return render(request, "portal/ocds.html", context)


@require_GET
def release_package(request: HttpRequest, ocid: str) -> JsonResponse:
    rows = ocds.releases_of(ocid)
    if not rows:
        raise Http404("没有这个 ocid 的已发布数据。")
    package = ocds.package_meta(uri=request.build_absolute_uri(), published=_latest(ocid))
    return _json({**package, "releases": _releases(request, rows)})


@require_GET
def record_package(request: HttpRequest, ocid: str) -> JsonResponse:
    rows = ocds.releases_of(ocid)
    if not rows:
        raise Http404("没有这个 ocid 的已发布数据。")
    package = ocds.package_meta(uri=request.build_absolute_uri(), published=_latest(ocid))
    releases_url = request.build_absolute_uri(reverse("portal:ocds_releases", args=[ocid]))
    record = ocds.record_compile(_releases(request, rows))
    return _json({**package, "packages": [releases_url], "records": [record]})


def _latest(ocid: str) -> dt.datetime | None:
    return Release.objects.filter(ocid=ocid).aggregate(latest=Max("date"))["latest"]


@require_GET
def feed(request: HttpRequest) -> JsonResponse:
    """Every release after the cursor, oldest first (core/feed.py). A mirror stores links.next once
    it has kept the releases of a page, and asks with it next time."""
    args = cursor_args(request.GET)
    if isinstance(args, str):
        return _json({"error": args}, status=400)
    after, limit = args
    found = feed_slice(Release.objects.all(), after=after, limit=limit, now=timezone.now(), fields=("data",))
    next_url = request.build_absolute_uri(f"{reverse('portal:ocds_feed')}?after={found.next}&limit={limit}")
    package = ocds.package_meta(uri=request.build_absolute_uri(), published=timezone.now())
    return _json(
        {
            **package,
            "releases": _releases(request, [row["data"] for row in found.rows]),
            "links": {"next": next_url},
            "watermark": found.watermark.isoformat(),
        }
    )


@require_GET
def bulk_index(request: HttpRequest) -> JsonResponse:
    """The days whose file is complete: every day with releases, up to yesterday."""
    days = (
        Release.objects.filter(created_at__lt=_day_start(_today_done()))
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(count=Count("id"))
        .order_by("-day")
    )
    files = [
        {
            "date": row["day"].isoformat(),
            "count": row["count"],
            "url": request.build_absolute_uri(reverse("portal:ocds_bulk_day", args=[row["day"].isoformat()])),
        }
        for row in days
    ]
    return _json({"files": files})


@require_GET
def bulk_day(request: HttpRequest, day: str) -> StreamingHttpResponse:
    try:
        date = dt.date.fromisoformat(day)
    except ValueError as error:
        raise Http404("日期应写作 YYYY-MM-DD。") from error
    if date >= _today_done():
        # Not over yet (or within the watermark of its end): the file would still grow.
        raise Http404("这一天的数据尚未完整，次日可下载。")
    rows = Release.objects.filter(
        created_at__gte=_day_start(date), created_at__lt=_day_start(date + dt.timedelta(days=1))
    )
    base = _base(request)

    def lines() -> Iterator[bytes]:
        for data in (
            rows.order_by("created_at", "id").values_list("data", flat=True).iterator(chunk_size=BULK_CHUNK)
        ):
            yield (json.dumps(ocds.links_absolute(data, base), ensure_ascii=False) + "\n").encode()

    response = StreamingHttpResponse(lines(), content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ocds-releases-{date.isoformat()}.jsonl"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _today_done() -> dt.date:
    """The first day whose file is not complete yet: today, and yesterday until BULK_MARGIN into today."""
    return timezone.localdate(timezone.now() - BULK_MARGIN)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
