"""The demo TSA (时间戳服务): a root CA and a time-stamping certificate in settings.GGZY_TSA_DIR.

Idempotent: existing files are kept unless --force is given.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from democa.tsa import make_demo_tsa
from signing import tsa


class Command(BaseCommand):
    help = "Create the demo time-stamping authority's root CA, certificate and key."

    def add_arguments(self, parser):
        parser.add_argument("--algorithm", choices=tsa.ALGORITHMS, default="rsa", help="TSA key type")
        parser.add_argument("--force", action="store_true", help="replace an existing TSA")

    def handle(self, *args, algorithm: str, force: bool, **options):
        directory = Path(settings.GGZY_TSA_DIR)
        existed = all((directory / name).exists() for name in tsa.TSA_FILES)
        make_demo_tsa(directory, algorithm=algorithm, force=force)
        state = "kept the existing TSA" if existed and not force else f"created a {algorithm} TSA"
        self.stdout.write(
            f"Demo TSA: {state} in {directory} "
            f"({tsa.ROOT_FILE}: trust root for time-stamps; {tsa.CERT_FILE}, {tsa.KEY_FILE}: the TSA)"
        )
