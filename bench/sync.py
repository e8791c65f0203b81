"""Issue #5: how fast the registry's changes reach the trading centers.

The real worker (`manage.py run_worker`, a child process on this run's database, with the default
queue: a SQLite file in the run's var/, no server) delivers while this process makes the changes
through the registry's services at a steady RATE: SUBJECTS units are registered, their basic
information submitted, then 「变更」+「提交」 of their basic information round-robin until CHANGES
changes are made. Both centers fed by the registry (常德,
衡阳) receive each one.

- `lag p50/p99`: from the commit of the registry's change to the moment the center applied it,
  for every change at every center. The commit time is taken by an on_commit callback that runs
  before the one queueing the deliveries; the apply time is the `centers.subject_synced` audit row
  the worker writes in the transaction that applies the event (its commit follows within a
  millisecond). Both clocks are this machine's.
- `applied while changing`: centers' applications per second during that run (bounded by how fast
  the changes come).
- `applied from a backlog`: the worker is stopped, BACKLOG changes are made, a worker is started:
  applications per second until the backlog is gone; what the worker can do when it is the
  bottleneck.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import transaction

from bench.figures import show
from bench.register import Applicant
from centers.models import Center, CenterSource
from core.audit import Actor
from core.models import AuditEntry
from registry import services
from registry.models import Account, AuthMethod, Record, RecordKind

SUBJECTS = 100
CHANGES = 1_000
# Changes per second while the lag is measured: a steady load the worker keeps up with (a busy
# provincial registry sees a few per minute). Lag measured at saturation would only show the queue.
RATE = 20
BACKLOG = 500
DEADLINE_SECONDS = 300


class Worker:
    """`manage.py run_worker` in a child process with this run's environment."""

    def __init__(self, log: Path) -> None:
        self.log = log.open("a")
        self.process = subprocess.Popen(
            [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "run_worker"],
            cwd=settings.BASE_DIR,
            env={**os.environ, "LOG_LEVEL": "WARNING"},
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()  # "worker started: …" once the consumer runs
        if "worker started" not in line:
            raise SystemExit(f"the worker did not start (see {log}): {line!r}")
        self.started = time.time()

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(60)
        self.log.close()


class Changer:
    """The registry side: units whose basic information is submitted, then changed, in turn."""

    def __init__(self, first_serial: int, count: int) -> None:
        self.accounts: list[Account] = []
        self.subject_ids: list[int] = []
        self.applicants = [Applicant(first_serial + i) for i in range(count)]
        self.seq: dict[int, int] = {}  # subject id → the seq of its newest event
        self.turn = 0

    def register_all(self) -> None:
        for applicant in self.applicants:
            account = applicant.register()
            assert account.subject_id is not None
            self.accounts.append(account)
            self.subject_ids.append(account.subject_id)
            self.seq[account.subject_id] = 1

    def change(self) -> tuple[int, int, float]:
        """One change of the next unit in turn: (subject id, event seq, commit time)."""
        index = self.turn % len(self.accounts)
        account, applicant = self.accounts[index], self.applicants[index]
        self.turn += 1
        committed: list[float] = []
        with transaction.atomic():
            # Registered first, so it runs before the callback that queues the deliveries.
            transaction.on_commit(lambda: committed.append(time.time()))
            if self.turn <= len(self.accounts):
                applicant.submit_basic(account)
            else:
                self._change_basic(account, self.subject_ids[index], contact=f"联系人{self.turn}")
        subject_id = self.subject_ids[index]
        self.seq[subject_id] += 1
        return subject_id, self.seq[subject_id], committed[0]

    def _change_basic(self, account: Account, subject_id: int, *, contact: str) -> None:
        actor = Actor(user=account, auth_method=AuthMethod.PASSWORD)
        record = Record.objects.get(subject_id=subject_id, kind=RecordKind.BASIC)
        draft = services.record_start_change(actor=actor, record=record)
        version = services.record_save(
            actor=actor,
            record=record,
            data={**draft.data, "contact_name": contact},
            expected_revision=draft.revision,
        )
        services.record_submit(actor=actor, record=record, expected_revision=version.revision)


def applied_at(since_id: int) -> dict[tuple[int, int, str], float]:
    """(subject id, seq, center code) → when the worker applied it, for audit rows after since_id."""
    rows = AuditEntry.objects.filter(action="centers.subject_synced", pk__gt=since_id).values_list(
        "subject_id", "data", "at"
    )
    return {
        (int(subject_id or 0), data["seq"], data["center"]): at.timestamp() for subject_id, data, at in rows
    }


def wait_applied(expected: set[tuple[int, int, str]], since_id: int) -> dict[tuple[int, int, str], float]:
    deadline = time.monotonic() + DEADLINE_SECONDS
    pause = 0.05
    while True:
        seen = applied_at(since_id)
        if expected <= seen.keys() or time.monotonic() > deadline:
            return seen
        time.sleep(pause)


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def run(*, first_serial: int) -> None:
    workdir = Path(settings.VAR_DIR)
    centers = list(Center.objects.filter(source=CenterSource.REGISTRY).values_list("code", flat=True))
    changer = Changer(first_serial, SUBJECTS)
    worker = Worker(workdir / "bench-worker.log")
    try:
        changer.register_all()
        last_id = _last_audit_id()
        commits: dict[tuple[int, int], float] = {}
        started = time.time()
        for n in range(CHANGES):
            # Paced: each change starts at its slot (at once when the previous one ran late).
            time.sleep(max(0.0, started + n / RATE - time.time()))
            subject_id, seq, committed = changer.change()
            commits[(subject_id, seq)] = committed
        made = time.time() - started
        expected = {(s, q, c) for (s, q) in commits for c in centers}
        seen = wait_applied(expected, last_id)
        lags = [(seen[key] - commits[key[:2]]) * 1000 for key in expected if key in seen]
        missing = len(expected - seen.keys())
        show(
            "sync",
            f"{CHANGES} changes made",
            f"{made:.1f} s ({CHANGES / made:.0f} changes/s paced at {RATE}/s, each to {len(centers)} centers)",
        )
        if lags:
            show("sync", "lag p50 (registry commit → applied at a center)", f"{percentile(lags, 0.5):.0f} ms")
            show(
                "sync", "lag p99", f"{percentile(lags, 0.99):.0f} ms (max {max(lags):.0f} ms, n={len(lags)})"
            )
        if missing:
            show("sync", "not applied within the deadline", f"{missing} of {len(expected)}")
        if seen:
            span = max(seen.values()) - min(commits.values())
            show("sync", "applied while changing", f"{len(seen) / span:.0f} events/s")

        worker.stop()
        last_id = _last_audit_id()
        backlog = {changer.change()[:2] for _ in range(BACKLOG)}
        expected = {(s, q, c) for (s, q) in backlog for c in centers}
        worker = Worker(workdir / "bench-worker.log")
        seen = wait_applied(expected, last_id)
        if expected <= seen.keys():
            drained = max(seen.values()) - worker.started
            show(
                "sync",
                f"applied from a backlog of {len(expected)}",
                f"{len(expected) / drained:.0f} events/s",
            )
        else:
            show(
                "sync",
                "backlog not applied within the deadline",
                f"{len(expected - seen.keys())} of {len(expected)}",
            )
    finally:
        worker.stop()


def _last_audit_id() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
