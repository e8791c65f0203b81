"""What the sync engine's tests share: waiting on other threads and processes with a deadline,
the database URL a child process uses to reach the test database, and starting manage.py."""

import importlib
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from django.conf import settings
from django.db import connection

from registry import services
from tests.conftest import actor
from tests.factories import basic_record

T = TypeVar("T")
BASE_DIR = Path(settings.BASE_DIR)
POLL_SECONDS = 0.05

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="runs on PostgreSQL only (DATABASE_URL=postgres://…)",
)


@pytest.fixture
def seeded_centers() -> None:
    """The centers of the seed migration, as every deployment has them.

    A transactional test starts from whatever the previous one's flush left, and a flush empties
    the tables a data migration filled; so the tests that commit put the centers back first."""
    from centers.models import Center

    seed = importlib.import_module("centers.migrations.0002_seed_centers")
    for row in seed.CENTERS:
        Center.objects.update_or_create(code=row["code"], defaults=row)


@pytest.fixture
def queue_in_tmp(settings: Any, tmp_path: Path) -> str:
    """Deliveries that committed changes queue go to a file of this test, not the developer's var/."""
    settings.GGZY_QUEUE_URL = f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    return settings.GGZY_QUEUE_URL


def wait_for(check: Callable[[], T], *, timeout: float, what: str) -> T:
    """Poll `check` until it returns something true; fail naming `what` after `timeout` seconds.

    For waiting on another thread or process, which is the point of these tests; never a fixed sleep.
    """
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {timeout:.0f} s waiting for {what}")
        pause.wait(POLL_SECONDS)


def database_url(name: str | None = None) -> str:
    """A DATABASE_URL for a child process: the test database, or database `name` on the same server.
    On SQLite the test database is a file (tests/conftest.py), which a child process opens too."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3" and name is None and not connection.is_in_memory_db():
        return f"sqlite:///{db['NAME']}"
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise RuntimeError(
            "only a PostgreSQL test database or a SQLite file can be shared with another process"
        )
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name or db['NAME']}"


def manage(*args: str, env: dict[str, str], **kwargs: Any) -> subprocess.Popen:
    """`python manage.py <args>` in a child process with `env` added to ours."""
    return subprocess.Popen(
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        cwd=BASE_DIR,
        env={**os.environ, "LOG_LEVEL": "WARNING", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def manage_run(*args: str, env: dict[str, str], timeout: float = 120) -> str:
    """Run `python manage.py <args>` to the end; its output, or a failure showing its errors."""
    process = manage(*args, env=env)
    out, err = process.communicate(timeout=timeout)
    if process.returncode != 0:
        pytest.fail(f"manage.py {' '.join(args)} exited {process.returncode}:\n{out}\n{err}")
    return out


def change_basic(account: Any, **fields: Any) -> None:
    """「变更」 the basic information and submit it: one `changed` event."""
    record = basic_record(account)
    draft = services.record_start_change(actor=actor(account), record=record)
    version = services.record_save(
        actor=actor(account), record=record, data={**draft.data, **fields}, expected_revision=draft.revision
    )
    services.record_submit(actor=actor(account), record=record, expected_revision=version.revision)
