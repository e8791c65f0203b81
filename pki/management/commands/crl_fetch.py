"""Fetches CRLs now (what the worker does on schedule), or loads one by hand from a file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from pki import services
from pki.models import TrustedIssuer


class Command(BaseCommand):
    help = "Fetch the CRL of every issuer (or one with --issuer); --file loads a CRL file by hand."

    def add_arguments(self, parser):
        parser.add_argument("--issuer", help="issuer slug")
        parser.add_argument("--file", help="a CRL file (DER or PEM) to install for --issuer")

    def handle(self, *args, issuer: str | None, file: str | None, **options):
        issuers = TrustedIssuer.objects.filter(enabled=True)
        if issuer:
            issuers = issuers.filter(slug=issuer)
        if file:
            if not issuer or not issuers:
                raise CommandError("--file needs --issuer naming a trusted issuer")
            try:
                result = services.crl_install(issuer=issuers[0], data=Path(file).read_bytes(), source=file)
            except DomainError as error:
                raise CommandError(error.message) from error
            self.stdout.write(f"{issuer}: {len(result.revoked)} revoked, next update {result.next_update}")
            return
        for one in issuers.exclude(crl_url=""):
            fetched = services.crl_fetch(issuer=one)
            if fetched is None:
                one.refresh_from_db()
                self.stderr.write(f"{one.slug}: failed: {one.crl_error}")
            else:
                self.stdout.write(
                    f"{one.slug}: {len(fetched.revoked)} revoked, next update {fetched.next_update}"
                )
