"""Issue #2 (a): register one unit and submit its complete basic information.

The same calls tests/factories.submit_basic makes: services.subject_register, then two scans
stored, record_save and record_submit. Registration hashes the password with the configured
hasher (settings.PASSWORD_HASHERS[0]), because that is what every user waits for; the hash alone
is timed beside it.
"""

import time
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.dataset import unit_code, unit_name
from bench.figures import show, spread, time_ms
from core.audit import Actor
from registry import samples, services
from registry.attachments import attachment_store
from registry.models import Account, AuthMethod, Record, RecordKind
from registry.samples import pdf_bytes, png_bytes

PASSWORD = "Bench2026pass"
LIMIT = "200 ms"


class Applicant:
    """One unit about to register, with scans of its own: attachments are content-addressed,
    so identical bytes every run would skip the file write a real upload pays for."""

    def __init__(self, serial: int) -> None:
        self.code = unit_code(serial)
        self.name = unit_name(serial)
        self.licence = pdf_bytes(f"licence {self.code}")
        self.id_scan = png_bytes(self.code)

    def register(self) -> Account:
        return services.subject_register(
            kind="unit", code=self.code, name=self.name, password=PASSWORD, email="unit@example.com"
        )

    def submit_basic(self, account: Account) -> None:
        actor = Actor(user=account, auth_method=AuthMethod.PASSWORD)
        record = Record.objects.select_related("draft").get(subject=account.subject, kind=RecordKind.BASIC)
        data = self.basic_data(
            licence=self.store(actor, account, "licence.pdf", self.licence),
            id_scan=self.store(actor, account, "id.png", self.id_scan),
        )
        assert record.draft is not None
        version = services.record_save(
            actor=actor, record=record, data=data, expected_revision=record.draft.revision
        )
        services.record_submit(actor=actor, record=record, expected_revision=version.revision)

    def store(self, actor: Actor, account: Account, name: str, content: bytes) -> dict[str, Any]:
        attachment = attachment_store(
            actor=actor, subject=account.subject, upload=SimpleUploadedFile(name, content)
        )
        return attachment.reference()

    def basic_data(self, *, licence: dict[str, Any], id_scan: dict[str, Any]) -> dict[str, Any]:
        """Everything 「提交」 requires of a unit, as tests/factories.unit_basic_data fills it."""
        return samples.unit_basic(name=self.name, licence=licence, id_scan=id_scan)


def run(*, first_serial: int, runs: int) -> None:
    """Time `runs` registrations of new units, after one untimed run that counts queries and
    warms what a long-running server has warm (the password validators' word list)."""
    applicants = [Applicant(first_serial + i) for i in range(runs + 1)]
    warm = applicants.pop(0)
    with CaptureQueriesContext(connection) as queries:
        warm.submit_basic(warm.register())
    query_count = len(queries)

    register_ms: list[float] = []
    submit_ms: list[float] = []
    for applicant in applicants:
        start = time.perf_counter()
        account = applicant.register()
        registered = time.perf_counter()
        applicant.submit_basic(account)
        done = time.perf_counter()
        register_ms.append((registered - start) * 1000)
        submit_ms.append((done - registered) * 1000)
    total_ms = [r + s for r, s in zip(register_ms, submit_ms, strict=True)]
    hash_ms = [time_ms(lambda: make_password(PASSWORD)) for _ in range(min(runs, 10))]

    show("registry", "register+submit", spread(total_ms), LIMIT)
    show("registry", "register", spread(register_ms))
    show("registry", "save+submit with 2 scans", spread(submit_ms))
    show("registry", "password hash", spread(hash_ms))
    show("registry", "register+submit queries", f"{query_count} queries")
