"""The background worker's jobs (`manage.py run_worker`).

The worker is one process: Huey's consumer threads run what the queue holds (core/queue.py, e.g.
a subject's delivery to a center), and the main thread ticks once a second through these jobs.
Each job is a function without arguments run every `every`. Core's own jobs are listed here; an
app appends its jobs to WORKER_JOBS from its AppConfig.ready (as pki and centers do), so core
never names an app.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from core.outbox import outbox_deliver_due

logger = logging.getLogger(__name__)

TICK_SECONDS = 1.0
# Huey restarts a worker thread that died; this is how often run_worker asks it to look.
HEALTH_CHECK_SECONDS = 10.0


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], object]
    every: timedelta = timedelta(seconds=1)


WORKER_JOBS: list[Job] = [
    Job("outbox", outbox_deliver_due, every=timedelta(seconds=1)),
]


def run_job(job: Job) -> object:
    """Run one job; a failing job is logged and never stops the others."""
    try:
        return job.run()
    except Exception:
        logger.exception("worker job %s failed", job.name)
        return None


class Schedule:
    """When each job is next due, on the monotonic clock (immune to clock changes)."""

    def __init__(self, jobs: list[Job]) -> None:
        self.jobs = jobs
        self.next_run = {job.name: 0.0 for job in jobs}

    def due(self, now: float) -> list[Job]:
        jobs = [job for job in self.jobs if self.next_run[job.name] <= now]
        for job in jobs:
            self.next_run[job.name] = now + job.every.total_seconds()
        return jobs
