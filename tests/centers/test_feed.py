"""The registry's change feed (registry/views_feed.py, registry/events.subject_feed_page): a cursor
that never serves an event twice or skips one, a limit, a bearer token, and a watermark that holds
back what is too fresh (and, on PostgreSQL, what a still-running transaction could slip in before).

Each change commits on its own here (transaction=True), as in production: on PostgreSQL the feed
serves only transactions that have ended."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from core.feed import FEED_WATERMARK
from registry.events import subject_feed_page
from registry.models import SubjectEvent
from tests.centers.syncparts import on_postgres, queue_in_tmp, wait_for  # noqa: F401 (fixture)
from tests.factories import make_unit

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("queue_in_tmp")]

TOKEN = "feed-test-token"
FEED = "/registry/feed/subjects/"


@pytest.fixture(autouse=True)
def _token(settings):
    settings.GGZY_FEED_TOKEN = TOKEN


def later():
    """A moment past the watermark of everything made so far."""
    return timezone.now() + FEED_WATERMARK + timedelta(seconds=1)


def full_page(after=0, limit=100, expected=None):
    """The feed from `after`; on PostgreSQL a transaction elsewhere on the server may hold it back
    for a moment, so wait until it serves `expected` events."""
    if expected is None:
        return subject_feed_page(after=after, limit=limit, now=later())
    return wait_for(
        lambda: (
            (page := subject_feed_page(after=after, limit=limit, now=later()))
            and len(page.events) == expected
            and page
        ),
        timeout=30,
        what=f"{expected} events after {after}",
    )


def test_pages_follow_the_cursor_and_serve_every_event_once_in_order():
    units = [make_unit(name=f"分页测试{n}有限公司") for n in range(7)]
    expected = list(SubjectEvent.objects.order_by("id").values_list("id", flat=True))
    assert len(expected) == 7
    seen, positions, after = [], [], 0
    for size in (3, 3, 1):
        page = full_page(after=after, limit=3, expected=size)
        seen += [event.id for event in page.events]
        positions += [event.position for event in page.events]
        assert page.next == page.events[-1].position
        after = page.next
    assert seen == expected
    assert positions == sorted(positions) and len(set(positions)) == 7
    empty = full_page(after=after, limit=3)
    assert empty.events == [] and empty.next == after
    assert [e.subject_code for e in subject_feed_page(after=0, limit=7, now=later()).events] == [
        u.subject.code for u in units
    ]


def test_the_watermark_holds_back_the_fresh_and_everything_after_it():
    for n in range(3):
        make_unit(name=f"水位测试{n}有限公司")
    first, second, third = SubjectEvent.objects.order_by("id")
    now = timezone.now() + timedelta(minutes=1)
    # Time travel: the events' clocks set around the watermark.
    SubjectEvent.objects.filter(pk=first.pk).update(created_at=now - timedelta(seconds=10))
    SubjectEvent.objects.filter(pk=second.pk).update(created_at=now - FEED_WATERMARK / 2)
    # Older than the watermark, but after a fresh one: served only with it, never before it.
    SubjectEvent.objects.filter(pk=third.pk).update(created_at=now - timedelta(seconds=5))
    page = wait_for(
        lambda: (p := subject_feed_page(after=0, now=now)) and p.events and p,
        timeout=30,
        what="the first event",
    )
    assert [event.id for event in page.events] == [first.pk]
    assert page.watermark == now - FEED_WATERMARK
    page = subject_feed_page(after=page.next, now=now + FEED_WATERMARK)
    assert [event.id for event in page.events] == [second.pk, third.pk]


def test_the_http_feed_answers_with_events_next_and_watermark(client):
    unit = make_unit(name="接口测试有限公司")
    # Time travel: past the watermark, so the feed serves the event now.
    SubjectEvent.objects.update(created_at=timezone.now() - timedelta(seconds=5))
    auth = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}
    body = wait_for(
        lambda: (b := client.get(FEED, {"after": 0, "limit": 10}, **auth).json()) and b["events"] and b,
        timeout=30,
        what="the feed to serve the event",
    )
    (event,) = body["events"]
    row = SubjectEvent.objects.get()
    assert event["id"] == row.pk and event["subject_code"] == unit.subject.code
    assert (event["seq"], event["reason"]) == (1, "registered")
    assert event["payload"] == row.payload and event["payload"]["name"] == "接口测试有限公司"
    assert event["created_at"] == row.created_at.isoformat()
    assert body["next"] == event["position"]
    assert timezone.datetime.fromisoformat(body["watermark"]) <= timezone.now() - FEED_WATERMARK
    again = client.get(FEED, {"after": body["next"]}, **auth).json()
    assert again["events"] == [] and again["next"] == body["next"]


@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Basic {TOKEN}"])
def test_the_feed_needs_its_token(client, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get(FEED, **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "query",
    [
        {"after": "-1"},
        {"after": "abc"},
        {"after": "9" * 19},  # more than a cursor (bigint) holds: 400, not an overflow's 500
        {"after": "０"},  # a full-width digit is a digit to str.isdigit, not to a cursor
        {"limit": "0"},
        {"limit": "501"},
        {"limit": "1.5"},
        {"limit": "1" + "0" * 40},
    ],
)
def test_a_bad_cursor_or_limit_is_refused(client, query):
    response = client.get(FEED, query, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 400
    assert "error" in response.json()


def test_one_transaction_is_one_position_and_never_split_by_a_page():
    with transaction.atomic():
        for n in range(3):
            make_unit(name=f"同一事务{n}有限公司")
    make_unit(name="另一事务有限公司")
    if connection.vendor == "postgresql":
        # The three events share their transaction's position: a page of 2 serves all three.
        page = full_page(after=0, limit=2, expected=3)
        assert len({event.position for event in page.events}) == 1
    else:
        # SQLite: every event is its own position (writes are serialised).
        page = full_page(after=0, limit=2, expected=2)
    rest = full_page(after=page.next, limit=500, expected=4 - len(page.events))
    assert [e.id for e in page.events + rest.events] == list(
        SubjectEvent.objects.order_by("id").values_list("id", flat=True)
    )


@on_postgres
def test_a_transaction_still_running_holds_back_every_later_commit():
    """The case an id cursor gets wrong: A inserts its event first but commits last. A reader that
    served B's event and moved its cursor past it would never see A's; the feed waits for A."""
    inserted, release = threading.Event(), threading.Event()
    failures = []

    def slow_change():
        try:
            with transaction.atomic():
                make_unit(name="慢事务有限公司")
                inserted.set()
                release.wait(30)
        except Exception as error:  # shown by the main thread
            failures.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=slow_change)
    thread.start()
    try:
        assert inserted.wait(30)
        fast = make_unit(name="快事务有限公司")
        assert subject_feed_page(after=0, now=later()).events == []
    finally:
        release.set()
        thread.join(30)
    assert not failures
    page = full_page(after=0, expected=2)
    assert [event.subject_code for event in page.events][1] == fast.subject.code
    assert [event.payload["name"] for event in page.events] == ["慢事务有限公司", "快事务有限公司"]
