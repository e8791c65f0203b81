"""Loads the trust store folder (issuers.toml + PEM files) into the database."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from pki.trust import trust_load


class Command(BaseCommand):
    help = "Load trusted CA issuers from a folder with issuers.toml (default: GGZY_TRUST_DIR)."

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?", default=str(settings.GGZY_TRUST_DIR))
        parser.add_argument(
            "--disable-missing", action="store_true", help="disable issuers not in the folder"
        )

    def handle(self, *args, directory: str, disable_missing: bool, **options):
        for issuer in trust_load(Path(directory), disable_missing=disable_missing):
            self.stdout.write(
                f"{issuer.slug}: {issuer.name} ({issuer.algorithm}) code at {', '.join(issuer.code_fields)}"
            )
