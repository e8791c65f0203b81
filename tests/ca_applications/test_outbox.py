"""The outbox: posted only after the change commits, retried with backoff, run by the worker."""

import io
import socket
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from core import outbox, worker
from core.models import OutboxMessage, OutboxStatus

from .conftest import INTAKE_TOKEN


def enqueue(url: str, **payload) -> OutboxMessage:
    with transaction.atomic():
        return outbox.outbox_enqueue(
            topic="test.topic",
            url=url,
            payload=payload or {"名称": "衡阳"},
            token_setting="GGZY_CA_INTAKE_TOKEN",
        )


@pytest.mark.django_db(transaction=True)
def test_a_message_is_posted_right_after_commit_and_not_before(receiver):
    with transaction.atomic():
        message = outbox.outbox_enqueue(
            topic="test.topic",
            url=receiver.url,
            payload={"名称": "衡阳"},
            token_setting="GGZY_CA_INTAKE_TOKEN",
        )
        assert receiver.requests == []
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    assert request["path"] == "/inbox/"
    assert request["json"] == {"名称": "衡阳"}
    assert request["headers"]["Authorization"] == f"Bearer {INTAKE_TOKEN}"
    assert request["headers"]["Content-Type"] == "application/json; charset=utf-8"
    assert request["headers"]["X-Ggzy-Topic"] == "test.topic"
    assert request["headers"]["X-Ggzy-Message-Id"] == str(message.pk)
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.attempts == 1
    assert message.sent_at is not None


@pytest.mark.django_db(transaction=True)
def test_nothing_is_sent_when_the_transaction_rolls_back(receiver):
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        outbox.outbox_enqueue(topic="test.topic", url=receiver.url, payload={})
        1 / 0  # noqa: B018 - the change fails after the message was queued
    assert receiver.requests == []
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_enqueue_outside_a_transaction_is_refused(receiver):
    with pytest.raises(RuntimeError):
        outbox.outbox_enqueue(topic="test.topic", url=receiver.url, payload={})
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_failed_post_right_after_commit_is_left_for_the_worker(receiver):
    receiver.answers = [503]
    before = timezone.now()
    message = enqueue(receiver.url)
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 1
    assert message.last_error.startswith("HTTP 503")
    assert before + timedelta(seconds=5) <= message.next_attempt_at <= timezone.now() + timedelta(seconds=5)

    call_command("run_worker", "--once", stdout=io.StringIO())
    assert len(receiver.requests) == 1  # not due yet

    assert outbox.outbox_deliver_due(now=message.next_attempt_at) == 1
    assert len(receiver.requests) == 2
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.last_error == ""


@pytest.mark.django_db
def test_each_failure_waits_twice_as_long(receiver):
    receiver.answers = [500, 500, 500]
    message = enqueue(receiver.url)  # inside the test's transaction: nothing posts on its own
    now = timezone.now()
    waits = []
    for _ in range(3):
        assert outbox.outbox_deliver_due(now=now) == 0
        message.refresh_from_db()
        waits.append(message.next_attempt_at - now)
        now = message.next_attempt_at
    assert waits == [timedelta(seconds=5), timedelta(seconds=10), timedelta(seconds=20)]
    assert message.attempts == 3
    assert outbox.outbox_deliver_due(now=now) == 1
    assert len(receiver.requests) == 4


def test_the_wait_is_capped_at_ten_minutes():
    assert [outbox.retry_delay(n).total_seconds() for n in (1, 2, 3, 7, 8, 30)] == [5, 10, 20, 320, 600, 600]


@pytest.mark.django_db
def test_a_refusal_is_not_retried(receiver):
    receiver.answers = [409]
    message = enqueue(receiver.url)
    assert outbox.outbox_deliver_due() == 0
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert message.last_error.startswith("HTTP 409")
    assert outbox.outbox_deliver_due(now=timezone.now() + timedelta(days=1)) == 0
    assert len(receiver.requests) == 1


@pytest.mark.django_db
def test_an_unauthorised_answer_is_retried_since_a_token_may_be_fixed(receiver):
    receiver.answers = [401]
    message = enqueue(receiver.url)
    outbox.outbox_deliver_due()
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING


@pytest.mark.django_db
def test_a_redirect_is_an_error_not_a_success(receiver):
    receiver.answers = [302]
    message = enqueue(receiver.url)
    assert outbox.outbox_deliver_due() == 0
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING
    assert message.last_error.startswith("HTTP 302")
    assert len(receiver.requests) == 1  # the redirect was not followed


@pytest.mark.django_db
def test_an_unreachable_receiver_is_retried():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on the port now: the connection is refused.
    message = enqueue(f"http://127.0.0.1:{port}/inbox/")
    assert outbox.outbox_deliver_due() == 0
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 1
    assert "URLError" in message.last_error


@pytest.mark.django_db
def test_the_worker_gives_up_after_the_last_attempt(receiver):
    receiver.answers = [500]
    message = enqueue(receiver.url)
    # Stands in for the earlier failed attempts, each of which waits out its back-off.
    OutboxMessage.objects.filter(pk=message.pk).update(attempts=outbox.MAX_ATTEMPTS - 1)
    outbox.outbox_deliver_due()
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert message.attempts == outbox.MAX_ATTEMPTS


@pytest.mark.django_db
def test_a_claimed_message_is_not_claimed_again_until_its_lease_ends(receiver):
    """What keeps two workers from posting one message twice."""
    message = enqueue(receiver.url)
    now = timezone.now()
    assert [m.pk for m in outbox._claim(now)] == [message.pk]
    assert outbox._claim(now) == []
    assert outbox._claim(now + outbox.LEASE - timedelta(seconds=1)) == []
    assert [m.pk for m in outbox._claim(now + outbox.LEASE)] == [message.pk]


@pytest.mark.django_db
def test_a_secret_is_never_stored_with_the_message(receiver, settings):
    message = enqueue(receiver.url)
    assert INTAKE_TOKEN not in str(OutboxMessage.objects.filter(pk=message.pk).values().get())
    # A rotated token applies to messages already queued.
    settings.GGZY_CA_INTAKE_TOKEN = "rotated"
    outbox.outbox_deliver_due()
    assert receiver.requests[0]["headers"]["Authorization"] == "Bearer rotated"


@pytest.mark.django_db
def test_an_unknown_token_setting_is_refused_at_once(receiver):
    with pytest.raises(ValueError), transaction.atomic():
        outbox.outbox_enqueue(topic="t", url=receiver.url, payload={}, token_setting="NO_SUCH_SETTING")


@pytest.mark.django_db
def test_run_worker_once_delivers_what_is_due(receiver):
    enqueue(receiver.url, n=1)
    enqueue(receiver.url, n=2)
    out = io.StringIO()
    call_command("run_worker", "--once", stdout=out)
    assert sorted(r["json"]["n"] for r in receiver.requests) == [1, 2]
    assert "outbox: 2" in out.getvalue()
    assert not OutboxMessage.objects.exclude(status=OutboxStatus.SENT).exists()


def test_the_worker_runs_every_job_even_after_one_fails(monkeypatch):
    ran = []

    def broken() -> None:
        raise RuntimeError("CRL server down")

    monkeypatch.setattr(
        worker,
        "WORKER_JOBS",
        [worker.Job("broken", broken), worker.Job("counted", lambda: ran.append(1) or len(ran))],
    )
    out = io.StringIO()
    call_command("run_worker", "--once", stdout=out)
    assert ran == [1]
    assert out.getvalue().splitlines() == ["broken: None", "counted: 1"]


def test_each_job_runs_at_its_own_interval():
    fast = worker.Job("fast", lambda: None, every=timedelta(seconds=1))
    slow = worker.Job("slow", lambda: None, every=timedelta(hours=1))
    schedule = worker.Schedule([fast, slow])
    assert schedule.due(100.0) == [fast, slow]
    assert schedule.due(100.5) == []
    assert schedule.due(101.0) == [fast]
    assert schedule.due(3700.0) == [fast, slow]


@pytest.mark.parametrize(
    ("header", "expected", "ok"),
    [
        ("Bearer secret", "secret", True),
        ("bearer secret", "secret", True),
        ("Bearer wrong", "secret", False),
        ("Basic secret", "secret", False),
        ("", "secret", False),
        ("Bearer ", "", False),  # an unset token admits nobody
        ("Bearer 密钥", "secret", False),
    ],
)
def test_bearer_token_check(header, expected, ok):
    assert outbox.bearer_token_ok(header, expected) is ok
