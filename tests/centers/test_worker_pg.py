"""Issue 5, done when: "Tests on PostgreSQL kill the worker mid-delivery and restart it: every event
arrives once in effect, in order, and nothing is lost."

The real `manage.py run_worker` runs as a second process on the test database (committed data, hence
a transactional test) with the default SQLite-file queue. 300 registry events over 30 subjects are
made while it delivers; it is killed with SIGKILL (no cleanup, no graceful stop) in the middle of
that, more changes are made while it is dead, and a new worker is started. Every (center, subject,
seq) must then have exactly one applied effect (one `centers.subject_synced` audit row, written in
the transaction that applies the event), in seq order, and each center must hold the newest data.
"""

import signal
from collections import defaultdict

import pytest
from django.db import connection

from centers.models import Center, CenterSubject, SyncState, SyncStatus
from core.models import AuditEntry
from registry.models import SubjectEvent
from tests.centers.syncparts import change_basic, database_url, manage, on_postgres, seeded_centers, wait_for  # noqa: F401 (fixture)
from tests.factories import make_unit, submit_basic

pytestmark = [on_postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("seeded_centers")]

SUBJECTS = 30
CHANGES = 8  # per subject, after 注册 and the first 提交: 10 events each, 300 in all
CENTERS = ("changde", "hengyang")


@pytest.fixture
def worker_env(settings, tmp_path):
    """What the worker process and this one share: the test database and the queue file."""
    queue_url = f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    settings.GGZY_QUEUE_URL = queue_url
    settings.GGZY_QUEUE_NAME = "ggzy-worker-test"
    return {
        "DATABASE_URL": database_url(),
        "GGZY_QUEUE_URL": queue_url,
        "GGZY_QUEUE_NAME": "ggzy-worker-test",
        "GGZY_VAR_DIR": str(tmp_path / "var"),
    }


def worker_in_transaction():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL AND state <> 'idle'"
        )
        return cursor.fetchone()[0]


def kill(worker) -> None:
    worker.send_signal(signal.SIGKILL)
    assert worker.wait(30) == -signal.SIGKILL


def applied_effects():
    return AuditEntry.objects.filter(action="centers.subject_synced").count()


def test_a_worker_killed_mid_delivery_loses_nothing_and_repeats_nothing(worker_env):
    total = SUBJECTS * (CHANGES + 2) * len(CENTERS)
    units = [make_unit(name=f"断电测试{n:02d}有限公司") for n in range(SUBJECTS)]
    workers = [manage("run_worker", env=worker_env)]
    try:
        for unit in units:
            submit_basic(unit)
        wait_for(lambda: applied_effects() >= SUBJECTS, timeout=60, what="the worker to start delivering")
        for round_ in range(CHANGES):
            killing = round_ == CHANGES // 2 and workers[0].poll() is None
            for unit in units:
                change_basic(unit, contact_name=f"第{round_}轮联系人")
                # Mid-delivery: the kill comes the moment the worker is seen inside a transaction.
                # Looked for after each change, while its delivery is under way: a worker that keeps
                # up would have finished the whole round before a look at its end.
                if killing and worker_in_transaction():
                    kill(workers[0])
                    killing = False
            if killing:
                wait_for(worker_in_transaction, timeout=30, what="the worker inside a transaction")
                kill(workers[0])
        assert workers[0].returncode == -signal.SIGKILL
        assert applied_effects() < total  # killed with deliveries still to do
        workers.append(manage("run_worker", env=worker_env))
        wait_for(lambda: applied_effects() >= total, timeout=180, what=f"{total} applied events")
        wait_for(
            lambda: not SyncState.unscoped.exclude(status=SyncStatus.SYNCED).exists(),
            timeout=60,
            what="every sync state to read 已同步",
        )
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                worker.wait(30)
    assert workers[1].returncode == 0, workers[1].stderr.read() if workers[1].stderr else ""
    assert "worker stopped" in workers[1].stdout.read()

    assert SubjectEvent.objects.count() == SUBJECTS * (CHANGES + 2)
    seqs = defaultdict(list)
    for subject_id, data in (
        AuditEntry.objects.filter(action="centers.subject_synced")
        .order_by("id")
        .values_list("subject_id", "data")
    ):
        seqs[(data["center"], subject_id)].append(data["seq"])
    everything = list(range(1, CHANGES + 3))
    assert len(seqs) == SUBJECTS * len(CENTERS)
    # Once each, none missing, in order: per center and subject exactly 1, 2, …, 10.
    assert all(applied == everything for applied in seqs.values()), {
        key: applied for key, applied in seqs.items() if applied != everything
    }
    for center in Center.objects.filter(code__in=CENTERS):
        for unit in units:
            entry = CenterSubject.objects.at(center).get(subject=unit.subject)
            newest = SubjectEvent.objects.get(subject=unit.subject, seq=CHANGES + 2)
            assert entry.registry_seq == newest.seq and entry.registry_data == newest.payload
            assert entry.registry_data["basic"]["contact_name"] == f"第{CHANGES - 1}轮联系人"
            state = SyncState.objects.at(center).get(subject=unit.subject)
            assert state.delivered_seq == state.wanted_seq == newest.seq
