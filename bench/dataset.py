"""Many registered subjects, loaded fast with bulk_create.

Each subject looks as the services leave a unit whose basic information was submitted after a
password login: a 有效 subject with its account, and a basic record whose current version 1 is
submitted. Audit rows and attachments are left out: neither page measured here reads them.
"""

from datetime import datetime, timedelta

from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from registry.identifiers import org_code_check_char, uscc_check_char
from registry.models import (
    Account,
    BiddingScope,
    CodeType,
    Record,
    RecordKind,
    RecordStatus,
    RecordVersion,
    Subject,
    SubjectKind,
    SubjectStatus,
    VersionState,
)
from registry.samples import UNIT_BASIC_TEXT

CHUNK = 5_000  # subjects per transaction: keeps memory flat and each commit short
MODELS = (Subject, Account, Record, RecordVersion)


def unit_code(serial: int) -> str:
    """A valid USCC, unique per serial, inner organisation check digit right (no warnings)."""
    body = f"{serial:08d}"
    first17 = "91430405" + body + org_code_check_char(body)
    return first17 + uscc_check_char(first17)


def unit_name(serial: int) -> str:
    return f"衡阳第{serial}建设工程有限公司"


def load_subjects(*, count: int, password_hash: str) -> None:
    """Subjects 1..count with primary keys equal to their serial, so the rows of one subject
    can point at each other without reading ids back."""
    for model in MODELS:
        if model.objects.exists():
            raise SystemExit(f"The bench database already holds {model._meta.verbose_name} rows.")
    start = timezone.now() - timedelta(minutes=count)
    for first in range(1, count + 1, CHUNK):
        serials = range(first, min(first + CHUNK, count + 1))
        # Record.current and RecordVersion.record point at each other; both backends check
        # foreign keys at commit, so the order inside the transaction does not matter.
        with transaction.atomic():
            Subject.objects.bulk_create(_subject(s, start) for s in serials)
            Account.objects.bulk_create(_account(s, start, password_hash) for s in serials)
            Record.objects.bulk_create(_record(s, start) for s in serials)
            RecordVersion.objects.bulk_create(_version(s, start) for s in serials)
    _reset_sequences()


def _subject(serial: int, start: datetime) -> Subject:
    return Subject(
        id=serial,
        kind=SubjectKind.UNIT,
        code_type=CodeType.USCC,
        code=unit_code(serial),
        name=unit_name(serial),
        status=SubjectStatus.VALID,
        bidding_scope=BiddingScope.PAPER,
        created_at=start + timedelta(minutes=serial),
    )


def _account(serial: int, start: datetime, password_hash: str) -> Account:
    return Account(
        id=serial,
        username=unit_code(serial),
        subject_id=serial,
        display_name=unit_name(serial),
        email="contact@example.com",
        password=password_hash,
        date_joined=start + timedelta(minutes=serial),
    )


def _record(serial: int, start: datetime) -> Record:
    return Record(
        id=serial,
        subject_id=serial,
        kind=RecordKind.BASIC,
        status=RecordStatus.SUBMITTED,
        title=unit_name(serial),
        current_id=serial,
        created_at=start + timedelta(minutes=serial),
    )


def _version(serial: int, start: datetime) -> RecordVersion:
    at = start + timedelta(minutes=serial)
    name = unit_name(serial)
    return RecordVersion(
        id=serial,
        record_id=serial,
        number=1,
        state=VersionState.SUBMITTED,
        data={"name": name, **UNIT_BASIC_TEXT, "bank_account_name": name},
        revision=1,
        created_at=at,
        created_by_id=serial,
        saved_at=at,
        saved_by_id=serial,
        submitted_at=at,
        submitted_by_id=serial,
        submitted_auth="password",
    )


def _reset_sequences() -> None:
    # Rows inserted with explicit ids leave PostgreSQL's sequences at 1; the services' inserts
    # that follow would collide. SQLite's AUTOINCREMENT follows the largest id by itself.
    statements = connection.ops.sequence_reset_sql(no_style(), list(MODELS))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
