"""Reads of the registry. Every read of a subject's own data checks access in the same step:
missing and forbidden answer alike (NotFound)."""

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from core.errors import NotFound
from registry.kinds import form_for
from registry.models import Account, Attachment, Record, RecordKind, RecordVersion, Subject, VersionState


def _subject_of(account: Any) -> Subject:
    subject = getattr(account, "subject", None) if getattr(account, "is_authenticated", False) else None
    if subject is None:
        raise NotFound()
    return subject


def record_get_for(*, account: Account, pk: int) -> Record:
    subject = _subject_of(account)
    record = (
        Record.objects.select_related("subject", "current", "draft").filter(subject=subject, pk=pk).first()
    )
    if record is None:
        raise NotFound()
    return record


def basic_record_for(*, account: Account) -> Record:
    subject = _subject_of(account)
    record = (
        Record.objects.select_related("subject", "current", "draft")
        .filter(subject=subject, kind=RecordKind.BASIC)
        .first()
    )
    if record is None:
        raise NotFound()
    return record


def records_for(*, account: Account, kind: str) -> QuerySet[Record]:
    subject = _subject_of(account)
    return (
        Record.objects.filter(subject=subject, kind=kind)
        .select_related("current", "draft")
        .order_by("-created_at", "-id")
    )


def version_get_for(*, account: Account, pk: int) -> RecordVersion:
    subject = _subject_of(account)
    version = (
        RecordVersion.objects.select_related("record", "record__subject", "submitted_by")
        .filter(record__subject=subject, pk=pk)
        .first()
    )
    if version is None:
        raise NotFound()
    return version


def attachment_get_for(*, account: Account, pk: int) -> Attachment:
    """A file of the account's own subject (a practitioner acting for the unit logs in as the
    unit's account, so the unit's files are theirs too); anybody else's looks missing.

    Staff are not let in here, whatever model permission they hold: a center's staff open a file
    through the back-office (centers.staff_selectors.attachment_for), which serves only files their
    center's data refers to, and a platform administrator reaches every center's files there
    too. A model permission says nothing about which center a file belongs to, so honouring one
    here let any reviewer read another center's unbind letters and practitioners' documents."""
    subject = _subject_of(account)
    attachment = Attachment.objects.filter(pk=pk, subject=subject).first()
    if attachment is None:
        raise NotFound()
    return attachment


@dataclass
class HistoryEntry:
    version: RecordVersion
    previous: RecordVersion | None
    changes: list[tuple[str, str, str]]


def history_for(*, account: Account, kind: str | None = None) -> list[HistoryEntry]:
    """变更历史总览: every submitted version, newest first, each with what it changed."""
    subject = _subject_of(account)
    versions = (
        RecordVersion.objects.filter(record__subject=subject, state=VersionState.SUBMITTED)
        .select_related("record", "submitted_by")
        .order_by("record_id", "number")
    )
    if kind:
        versions = versions.filter(record__kind=kind)
    entries: list[HistoryEntry] = []
    previous_by_record: dict[int, RecordVersion] = {}
    for version in versions:
        previous = previous_by_record.get(version.record_id)
        form_class = form_for(subject.kind, version.record.kind)
        changes = (
            form_class.difference(previous.data if previous else None, version.data) if form_class else []
        )
        entries.append(HistoryEntry(version=version, previous=previous, changes=changes))
        previous_by_record[version.record_id] = version
    entries.sort(key=lambda e: (e.version.submitted_at, e.version.pk), reverse=True)
    return entries


def history_entry_for(*, account: Account, pk: int) -> HistoryEntry:
    version = version_get_for(account=account, pk=pk)
    previous = (
        RecordVersion.objects.filter(
            record=version.record, state=VersionState.SUBMITTED, number__lt=version.number
        )
        .order_by("-number")
        .first()
    )
    form_class = form_for(version.record.subject.kind, version.record.kind)
    changes = form_class.difference(previous.data if previous else None, version.data) if form_class else []
    return HistoryEntry(version=version, previous=previous, changes=changes)


def subject_profile_in_force(*, subject: Subject) -> dict[str, Any]:
    """What every reader other than the owner sees: the basic information last submitted."""
    record = Record.objects.filter(subject=subject, kind=RecordKind.BASIC).select_related("current").first()
    return dict(record.current.data) if record and record.current else {}


def subject_for_code(code: str) -> Subject | None:
    """The subject registered under a code (USCC or ID number), for a certificate that carries it."""
    return Subject.objects.select_related("account").filter(code=code).first()
