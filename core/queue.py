"""The worker's queue: Huey (coleifer/huey), on the store the settings name.

GGZY_QUEUE_URL empty puts the queue in a SQLite file under var/ (queue.sqlite3): nothing to install
or run, which is what `make run` uses. `sqlite:///path` names another file; `redis://…` uses Redis,
as production does. GGZY_QUEUE_NAME keeps deployments (and tests) sharing one Redis apart.

The queue knows no app: each app registers the functions it runs on the queue, once at start-up
(its AppConfig.ready), as centers/apps.py registers its deliveries to the centers; its periodic
jobs go to core/worker.WORKER_JOBS the same way.

The queue only says "look at this now"; the database holds what must happen (e.g. centers.SyncState).
Huey takes a message off the queue before running it, so a worker killed mid-task loses that
message: the app's own periodic job (e.g. centers/sync.sync_sweep) finds the work it left and
queues it again.

The instance is built on first use from the settings of that moment (not at import, which would
create the SQLite file whenever Django starts), and built again if they change.
"""

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import close_old_connections, connections
from huey import Huey, RedisHuey, SqliteHuey
from huey.api import TaskWrapper
from huey.consumer import Consumer

# An idle SQLite-backed worker polls the file: from every 50 ms after a task, backing off to at most
# MAX_POLL_DELAY, so a change waits at most that long to be picked up. Redis blocks on the list
# instead and wakes at once.
FIRST_POLL_DELAY = 0.05
MAX_POLL_DELAY = 0.2
WORKER_THREADS = 2

_lock = threading.Lock()
# The functions apps run on the queue, by name: the name travels in the message, so it is what a
# worker finds the function by (and must stay stable across a deploy with messages waiting).
_tasks: dict[str, Callable[..., Any]] = {}
# The instance of the settings last asked with (tests change them; a process otherwise never does).
_current_queue: dict[tuple[str, str, str], tuple[Huey, dict[str, TaskWrapper]]] = {}


def queue_task_add(task: Callable[..., Any]) -> None:
    """Let the queue run `task`, under its function name; called from an app's AppConfig.ready."""
    with _lock:
        known = _tasks.setdefault(task.__name__, task)
        if known is not task:
            raise ValueError(f"another queue task is already named {task.__name__!r}: {known!r}")
        for huey, wrappers in _current_queue.values():
            # Registered after the queue was built (a test, or a late app): wire it in too.
            if task.__name__ not in wrappers:
                wrappers[task.__name__] = huey.task(name=task.__name__)(task)


def huey_queue() -> Huey:
    """The Huey instance of the current settings, with every registered task on it."""
    return _current()[0]


def enqueue(name: str, *args: Any) -> None:
    """Put a call of the task registered as `name` (queue_task_add) on the queue.

    By name, so the app queueing its own task need not import the module that defines it (the
    centers' sync engine queues the delivery its tasks module defines on top of it).
    """
    wrappers = _current()[1]
    if name not in wrappers:
        raise ValueError(f"{name} is not a registered queue task (see core/queue.queue_task_add)")
    wrappers[name](*args)


def consumer(*, huey: Huey | None = None, workers: int = WORKER_THREADS) -> Consumer:
    """Huey's consumer with worker threads, for run_worker (not started)."""
    huey = huey or huey_queue()
    return huey.create_consumer(
        workers=workers,
        worker_type="thread",
        initial_delay=FIRST_POLL_DELAY,
        backoff=1.5,
        max_delay=MAX_POLL_DELAY,
        # No periodic tasks: the 1-second jobs run in run_worker's own loop (core/worker.py).
        periodic=False,
        check_worker_health=True,
    )


def huey_build(*, url: str, name: str, var_dir: Path | str) -> Huey:
    """A Huey on `url` (see the module docstring) with the tasks registered; used by tests too."""
    huey: Huey
    if not url or url.startswith("sqlite:"):
        path = url.removeprefix("sqlite://") if url else str(Path(var_dir) / "queue.sqlite3")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        # results=False: nothing reads a task's return value, so nothing is stored for it.
        huey = SqliteHuey(name, filename=path, results=False)
    elif url.startswith(("redis://", "rediss://", "unix://")):
        huey = RedisHuey(name, url=url, results=False)
    else:
        raise ImproperlyConfigured(f"GGZY_QUEUE_URL must be empty, sqlite:///path or redis://…, not {url!r}")
    _wire(huey)
    return huey


def task_wrappers(huey: Huey) -> dict[str, TaskWrapper]:
    """Register every task the apps added (queue_task_add) on `huey`, by function name."""
    return {name: huey.task(name=name)(task) for name, task in _tasks.items()}


def _current() -> tuple[Huey, dict[str, TaskWrapper]]:
    key = (settings.GGZY_QUEUE_URL, settings.GGZY_QUEUE_NAME, str(settings.VAR_DIR))
    with _lock:
        if key not in _current_queue:
            huey = huey_build(url=key[0], name=key[1], var_dir=key[2])
            _current_queue.clear()
            _current_queue[key] = (huey, task_wrappers(huey))
        return _current_queue[key]


def _wire(huey: Huey) -> None:
    """Database connections of the worker threads, handled as a request would handle them."""

    @huey.pre_execute()
    def _fresh_connection(task: Any) -> None:
        # A worker lives for days: drop a connection the database closed or that outlived
        # CONN_MAX_AGE before using it.
        close_old_connections()

    @huey.post_execute()
    def _tidy_connection(task: Any, task_value: Any, exc: BaseException | None) -> None:
        close_old_connections()

    @huey.on_shutdown()
    def _close_connections() -> None:
        # Each worker thread has its own connections; close them as the thread ends.
        connections.close_all()
