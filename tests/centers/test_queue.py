"""The queue for real: Huey on a SQLite file (the default, no server) and on Redis (production, on
127.0.0.1:6379 here), with the consumer's worker threads delivering what a committed change queued.
Each test has a queue name of its own and empties it."""

import re
import signal
import uuid
from contextlib import contextmanager

import pytest
import redis
from django.db import connection, connections
from django.utils import timezone

from centers import sync
from centers.models import Center, CenterSubject, SyncState, SyncStatus
from core import queue
from tests.centers.syncparts import manage, manage_run, seeded_centers, wait_for  # noqa: F401 (fixture)
from tests.factories import make_unit, submit_basic

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("seeded_centers")]

REDIS_URL = "redis://127.0.0.1:6379/0"


def in_memory() -> bool:  # the test database, known once it exists
    return connection.vendor == "sqlite" and connection.is_in_memory_db()


@pytest.fixture(params=["sqlite", "redis"])
def live_queue(request, settings, tmp_path):
    """The configured queue, as run_worker and the registry's commits both find it."""
    if request.param == "redis":
        try:
            redis.Redis.from_url(REDIS_URL).ping()
        except redis.ConnectionError:
            pytest.skip("Redis is not running on 127.0.0.1:6379")
        settings.GGZY_QUEUE_URL = REDIS_URL
    else:
        settings.GGZY_QUEUE_URL = f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    settings.GGZY_QUEUE_NAME = f"ggzy-test-{uuid.uuid4().hex}"
    huey = queue.huey_queue()
    huey.flush()
    if in_memory():
        # The test database lives in this process's memory; a second connection to it would meet
        # shared-cache table locks that SQLite does not wait out. The worker thread uses this
        # thread's connection instead, as Django's live server thread does for such a database.
        shared = connections["default"]
        shared.inc_thread_sharing()
        huey.on_startup()(lambda: connections.__setitem__("default", shared))
    yield huey
    huey.flush()
    if in_memory():
        shared.dec_thread_sharing()


@contextmanager
def consumer_running(huey):
    """Huey's consumer with worker threads in this process, as run_worker starts it (one thread
    when they share this thread's connection)."""
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
    consumer = queue.consumer(huey=huey, workers=1 if in_memory() else queue.WORKER_THREADS)
    consumer.start()
    for signum, handler in handlers.items():  # the consumer's handlers are run_worker's business
        signal.signal(signum, handler)
    try:
        yield consumer
    finally:
        consumer.stop(graceful=True)


def arrived(subject, seq):
    centers = Center.objects.filter(code__in=["changde", "hengyang"])
    return all(
        CenterSubject.objects.at(center).filter(subject=subject, registry_seq=seq).exists()
        for center in centers
    )


def test_a_committed_change_reaches_both_centers_through_the_queue(live_queue):
    assert not live_queue.immediate
    if in_memory():
        # This thread's connection is shared with the worker thread, so it must not write while the
        # worker works: the change is committed, and its deliveries queued, before the consumer starts.
        unit = make_unit(name="队列测试有限公司")
        submit_basic(unit)
        assert live_queue.pending_count() == 4  # two events, two centers each
    with consumer_running(live_queue):
        if not in_memory():
            unit = make_unit(name="队列测试有限公司")
            submit_basic(unit)
        wait_for(lambda: arrived(unit.subject, 2), timeout=30, what="seq 2 at 常德 and 衡阳")
        wait_for(
            lambda: all(
                s.status == SyncStatus.SYNCED for s in SyncState.unscoped.filter(subject=unit.subject)
            ),
            timeout=30,
            what="both states synced",
        )
        # One delivery may apply both events, leaving the later ones with nothing to do: they
        # still run, and the queue drains.
        wait_for(lambda: live_queue.pending_count() == 0, timeout=30, what="the queue to drain")


def test_a_lost_message_is_queued_again_by_the_sweep(live_queue):
    unit = make_unit(name="丢失消息测试有限公司")
    submit_basic(unit)
    assert live_queue.pending_count() == 4  # two events, two centers each
    live_queue.flush()  # lost: a worker killed after taking them, a Redis restarted without its data
    assert sync.sync_sweep() == 0  # not yet: the queued deliveries may still be on their way
    assert sync.sync_sweep(now=timezone.now() + sync.SWEEP_GRACE) == 2
    assert live_queue.pending_count() == 2
    with consumer_running(live_queue):
        wait_for(lambda: arrived(unit.subject, 2), timeout=30, what="seq 2 at 常德 and 衡阳")


def test_run_worker_starts_the_consumer_and_the_jobs_and_stops_cleanly_on_sigterm_and_sigint(tmp_path):
    """A worker of its own (its own SQLite database, migrated here): both signals end it cleanly."""
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        "GGZY_VAR_DIR": str(tmp_path / "var"),
        "GGZY_QUEUE_URL": "",
    }
    manage_run("migrate", "--noinput", env=env)
    for signum in (signal.SIGTERM, signal.SIGINT):
        worker = manage("run_worker", env=env)
        try:
            started = worker.stdout.readline()
            assert started.startswith("worker started: ")
            jobs = re.findall(r"\b(outbox|crl|sync_sweep)\b", started)
            assert sorted(jobs) == ["crl", "outbox", "sync_sweep"], started
            assert "SqliteStorage" in started and "2 threads" in started
        finally:
            worker.send_signal(signum)
        out, err = worker.communicate(timeout=30)
        assert worker.returncode == 0, err
        assert out.strip().endswith("worker stopped")
    assert (tmp_path / "var" / "queue.sqlite3").exists()  # the default queue: a file under var/
