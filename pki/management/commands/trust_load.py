"""Loads the trust store folder (issuers.toml + PEM files) into the database."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from pki.trust import trust_load


class Command(BaseCommand):
    help = "Load trusted CA issuers from a folder with issuers.toml (default: GGZY_TRUST_DIR)."

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?", default=str(settings.GGZY_TRUST_DIR))
        parser.add_argument(
            "--disable-missing", action="store_true", help="disable issuers not in the folder"
        )

    def handle(self, *args, directory: str, disable_missing: bool, **options):
        try:
            loaded = trust_load(Path(directory), disable_missing=disable_missing)
        except DomainError as error:  # nothing was loaded; say which CA and why
            raise CommandError(error.message) from None
        for issuer in loaded:
            under = f" under {issuer.parent.slug}" if issuer.parent else ""
            self.stdout.write(
                f"{issuer.slug}: {issuer.name} ({issuer.algorithm}){under}"
                f" code at {', '.join(issuer.code_fields)}"
            )
