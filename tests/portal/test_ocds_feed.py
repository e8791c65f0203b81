"""The open-data release feed (/ocds/feed/), with real commits, as in production: on PostgreSQL the
feed serves only transactions older than every running one (core/feed.py), so a test's own open
transaction would hold everything back. A mirror reads every release once, in commit order, with a
cursor; nothing newer than the watermark; and on PostgreSQL a release whose transaction began first
but commits last is never skipped by a mirror that read on in between."""

import datetime as dt
import threading

import pytest
from django.db import connections, transaction
from django.utils import timezone

from core.feed import FEED_WATERMARK
from procurement.announcement_models import Announcement, AnnouncementKind
from procurement.ocds_models import Release
from tests.centers.syncparts import on_postgres, seeded_centers  # noqa: F401 (fixture)
from tests.portal import ocdsparts
from tests.procurement.announcement_factories import make

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("seeded_centers")]


def _age_all():
    Release.objects.update(created_at=timezone.now() - FEED_WATERMARK - dt.timedelta(seconds=5))


def test_the_feed_pages_every_release_once_with_a_cursor(client, lifecycle, tmp_path, monkeypatch):
    _age_all()
    seen, after = [], 0
    for _ in range(10):
        page = client.get("/ocds/feed/", {"after": after, "limit": 2}).json()
        if not page["releases"]:
            break
        seen += [r["id"] for r in page["releases"]]
        after = int(page["links"]["next"].split("after=")[1].split("&")[0])
        assert ocdsparts.problems(ocdsparts.cove(page, tmp_path / str(after), monkeypatch)) == {}
    assert seen == list(Release.objects.order_by("id").values_list("release_id", flat=True))
    # Asked again from the last cursor: nothing new, the cursor stays.
    again = client.get("/ocds/feed/", {"after": after}).json()
    assert again["releases"] == [] and f"after={after}&" in again["links"]["next"]


def test_the_feed_holds_back_what_is_newer_than_the_watermark(client, announced):
    page = client.get("/ocds/feed/").json()
    assert page["releases"] == []  # the tender's release was written just now
    _age_all()
    assert len(client.get("/ocds/feed/").json()["releases"]) == 1


@pytest.mark.parametrize(
    "query",
    [{"after": "-1"}, {"after": "x"}, {"after": "9" * 19}, {"limit": "0"}, {"limit": "501"}, {"limit": "ab"}],
)
def test_the_feed_refuses_a_bad_cursor_or_limit(client, query):
    response = client.get("/ocds/feed/", query)
    assert response.status_code == 400 and "error" in response.json()


def _release_of(announcement: Announcement, name: str) -> Release:
    """A release row for `announcement`, as publishing writes it, stamped old enough to be served."""
    published = Release.objects.order_by("id").first()
    assert published is not None
    data = {**published.data, "id": f"{published.ocid}-{name}"}
    return Release.objects.create(
        ocid=published.ocid,
        release_id=data["id"],
        announcement=announcement,
        project=announcement.project,
        date=timezone.now(),
        data=data,
    )


def _ids(client, after: int) -> tuple[list[str], int]:
    page = client.get("/ocds/feed/", {"after": after}).json()
    cursor = int(page["links"]["next"].split("after=")[1].split("&")[0])
    return [release["id"] for release in page["releases"]], cursor


@on_postgres
def test_a_release_committing_late_is_served_after_the_cursor_never_before_it(client, agency, announced):
    account, entry = agency
    slow_draft = make(account, entry, AnnouncementKind.CORRECTION, announced, content="慢事务的更正。")
    # A second row to hang the second release on (one draft correction at a time is the rule).
    fast_draft = Announcement.objects.get(pk=slow_draft.pk)
    fast_draft.pk = None
    fast_draft.save()
    Release.objects.update(created_at=timezone.now() - dt.timedelta(minutes=1))
    served, cursor = _ids(client, 0)
    assert len(served) == 1  # the tender notice's release

    inserted, release = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def slow() -> None:
        try:
            with transaction.atomic():
                _release_of(slow_draft, "slow")
                inserted.set()
                release.wait(30)
        except BaseException as error:  # shown by the main thread
            failures.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=slow)
    thread.start()
    try:
        assert inserted.wait(30)
        _release_of(fast_draft, "fast")  # commits at once, while the slow one is still open
        Release.objects.filter(release_id__endswith="-fast").update(
            created_at=timezone.now() - FEED_WATERMARK * 5
        )
        # The fast release is committed, but the slow transaction began first: nothing is served.
        assert _ids(client, cursor) == ([], cursor)
    finally:
        release.set()
        thread.join(30)
    assert not failures
    Release.objects.update(created_at=timezone.now() - dt.timedelta(minutes=1))
    served, after = _ids(client, cursor)
    assert [name.rsplit("-", 1)[1] for name in served] == ["slow", "fast"]
    assert _ids(client, after) == ([], after)
