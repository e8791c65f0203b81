"""`python -m bench [--subjects N] [--runs N] [--announcements N]`: fill a throwaway database, print the figures.

Environment is set before django.setup(), because config/settings.py reads it at import:
the database, a temporary var/ and media directory, DEBUG off as in production, and the test
client's host allowed.
"""

import argparse
import os
import shutil
import tempfile
import time
import warnings
from pathlib import Path

from bench import database


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--subjects", type=int, default=100_000, help="subjects in the database")
    parser.add_argument("--runs", type=int, default=30, help="timed repetitions of each figure")
    parser.add_argument(
        "--announcements",
        type=int,
        default=1_000_000,
        help="published announcements for the portal search (PostgreSQL only)",
    )
    return parser.parse_args()


def configure(db_url: str, workdir: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DATABASE_URL"] = db_url
    os.environ["GGZY_VAR_DIR"] = str(workdir)
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["DEBUG"] = "0"
    # Production ends TLS at a reverse proxy; the bench talks plain HTTP to the site, so the redirect
    # to HTTPS is off and cookies are not Secure (its HTTP client would not send them back over
    # HTTP); CSP and the rest stay as deployed.
    os.environ["GGZY_SSL_REDIRECT"] = "0"
    os.environ["SECURE_COOKIES"] = "0"
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"


def measure(*, subjects: int, runs: int, announcements_count: int) -> None:
    """Everything after django.setup(): the imports below need the app registry."""
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection

    from bench import (
        announcements,
        certificates,
        dataset,
        portal,
        projects,
        register,
        seals,
        staff_search,
        sync,
        venues,
    )
    from bench.figures import show

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    show("setup", "migrate", f"{time.perf_counter() - started:.1f} s")

    # One real hash shared by every bulk account: hashing 100,000 passwords would take hours.
    password_hash = make_password(register.PASSWORD)
    started = time.perf_counter()
    dataset.load_subjects(count=subjects, password_hash=password_hash)
    if connection.vendor == "postgresql":
        # A live database has planner statistics (autovacuum keeps them); a bulk load has none.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    show("setup", f"bulk load {subjects} subjects", f"{time.perf_counter() - started:.1f} s")

    staff_search.run(subjects=subjects, runs=runs, password_hash=password_hash)
    register.run(first_serial=subjects + 1, runs=runs)
    # register.run used serials subjects + 1 .. subjects + runs + 1.
    certificates.run(first_serial=subjects + runs + 2, runs=runs)
    # certificates.run registered the next HOLDERS units per algorithm.
    used = len(certificates.ALGORITHMS) * certificates.HOLDERS
    seals.run(first_serial=subjects + runs + 2 + used, runs=runs)
    # seals.run registered one unit per algorithm.
    sync.run(first_serial=subjects + runs + 2 + used + len(seals.ALGORITHMS))
    center, agencies = projects.load()  # 10,000 projects at 常德, for the list and 场地使用信息
    projects.run(center=center, agency=agencies[0], runs=runs)
    venues.run(center=center, agency=agencies[0], runs=runs)
    # A serial no other figure uses: the units above end well below it.
    announcements.run(first_serial=subjects + 10 * runs + 1_000, runs=runs)
    # After announcements.run: the generated announcements borrow one it published.
    portal.run(runs=runs, announcements=announcements_count)


def main() -> None:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="ggzy-bench-"))
    db = None
    try:
        db = database.prepare(os.environ.get("BENCH_DATABASE_URL"), workdir)
        configure(db.url, workdir)
        # STATIC_ROOT exists only after collectstatic; whitenoise serves from the finders anyway.
        warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
        import django

        django.setup()
        load = os.getloadavg()[0]
        print(
            f"ggzy bench: {args.subjects} subjects, {args.runs} runs per figure, "
            f"load average {load:.1f} at start; database {db.label}"
        )
        measure(subjects=args.subjects, runs=args.runs, announcements_count=args.announcements)
    finally:
        if db is not None and db.postgres is not None:
            from django.db import connections

            connections.close_all()
            db.drop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
