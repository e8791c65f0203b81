"""Issue #2 (b): the staff search page, the admin changelist of subjects.

Rendered through django.test.Client as a staff user holding only view permissions, as the
centre's staff use it: the unfiltered first page, a search by a full code, and searches by part
of a name, one matching a single subject and one matching every subject.
"""

from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.dataset import unit_code, unit_name
from bench.figures import show, spread, time_ms
from registry.models import Account

URL = "/admin/registry/subject/"
LIMIT = "300 ms"


def staff_client(password_hash: str) -> Client:
    staff = Account.objects.create(
        username="bench-staff", password=password_hash, is_staff=True, display_name="中心工作人员"
    )
    staff.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    client = Client()
    client.force_login(staff)
    return client


def pages(subjects: int) -> list[tuple[str, str, str]]:
    """(figure name, search, text the page must show): a subject from the middle of the table,
    so neither end of an index or a scan flatters the figure."""
    middle = subjects // 2
    code, name = unit_code(middle), unit_name(middle)
    newest = unit_name(subjects)
    return [
        ("subject list first page", "", newest),
        ("subject search by code", code, name),
        ("subject search by name part (1 match)", f"第{middle}建设", name),
        ("subject search by name part (all match)", "建设工程", newest),
    ]


def run(*, subjects: int, runs: int, password_hash: str) -> None:
    client = staff_client(password_hash)
    for figure, search, expected in pages(subjects):
        params = {"q": search} if search else {}
        # One untimed render checks the page really shows what was searched for, and counts
        # its queries; it also warms template and permission caches.
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, params)
        # Counted now: every request that follows empties the connection's query log.
        query_count = len(queries)
        if response.status_code != 200 or expected not in response.content.decode():
            raise SystemExit(f"{URL}?q={search} did not show {expected} (HTTP {response.status_code}).")
        samples = [time_ms(lambda p=params: client.get(URL, p)) for _ in range(runs)]
        show("admin", figure, spread(samples), LIMIT)
        show("admin", f"{figure} queries", f"{query_count} queries")
