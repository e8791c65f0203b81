import signal
import threading
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connections

from core import queue, worker


class Command(BaseCommand):
    help = (
        "Run the background worker: the queue's consumer threads (the tasks apps add, e.g. deliveries "
        "to the centers) and, every second, the WORKER_JOBS (outbox, CRLs, the sync sweep …). "
        "Stops cleanly on SIGTERM/SIGINT."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="run every job once, then exit")
        parser.add_argument(
            "--threads", type=int, default=queue.WORKER_THREADS, help="queue consumer threads"
        )

    def handle(self, *args: Any, once: bool, threads: int, **options: Any) -> None:
        if once:
            for job in worker.WORKER_JOBS:
                self.stdout.write(f"{job.name}: {worker.run_job(job)}")
            return
        huey = queue.huey_queue()
        consumer = queue.consumer(huey=huey, workers=threads)
        # start() runs the consumer's threads and sets its own signal handlers; ours replace them
        # so one signal stops both the consumer and the jobs.
        consumer.start()
        stop = threading.Event()
        # SIGTERM (systemd, docker stop) ends the loop between jobs, never in the middle of one;
        # the consumer's threads finish the task in hand.
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        schedule = worker.Schedule(worker.WORKER_JOBS)
        jobs = ", ".join(job.name for job in worker.WORKER_JOBS)
        self.stdout.write(
            f"worker started: {jobs}; queue {huey.name} ({type(huey.storage).__name__}), {threads} threads"
        )
        self.stdout.flush()
        next_health_check = time.monotonic() + worker.HEALTH_CHECK_SECONDS
        try:
            while not stop.is_set():
                now = time.monotonic()
                for job in schedule.due(now):
                    # The worker lives for days: drop connections the database closed or that
                    # outlived CONN_MAX_AGE, as a request would.
                    close_old_connections()
                    worker.run_job(job)
                if now >= next_health_check:
                    consumer.check_worker_health()
                    next_health_check = now + worker.HEALTH_CHECK_SECONDS
                stop.wait(worker.TICK_SECONDS)
        finally:
            consumer.stop(graceful=True)
            connections.close_all()
        self.stdout.write("worker stopped")
