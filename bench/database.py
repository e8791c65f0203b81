"""The throwaway database a run fills and removes, so the developer's own data is never touched.

By default a fresh SQLite file in the run's temporary directory; with BENCH_DATABASE_URL a
PostgreSQL database of that name, created when missing and dropped at the end. This module runs
before django.setup(), so it talks to PostgreSQL with psycopg directly.
"""

from dataclasses import dataclass
from pathlib import Path

import dj_database_url
import psycopg
from psycopg import sql


@dataclass(frozen=True)
class BenchDatabase:
    url: str  # what DATABASE_URL becomes for this run
    label: str  # which database was used, for the header line
    postgres: dict[str, str] | None = None  # connection details when it is PostgreSQL

    def drop(self) -> None:
        """Remove the database; the SQLite file goes with the temporary directory."""
        if self.postgres is not None:
            with _maintenance_connection(self.postgres) as conn:
                # FORCE: a connection left open by a crashed run must not keep the data around.
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(self.postgres["NAME"])
                    )
                )


def prepare(bench_url: str | None, workdir: Path) -> BenchDatabase:
    if not bench_url:
        path = workdir / "bench.sqlite3"
        return BenchDatabase(url=f"sqlite:///{path}", label=f"SQLite {path} (temporary)")
    config = dj_database_url.parse(bench_url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise SystemExit("BENCH_DATABASE_URL must name a PostgreSQL database (postgres://…).")
    details = {key: str(config.get(key) or "") for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT")}
    created = _create_if_missing(details)
    where = f"{details['HOST'] or 'localhost'}:{details['PORT'] or 5432}"
    state = "created" if created else "existing"
    return BenchDatabase(
        url=bench_url,
        label=f"PostgreSQL {details['NAME']} at {where} ({state}, dropped at the end)",
        postgres=details,
    )


def _maintenance_connection(details: dict[str, str]) -> psycopg.Connection:
    # CREATE/DROP DATABASE cannot run inside a transaction, nor from the database itself.
    return psycopg.connect(
        dbname="postgres",
        user=details["USER"] or None,
        password=details["PASSWORD"] or None,
        host=details["HOST"] or None,
        port=details["PORT"] or None,
        autocommit=True,
    )


def _create_if_missing(details: dict[str, str]) -> bool:
    with _maintenance_connection(details) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [details["NAME"]]).fetchone()
        if exists:
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(details["NAME"])))
        return True
