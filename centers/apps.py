from datetime import timedelta

from django.apps import AppConfig
from django.conf import settings


class CentersConfig(AppConfig):
    name = "centers"
    verbose_name = "交易中心"

    def ready(self) -> None:
        # The review queue calls back into the centers for the decisions it takes on their items.
        from centers import review_handlers  # noqa: F401
        from centers.follow import follow_configured
        from centers.sync import sync_request, sync_sweep
        from centers.tasks import TASKS
        from core.queue import queue_task_add
        from core.worker import WORKER_JOBS, Job
        from registry.events import event_listener_add

        # Each subject event the registry records marks, in its transaction, what every center fed
        # by the registry wants, and queues the deliveries once it commits.
        event_listener_add(sync_request)
        # Deliveries to the centers go through the queue at once; the sweep finds what a killed
        # worker or a lost message left, retries after failures, and resumes a stopped center.
        for task in TASKS:
            queue_task_add(task)
        WORKER_JOBS.append(Job("sync_sweep", sync_sweep, every=timedelta(seconds=5)))
        if settings.GGZY_FOLLOW_FEED_URL:
            # A center deployed apart reads the registry's change feed (centers/follow.py).
            WORKER_JOBS.append(Job("follow", follow_configured, every=timedelta(seconds=1)))
