"""Issue 5, done when: "a center deployed apart (a second process with its own database) catches up
from the HTTP feed".

The registry is this test's database behind a live server. The center is `manage.py center_follow
--once` in a child process with a database of its own (a scratch PostgreSQL database, or a SQLite
file), migrated first. It is run again and again until it has caught up (each run reads whatever the
feed's one-second watermark lets through); its database is read directly to see what it holds."""

import signal
import sqlite3
import uuid
from collections import Counter
from contextlib import closing

import psycopg
import pytest
from django.db import connection
from psycopg import sql

from centers.follow import FEED_REFUSED, FeedError, feed_follow
from centers.models import Center, FeedCursor
from registry.models import SubjectEvent
from tests.centers.syncparts import (  # noqa: F401 (fixtures)
    change_basic,
    database_url,
    manage,
    manage_run,
    queue_in_tmp,
    seeded_centers,
    wait_for,
)
from tests.factories import make_unit, submit_basic

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_centers", "queue_in_tmp"),
]

TOKEN = "separate-center-token"


class CenterApart:
    """The separately deployed center: its environment, and SQL reads of its database."""

    def __init__(self, env, *, feed_url, pg_name=None, sqlite_path=None):
        self.env, self.feed_url, self.pg_name, self.sqlite_path = env, feed_url, pg_name, sqlite_path

    def follow_once(self):
        return manage_run(
            "center_follow", "--feed", self.feed_url, "--center", "changde", "--once", env=self.env
        )

    def query(self, statement, params=()):
        if self.sqlite_path:
            with closing(sqlite3.connect(self.sqlite_path)) as db:
                return db.execute(statement.replace("%s", "?"), params).fetchall()
        with psycopg.connect(database_url(self.pg_name)) as db:
            return db.execute(statement, params).fetchall()

    def holdings(self):
        """code → seq applied, for the subjects the center keeps at 常德."""
        rows = self.query(
            "SELECT s.code, cs.registry_seq FROM centers_centersubject cs "
            "JOIN registry_subject s ON s.id = cs.subject_id JOIN centers_center c ON c.id = cs.center_id "
            "WHERE c.code = 'changde'"
        )
        return dict(rows)

    def applied(self):
        """(code, seq) of every event applied, one per audit row, in order."""
        rows = self.query(
            "SELECT s.code, a.data FROM core_auditentry a JOIN registry_subject s ON s.id = a.subject_id "
            "WHERE a.action = 'centers.subject_synced' ORDER BY a.id"
        )
        return [(code, _json(data)["seq"]) for code, data in rows]

    def cursor(self):
        rows = self.query("SELECT position FROM centers_feedcursor WHERE feed_url = %s", (self.feed_url,))
        return rows[0][0] if rows else 0

    def catch_up(self, expected, what):
        """Run the follower until the center holds `expected` (code → newest seq)."""

        def caught_up():
            self.follow_once()
            return self.holdings() == expected

        wait_for(caught_up, timeout=90, what=what)


def _json(value):
    import json

    return value if isinstance(value, dict) else json.loads(value)


@pytest.fixture
def center_apart(live_server, settings, tmp_path):
    settings.GGZY_FEED_TOKEN = TOKEN
    feed_url = f"{live_server.url}/registry/feed/subjects/"
    env = {"GGZY_FEED_TOKEN": TOKEN, "GGZY_VAR_DIR": str(tmp_path / "center-var")}
    if connection.vendor == "postgresql":
        name = f"ggzy_center_apart_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        apart = CenterApart({**env, "DATABASE_URL": database_url(name)}, feed_url=feed_url, pg_name=name)
    else:
        path = tmp_path / "center.sqlite3"
        apart = CenterApart(
            {**env, "DATABASE_URL": f"sqlite:///{path}"}, feed_url=feed_url, sqlite_path=str(path)
        )
    try:
        manage_run("migrate", "--noinput", env=apart.env)
        yield apart
    finally:
        if apart.pg_name:
            with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
                admin.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(apart.pg_name))
                )


def newest(units):
    return {u.subject.code: SubjectEvent.objects.filter(subject=u.subject).count() for u in units}


def test_a_center_apart_catches_up_from_the_feed_and_resumes_from_its_cursor(center_apart):
    units = [make_unit(name=f"异地中心测试{n}有限公司") for n in range(5)]
    valid, invalid = units[:3], units[3:]
    for unit in valid:
        submit_basic(unit, roles=["bidder", "agency"])
    change_basic(valid[0], contact_name="第一次变更")

    # 1. From nothing: the valid subjects arrive with their newest data; the invalid ones do not.
    center_apart.catch_up(newest(valid), "the first catch-up")
    mirrored = center_apart.query(
        "SELECT s.code, s.name, s.status, a.username, a.password FROM registry_subject s "
        "JOIN registry_account a ON a.subject_id = s.id ORDER BY s.code"
    )
    assert [(code, name, status) for code, name, status, _, _ in mirrored] == sorted(
        (u.subject.code, u.subject.name, "valid") for u in valid
    )
    assert all(username == code and password.startswith("!") for code, _, _, username, password in mirrored)
    types = center_apart.query(
        "SELECT t.type FROM centers_centersubjecttype t JOIN centers_centersubject cs ON cs.id = t.center_subject_id"
    )
    assert Counter(t for (t,) in types) == {"bidder": 3, "agency": 3}
    # certificate_login finds a subject by the certificate's code: the mirror is found here.
    code = valid[1].subject.code
    found = manage_run(
        "shell",
        "--no-imports",
        "-c",
        f"from registry.selectors import subject_for_code; print(subject_for_code('{code}').name)",
        env=center_apart.env,
    )
    assert found.strip() == valid[1].subject.name

    # 2. More changes while it runs: caught up again.
    change_basic(valid[1], contact_name="第二次变更")
    submit_basic(invalid[0])
    center_apart.catch_up(newest([*valid, invalid[0]]), "the second catch-up")

    # 3. Stopped (not run) while the registry changes a lot: it resumes from its cursor.
    before = center_apart.cursor()
    applied_before = len(center_apart.applied())
    for round_ in range(4):
        for unit in [*valid, invalid[0]]:
            change_basic(unit, contact_name=f"停机第{round_}轮")
    submit_basic(invalid[1])
    center_apart.catch_up(newest(units), "the catch-up after the stop")
    assert center_apart.cursor() > before
    applied = center_apart.applied()
    assert len(applied) - applied_before == 4 * 4 + 1  # only what came after the cursor
    # Every event of a valid subject applied once, in order.
    per_subject = {}
    for code, seq in applied:
        per_subject.setdefault(code, []).append(seq)
    for unit in units:
        seqs = per_subject[unit.subject.code]
        assert (
            seqs == sorted(set(seqs))
            and seqs[-1] == SubjectEvent.objects.filter(subject=unit.subject).count()
        )
    data = center_apart.query(
        "SELECT cs.registry_data FROM centers_centersubject cs JOIN registry_subject s ON s.id = cs.subject_id "
        "WHERE s.code = %s",
        (valid[2].subject.code,),
    )
    assert _json(data[0][0])["basic"]["contact_name"] == "停机第3轮"


def test_the_centers_worker_follows_the_feed_when_told_to(center_apart):
    """Deployed apart, `run_worker` reads the feed every second (GGZY_FOLLOW_FEED_URL), no
    center_follow needed; SIGTERM stops it between reads."""
    unit = make_unit(name="工作进程跟随测试有限公司")
    submit_basic(unit)
    env = {**center_apart.env, "GGZY_FOLLOW_FEED_URL": center_apart.feed_url, "GGZY_FOLLOW_CENTER": "changde"}
    worker = manage("run_worker", env=env)
    try:
        assert "follow" in worker.stdout.readline()
        wait_for(
            lambda: center_apart.holdings() == {unit.subject.code: 2}, timeout=60, what="the first submit"
        )
        change_basic(unit, contact_name="工作进程期间变更")
        wait_for(lambda: center_apart.holdings() == {unit.subject.code: 3}, timeout=60, what="the change")
    finally:
        worker.send_signal(signal.SIGTERM)
        _, err = worker.communicate(timeout=30)
    assert worker.returncode == 0, err


@pytest.mark.parametrize("problem", ["wrong token", "nobody listening"])
def test_a_feed_it_cannot_read_is_reported_and_the_cursor_stays(live_server, settings, problem):
    settings.GGZY_FEED_TOKEN = TOKEN
    make_unit(name="读取失败测试有限公司")
    if problem == "wrong token":
        feed_url, token, message = (
            f"{live_server.url}/registry/feed/subjects/",
            "wrong",
            FEED_REFUSED.format(status=401),
        )
    else:
        feed_url, token, message = (
            "http://127.0.0.1:9/registry/feed/subjects/",
            TOKEN,
            "无法读取统一注册平台的变更数据",
        )
    with pytest.raises(FeedError) as error:
        feed_follow(feed_url=feed_url, center=Center.objects.get(code="changde"), token=token)
    assert error.value.message.startswith(message)
    cursor = FeedCursor.objects.get(feed_url=feed_url)
    assert cursor.position == 0 and cursor.last_error == error.value.message
