"""Issue 14: the agency's 项目注册 list at a center holding 10,000 projects.

Ten agencies of the bench's subjects (serials 1–10) are known at 常德 as 招标代理机构 with the
permissions their approval gives; 10,000 projects with two lots each are bulk-loaded there, half of
them the first agency's, the rest spread over the other nine, in every state (bench/agencies.py).
The first agency's list is rendered through django.test.Client with a certificate session, as the
agency opens it: the first page (50 of its 5,000), filtered by state, and a search by part of a name
and by a code. bench/venues.py measures 场地使用信息 on the same projects.
"""

from __future__ import annotations

import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.agencies import agencies_at, agency_client, projects_load
from bench.figures import show, spread, time_ms
from centers.models import Center, CenterSubject
from procurement.models import Project, ProjectStatus

PROJECTS = 10_000
LIMIT = "300 ms"


def load() -> tuple[Center, list[CenterSubject]]:
    """常德 with its ten agencies and PROJECTS projects; the first agency holds half of them."""
    center = Center.objects.get(code="changde")
    started = time.perf_counter()
    agencies = agencies_at(center)
    projects_load(center, agencies, PROJECTS)
    show("setup", f"bulk load {PROJECTS} projects", f"{time.perf_counter() - started:.1f} s")
    return center, agencies


def run(*, center: Center, agency: CenterSubject, runs: int) -> None:
    client = agency_client(agency)
    url = f"/centers/{center.code}/projects/"
    middle = Project.objects.filter(agency=agency).order_by("pk")[PROJECTS // 4]
    pages = [
        ("list first page (5,000 of the agency's)", {}, "共 5000 条"),
        ("list filtered by state", {"status": ProjectStatus.APPROVED}, "审核通过"),
        ("search by name part (1 match)", {"q": middle.name}, middle.code),
        ("search by code", {"q": middle.code}, middle.name),
    ]
    for figure, params, expected in pages:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params)
        query_count = len(queries)
        if response.status_code != 200 or expected not in response.content.decode():
            raise SystemExit(f"{url}?{params} did not show {expected} (HTTP {response.status_code}).")
        samples = [time_ms(lambda p=params: client.get(url, p)) for _ in range(runs)]
        show("projects", figure, spread(samples), LIMIT)
        show("projects", f"{figure} queries", f"{query_count} queries")
