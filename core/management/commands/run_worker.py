import signal
import threading
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from core import worker


class Command(BaseCommand):
    help = "Run the background jobs: deliver due outbox messages every second, and the other WORKER_JOBS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="run every job once, then exit")

    def handle(self, *args: Any, once: bool, **options: Any) -> None:
        if once:
            for job in worker.WORKER_JOBS:
                self.stdout.write(f"{job.name}: {worker.run_job(job)}")
            return
        stop = threading.Event()
        # SIGTERM (systemd, docker stop) ends the loop between jobs, never in the middle of one.
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        schedule = worker.Schedule(worker.WORKER_JOBS)
        self.stdout.write(f"worker started: {', '.join(job.name for job in worker.WORKER_JOBS)}")
        while not stop.is_set():
            for job in schedule.due(time.monotonic()):
                # The worker lives for days: drop connections the database closed or that
                # outlived CONN_MAX_AGE, as a request would.
                close_old_connections()
                worker.run_job(job)
            stop.wait(worker.TICK_SECONDS)
        self.stdout.write("worker stopped")
