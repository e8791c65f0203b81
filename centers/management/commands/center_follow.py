import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from centers.follow import FeedError, feed_follow
from centers.models import Center

POLL_SECONDS = 1.0


class Command(BaseCommand):
    help = (
        "A center deployed apart: follow the registry's change feed of subjects and apply it to this "
        "database as the given center (token from GGZY_FEED_TOKEN)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--feed", required=True, help="the feed's URL, e.g. https://registry/registry/feed/subjects/"
        )
        parser.add_argument("--center", required=True, help="this center's code, e.g. changde")
        parser.add_argument("--once", action="store_true", help="catch up once, then exit")

    def handle(self, *args: Any, feed: str, center: str, once: bool, **options: Any) -> None:
        target = Center.objects.filter(code=center).first()
        if target is None:
            raise CommandError(f"no center with code {center!r} in this database")
        token = settings.GGZY_FEED_TOKEN
        if once:
            try:
                result = feed_follow(feed_url=feed, center=target, token=token, max_pages=10_000)
            except FeedError as error:
                raise CommandError(error.message) from error
            self.stdout.write(f"applied {result.applied} events; cursor at {result.position}")
            return
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        self.stdout.write(f"following {feed} as {target.name}")
        while not stop.is_set():
            close_old_connections()
            try:
                result = feed_follow(feed_url=feed, center=target, token=token)
            except FeedError as error:
                self.stderr.write(error.message)
            else:
                if result.applied:
                    self.stdout.write(f"applied {result.applied} events; cursor at {result.position}")
                if not result.caught_up:
                    continue  # more pages wait: read them now
            stop.wait(POLL_SECONDS)
        self.stdout.write("stopped")
