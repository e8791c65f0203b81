"""Writes of the registry. Each is one transaction with its audit row."""

from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import Actor, audit_log
from core.errors import ConflictError, DomainError, IncompleteError, StateError
from registry import ca_applications, identifiers, rules
from registry.events import subject_event_record
from registry.kinds import form_for
from registry.models import (
    Account,
    AuthMethod,
    BiddingScope,
    CodeType,
    EventReason,
    Record,
    RecordKind,
    RecordStatus,
    RecordVersion,
    Subject,
    SubjectKind,
    SubjectStatus,
    VersionState,
)


def code_check(*, kind: str, code: str) -> tuple[str, identifiers.CodeCheck]:
    """The normalised code and its check, by the rule of the subject kind."""
    normalised = identifiers.normalize_code(code)
    if kind == SubjectKind.UNIT:
        return normalised, identifiers.check_uscc(normalised)
    return normalised, identifiers.check_resident_id(normalised)


def subject_register(
    *, kind: str, code: str, name: str, password: str, email: str, ip: str | None = None
) -> Account:
    """003 §2: register a unit or a natural person; the subject starts 无效 with a draft of its
    basic information holding the name, and the account logs in by name or code."""
    normalised, check = code_check(kind=kind, code=code)
    if not check.ok:
        raise DomainError(check.error, field="code")
    name = name.strip()
    if not name:
        raise DomainError(rules.NAME_REQUIRED, field="name")
    if Subject.objects.filter(code=normalised).exists():
        raise DomainError(rules.CODE_ALREADY_REGISTERED, field="code")
    account = Account(username=normalised, display_name=name, email=email.strip())
    try:
        password_validation.validate_password(password, account)
    except ValidationError as error:
        raise DomainError("".join(error.messages), field="password") from error
    account.set_password(password)

    try:
        with transaction.atomic():
            return _create_subject(kind, normalised, name, account, check, ip)
    except IntegrityError as error:
        # Two registrations of one code at the same moment: the second meets the unique index.
        raise DomainError(rules.CODE_ALREADY_REGISTERED, field="code") from error


def _typed_at_registration(kind: str, name: str, email: str) -> dict[str, Any]:
    """What registration asked that 基本信息 asks again, so the first 「提交」 is not refused for
    a mailbox the unit already gave (the unit's form calls it contact_email, a person's email)."""
    data: dict[str, Any] = {"name": name}
    if email:
        data["contact_email" if kind == SubjectKind.UNIT else "email"] = email
    return data


def _create_subject(
    kind: str, normalised: str, name: str, account: Account, check: identifiers.CodeCheck, ip: str | None
) -> Account:
    subject = Subject.objects.create(
        kind=kind,
        code_type=CodeType.USCC if kind == SubjectKind.UNIT else CodeType.RESIDENT_ID,
        code=normalised,
        name=name,
    )
    account.subject = subject
    account.save()
    actor = Actor(user=account, auth_method=AuthMethod.PASSWORD, ip=ip)
    record = Record.objects.create(subject=subject, kind=RecordKind.BASIC, title=name)
    draft = RecordVersion.objects.create(
        record=record, number=1, data=_typed_at_registration(kind, name, account.email), created_by=account
    )
    record.draft = draft
    record.save(update_fields=["draft"])
    audit_log(
        actor=actor,
        action=rules.AUDIT_SUBJECT_REGISTERED,
        target=subject,
        subject_id=subject.pk,
        data={"kind": kind, "code": normalised, "name": name, "warnings": list(check.warnings)},
    )
    subject_event_record(subject=subject, reason=EventReason.REGISTERED)
    return account


# --- records: create, save, submit, change, void ------------------------------------------

# One table of the workflow (STYLE: workflows are explicit): what each action may start from and
# the status it leaves. None: the status stays as it was — a save or a change in progress works
# on the draft beside the version in force, which keeps the record's status.
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "save": (frozenset({RecordStatus.DRAFT, RecordStatus.SUBMITTED}), None),
    "submit": (frozenset({RecordStatus.DRAFT, RecordStatus.SUBMITTED}), RecordStatus.SUBMITTED),
    "start_change": (frozenset({RecordStatus.SUBMITTED}), None),
    "discard_change": (frozenset({RecordStatus.DRAFT, RecordStatus.SUBMITTED}), None),
    "void": (frozenset({RecordStatus.SUBMITTED}), RecordStatus.VOID),
    "unvoid": (frozenset({RecordStatus.VOID}), RecordStatus.SUBMITTED),
}
_GUARD_MESSAGES = {
    "void": rules.VOID_ONLY_SUBMITTED,
    "unvoid": rules.UNVOID_ONLY_VOID,
    "start_change": rules.CHANGE_ONLY_SUBMITTED,
}


def _guard(record: Record, action: str) -> str:
    """The status the action leaves the record in, or a StateError naming why it may not start."""
    allowed, to = TRANSITIONS[action]
    if record.status not in allowed:
        message = _GUARD_MESSAGES.get(action) or rules.NOT_EDITABLE.format(status=record.get_status_display())
        raise StateError(message)
    return record.status if to is None else to


def _locked(record: Record) -> Record:
    # Re-read under a row lock so two requests on one record act one after the other.
    return (
        Record.objects.select_for_update(of=("self",))
        .select_related("subject", "draft", "current")
        .get(pk=record.pk)
    )


def _title(record: Record, data: dict[str, Any]) -> str:
    form_class = form_for(record.subject.kind, record.kind)
    value = data.get(form_class.title_field) if form_class else None
    return str(value or "")[:300]


def _check_revision(draft: RecordVersion, expected_revision: int) -> None:
    if draft.revision != expected_revision:
        when = timezone.localtime(draft.saved_at).strftime("%H:%M:%S") if draft.saved_at else "刚才"
        raise ConflictError(
            rules.DRAFT_CONFLICT.format(when=when),
            current_revision=draft.revision,
            saved_data=draft.data,
        )


def record_create(*, actor: Actor, subject: Subject, kind: str, data: dict[str, Any]) -> Record:
    if form_for(subject.kind, kind) is None:
        raise DomainError(rules.KIND_NOT_FOR_SUBJECT.format(subject_kind=subject.get_kind_display()))
    if kind == RecordKind.BASIC:
        raise StateError(rules.BASIC_EXISTS)
    with transaction.atomic():
        record = Record.objects.create(subject=subject, kind=kind)
        record.title = _title(record, data)
        now = timezone.now()
        draft = RecordVersion.objects.create(
            record=record,
            number=1,
            data=data,
            revision=1,
            created_by=actor.user,
            saved_by=actor.user,
            saved_at=now,
        )
        record.draft = draft
        record.save(update_fields=["draft", "title"])
        audit_log(
            actor=actor,
            action=rules.AUDIT_RECORD_CREATED,
            target=record,
            subject_id=subject.pk,
            data={"kind": kind, "version": 1},
        )
    return record


def record_save(
    *, actor: Actor, record: Record, data: dict[str, Any], expected_revision: int
) -> RecordVersion:
    """「保存」: keep the draft as typed. A save based on an older revision is refused."""
    with transaction.atomic():
        record = _locked(record)
        _guard(record, "save")
        draft = record.draft
        if draft is None:
            raise StateError(rules.NOT_EDITABLE.format(status=record.get_status_display()))
        _check_revision(draft, expected_revision)
        form_class = form_for(record.subject.kind, record.kind)
        changes = form_class.difference(draft.data, data) if form_class else []
        draft.data = data
        draft.revision += 1
        draft.saved_at = timezone.now()
        draft.saved_by = actor.user
        draft.save(update_fields=["data", "revision", "saved_at", "saved_by"])
        record.title = _title(record, data) or record.title
        record.save(update_fields=["title", "updated_at"])
        audit_log(
            actor=actor,
            action=rules.AUDIT_RECORD_SAVED,
            target=record,
            subject_id=record.subject_id,
            data={
                "kind": record.kind,
                "version": draft.number,
                "revision": draft.revision,
                "fields": [c[0] for c in changes],
            },
        )
    return draft


def record_submit(*, actor: Actor, record: Record, expected_revision: int) -> RecordVersion:
    """「提交」: the draft becomes the version in force for every reader."""
    with transaction.atomic():
        record = _locked(record)
        to = _guard(record, "submit")
        if record.kind == RecordKind.BASIC:
            ca_applications.ca_pending_blocks_basic_submit(subject=record.subject)
        draft = record.draft
        if draft is None:
            raise StateError(rules.NO_DRAFT_TO_SUBMIT)
        _check_revision(draft, expected_revision)
        if record.kind in rules.CERTIFICATE_REQUIRED_KINDS and actor.auth_method != AuthMethod.CERTIFICATE:
            raise DomainError(rules.CERTIFICATE_REQUIRED.format(kind=record.get_kind_display()))
        form_class = form_for(record.subject.kind, record.kind)
        assert form_class is not None
        missing = form_class.missing_for_submit(draft.data)
        if missing:
            raise IncompleteError(rules.MISSING_REQUIRED.format(fields="、".join(missing)), fields=missing)

        previous = record.current
        changes = form_class.difference(previous.data if previous else None, draft.data)
        now = timezone.now()
        draft.state = VersionState.SUBMITTED
        draft.submitted_at = now
        draft.submitted_by = actor.user
        draft.submitted_auth = actor.auth_method
        draft.save(update_fields=["state", "submitted_at", "submitted_by", "submitted_auth"])
        record.current = draft
        record.draft = None
        record.status = to
        record.title = _title(record, draft.data) or record.title
        record.save(update_fields=["current", "draft", "status", "title", "updated_at"])
        if record.kind == RecordKind.BASIC:
            _apply_basic(record.subject, draft, actor)
        audit_log(
            actor=actor,
            action=rules.AUDIT_RECORD_SUBMITTED,
            target=record,
            subject_id=record.subject_id,
            data={"kind": record.kind, "version": draft.number, "changed": [c[0] for c in changes]},
        )
        # Every center hears of it (registry/events.py): the first version submits, later ones change.
        subject_event_record(
            subject=record.subject,
            reason=EventReason.SUBMITTED if previous is None else EventReason.CHANGED,
        )
    return draft


def _apply_basic(subject: Subject, version: RecordVersion, actor: Actor) -> None:
    """The basic information in force decides the subject's name, validity and bidding scope."""
    subject.name = version.data.get("name") or subject.name
    subject.status = SubjectStatus.VALID
    subject.bidding_scope = (
        BiddingScope.ELECTRONIC if actor.auth_method == AuthMethod.CERTIFICATE else BiddingScope.PAPER
    )
    subject.save(update_fields=["name", "status", "bidding_scope", "updated_at"])
    email = version.data.get("contact_email") or version.data.get("email")
    Account.objects.filter(subject=subject).update(
        display_name=subject.name, **({"email": email} if email else {})
    )


def record_start_change(*, actor: Actor, record: Record) -> RecordVersion:
    """「变更」: a new draft copied from the version in force; that version stays in force."""
    with transaction.atomic():
        record = _locked(record)
        if record.draft is not None:
            return record.draft  # a second click (or tab) continues the same change
        _guard(record, "start_change")
        current = record.current
        assert current is not None
        draft = RecordVersion.objects.create(
            record=record,
            number=current.number + 1,
            data=current.data,
            created_by=actor.user,
        )
        record.draft = draft
        record.save(update_fields=["draft", "updated_at"])
        audit_log(
            actor=actor,
            action=rules.AUDIT_RECORD_CHANGE_STARTED,
            target=record,
            subject_id=record.subject_id,
            data={"kind": record.kind, "version": draft.number},
        )
    return draft


def record_discard_change(*, actor: Actor, record: Record) -> None:
    """Drop a change in progress; the version in force stays as it was."""
    with transaction.atomic():
        record = _locked(record)
        _guard(record, "discard_change")
        draft = record.draft
        if draft is None or record.current is None:
            raise StateError(rules.DISCARD_NOTHING)
        record.draft = None
        record.save(update_fields=["draft", "updated_at"])
        audit_log(
            actor=actor,
            action=rules.AUDIT_RECORD_CHANGE_DISCARDED,
            target=record,
            subject_id=record.subject_id,
            data={"kind": record.kind, "version": draft.number, "data": draft.data},
        )
        draft.delete()


def record_delete_draft(*, actor: Actor, record: Record) -> None:
    """Delete an item that was never submitted (nothing of it was ever in force)."""
    with transaction.atomic():
        record = _locked(record)
        if record.kind == RecordKind.BASIC or record.status != RecordStatus.DRAFT:
            raise StateError(rules.DELETE_ONLY_NEVER_SUBMITTED)
        draft = record.draft
        audit_log(
            actor=actor,
            action=rules.AUDIT_RECORD_DELETED,
            target=record,
            subject_id=record.subject_id,
            data={"kind": record.kind, "data": draft.data if draft else {}},
        )
        record.draft = None
        record.save(update_fields=["draft"])
        record.versions.all().delete()
        record.delete()


def _set_void(*, actor: Actor, record: Record, void: bool) -> Record:
    action = "void" if void else "unvoid"
    with transaction.atomic():
        record = _locked(record)
        if record.kind not in rules.VOIDABLE_KINDS:
            raise StateError(rules.VOID_NOT_ALLOWED.format(kind=record.get_kind_display()))
        record.status = _guard(record, action)
        record.save(update_fields=["status", "updated_at"])
        audit_log(
            actor=actor,
            action=rules.AUDIT_RECORD_VOIDED if void else rules.AUDIT_RECORD_UNVOIDED,
            target=record,
            subject_id=record.subject_id,
            data={"kind": record.kind},
        )
        subject_event_record(subject=record.subject, reason=EventReason.CHANGED)
    return record


def record_void(*, actor: Actor, record: Record) -> Record:
    """作废: the qualification no longer counts; its versions stay for the record."""
    return _set_void(actor=actor, record=record, void=True)


def record_unvoid(*, actor: Actor, record: Record) -> Record:
    """取消作废: the qualification counts again, as last submitted."""
    return _set_void(actor=actor, record=record, void=False)
