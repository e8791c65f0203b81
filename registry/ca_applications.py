"""CA办理申请: a subject without a certificate (CA锁) asks a CA company for one.

统一注册平台 §4.1: "未办理但需办理CA锁的用户，在基本信息页面，CA申请信息栏，点击【CA办理申请】按钮
（前提需完善法人和法人代表基本信息），会弹出确认框，点击【确定】按钮，则将信息给CA公司。系统会提示申请
是否成功". 常德 manual: while the application is 待审核 the basic information has only 「保存」, no
「提交」, until the application is 撤销.

The application carries a snapshot of the saved basic information to the CA through the outbox
(core/outbox.py); the CA answers on a callback (registry/views_ca.py) quoting the random reference.
"""

import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import Actor, audit_log
from core.errors import IncompleteError, NotFound, StateError
from core.models import OutboxStatus
from core.outbox import outbox_enqueue
from registry import rules
from registry.kinds import form_for
from registry.models import (
    Account,
    CAApplication,
    CAApplicationStatus,
    Record,
    RecordKind,
    Subject,
    SubjectKind,
)

# Messages: services raise them, views show them, tests assert them.
UNIT_INCOMPLETE = "请先完善法人和法定代表人基本信息：{fields}。填写后点击「保存」，再申请CA办理。"
PERSON_INCOMPLETE = "请先完善个人基本信息：{fields}。填写后点击「保存」，再申请CA办理。"
ALREADY_PENDING = "已有一份CA办理申请正在等待CA公司审核，请等待审核结果；如需重新申请，请先撤销该申请。"
NOTHING_TO_WITHDRAW = "没有待审核的CA办理申请，无需撤销。"
ANSWER_WITHDRAWN = "该CA办理申请已由申请人撤销，不能再审核。"
ANSWER_CONFLICT = "该CA办理申请已{status}，不能再改为{answer}。"
PENDING_BLOCKS_SUBMIT = "CA办理申请待审核期间只能保存，不能提交；如需提交请先撤销申请。"
# Shown by the views after the service returned.
APPLIED_SENT = "CA办理申请成功：信息已发送给CA公司，请等待CA公司审核。"
APPLIED_QUEUED = "CA办理申请已登记，但暂时未能发送给CA公司，系统将自动重试发送，请稍后查看审核状态。"
WITHDRAWN = "已撤销CA办理申请，现在可以「提交」基本信息。"

TOPIC_SUBMITTED = "ca.application.submitted"
TOPIC_WITHDRAWN = "ca.application.withdrawn"

# What the CA needs to issue a certificate, by subject kind; the first group is required.
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    SubjectKind.UNIT: ("name", "legal_rep_name", "legal_rep_id_number", "legal_rep_phone"),
    SubjectKind.PERSON: ("name", "phone"),
}
EXTRA_FIELDS: dict[str, tuple[str, ...]] = {
    SubjectKind.UNIT: (
        "region",
        "registered_address",
        "contact_name",
        "contact_phone",
        "contact_email",
    ),
    SubjectKind.PERSON: ("email", "region", "address"),
}

# One table of the workflow of an application (STYLE: workflows are explicit): what each change
# may start from and the status it leaves. The CA's answer is one of two changes, by its decision.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "withdraw": (frozenset({CAApplicationStatus.PENDING}), CAApplicationStatus.WITHDRAWN),
    "accept": (frozenset({CAApplicationStatus.PENDING}), CAApplicationStatus.ACCEPTED),
    "reject": (frozenset({CAApplicationStatus.PENDING}), CAApplicationStatus.REJECTED),
}
_ANSWERS = frozenset({"accept", "reject"})


def _guard(application: CAApplication, action: str) -> str:
    """The status the change leaves the application in, or a StateError naming why it may not."""
    allowed, to = TRANSITIONS[action]
    if application.status in allowed:
        return to
    if action in _ANSWERS and application.status == CAApplicationStatus.WITHDRAWN:
        raise StateError(ANSWER_WITHDRAWN)
    if action in _ANSWERS:
        answer = CAApplicationStatus(to).label
        raise StateError(ANSWER_CONFLICT.format(status=application.get_status_display(), answer=answer))
    raise StateError(NOTHING_TO_WITHDRAW)


# --- the snapshot sent to the CA --------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    data: dict[str, Any]
    # Labels of required fields that are empty, in the order the basic page shows them.
    missing: list[str]
    # (label, shown value) for the confirmation page.
    rows: list[tuple[str, str]]

    @property
    def incomplete_message(self) -> str:
        if not self.missing:
            return ""
        template = UNIT_INCOMPLETE if self.data["kind"] == SubjectKind.UNIT else PERSON_INCOMPLETE
        return template.format(fields="、".join(self.missing))


def ca_snapshot(*, subject: Subject) -> Snapshot:
    """What an application would send now: the saved draft of the basic information if there is
    one (a new unit applies before its first 「提交」), else the version in force."""
    form_class = form_for(subject.kind, RecordKind.BASIC)
    assert form_class is not None
    record = Record.objects.select_related("draft", "current").get(subject=subject, kind=RecordKind.BASIC)
    version = record.draft or record.current
    source = version.data if version else {}
    names = REQUIRED_FIELDS[subject.kind] + EXTRA_FIELDS[subject.kind]
    fields = form_class.base_fields
    data: dict[str, Any] = {
        "kind": subject.kind,
        "code_type": subject.code_type,
        "code": subject.code,
        **{name: source.get(name) or "" for name in names},
        "version": version.number if version else None,
    }
    if data["region"]:
        data["region_name"] = form_class.display_value(fields["region"], data["region"])
    missing = [str(fields[name].label) for name in REQUIRED_FIELDS[subject.kind] if not data[name]]
    rows = [(subject.get_code_type_display(), subject.code)]
    rows += [(str(fields[name].label), form_class.display_value(fields[name], data[name])) for name in names]
    return Snapshot(data=data, missing=missing, rows=rows)


# --- reads ------------------------------------------------------------------------------------


def _subject_of(account: Any) -> Subject:
    subject = getattr(account, "subject", None) if getattr(account, "is_authenticated", False) else None
    if subject is None:
        raise NotFound()
    return subject


@dataclass(frozen=True)
class CAPanel:
    """The 「CA申请信息」 panel of the basic information page."""

    latest: CAApplication | None

    @property
    def pending(self) -> bool:
        return self.latest is not None and self.latest.status == CAApplicationStatus.PENDING

    @property
    def submit_blocked_message(self) -> str:
        return PENDING_BLOCKS_SUBMIT if self.pending else ""

    @property
    def delivered(self) -> bool:
        message = self.latest.outbox_message if self.latest else None
        return message is not None and message.status == OutboxStatus.SENT


def ca_panel_for(*, account: Account) -> CAPanel:
    subject = _subject_of(account)
    latest = CAApplication.objects.filter(subject=subject).select_related("outbox_message").first()
    return CAPanel(latest=latest)


def ca_snapshot_for(*, account: Account) -> Snapshot:
    return ca_snapshot(subject=_subject_of(account))


def ca_pending_blocks_basic_submit(*, subject: Subject) -> None:
    """Called by 「提交」 of the basic information: refused while an application is 待审核, since
    the CA is checking the details it was sent (常德 manual)."""
    if CAApplication.objects.filter(subject=subject, status=CAApplicationStatus.PENDING).exists():
        raise StateError(PENDING_BLOCKS_SUBMIT)


# --- writes -----------------------------------------------------------------------------------


def ca_application_submit(*, actor: Actor, subject: Subject) -> CAApplication:
    """「CA办理申请」→「确定」: record the application and send it to the CA after commit."""
    try:
        with transaction.atomic():
            # One application at a time per subject, even from two tabs at once.
            subject = Subject.objects.select_for_update().get(pk=subject.pk)
            if CAApplication.objects.filter(subject=subject, status=CAApplicationStatus.PENDING).exists():
                raise StateError(ALREADY_PENDING)
            snapshot = ca_snapshot(subject=subject)
            if snapshot.missing:
                raise IncompleteError(snapshot.incomplete_message, fields=snapshot.missing)
            application = CAApplication.objects.create(
                subject=subject,
                reference=secrets.token_urlsafe(24),
                data=snapshot.data,
                created_by=actor.user,
            )
            application.outbox_message = outbox_enqueue(
                topic=TOPIC_SUBMITTED,
                url=settings.GGZY_CA_INTAKE_URL,
                payload={
                    "action": "submit",
                    "reference": application.reference,
                    "applicant": snapshot.data,
                    "callback_url": settings.GGZY_CA_CALLBACK_URL,
                    "submitted_at": application.created_at.isoformat(),
                },
                token_setting="GGZY_CA_INTAKE_TOKEN",
            )
            application.save(update_fields=["outbox_message"])
            audit_log(
                actor=actor,
                action=rules.AUDIT_CA_APPLICATION_SUBMITTED,
                target=application,
                subject_id=subject.pk,
                data={"reference": application.reference, "version": snapshot.data["version"]},
            )
    except IntegrityError as error:
        # The partial unique index met a second pending application (a database without row locks).
        raise StateError(ALREADY_PENDING) from error
    return application


def ca_application_withdraw(*, actor: Actor, subject: Subject) -> CAApplication:
    """「撤销」 of the pending application; the CA is told so it stops processing it."""
    with transaction.atomic():
        application = (
            CAApplication.objects.select_for_update()
            .filter(subject=subject)
            .order_by("-created_at", "-id")
            .first()
        )
        if application is None:
            raise StateError(NOTHING_TO_WITHDRAW)
        application.status = _guard(application, "withdraw")
        application.withdrawn_at = timezone.now()
        application.save(update_fields=["status", "withdrawn_at"])
        outbox_enqueue(
            topic=TOPIC_WITHDRAWN,
            url=settings.GGZY_CA_INTAKE_URL,
            payload={
                "action": "withdraw",
                "reference": application.reference,
                "withdrawn_at": application.withdrawn_at.isoformat(),
            },
            token_setting="GGZY_CA_INTAKE_TOKEN",
        )
        audit_log(
            actor=actor,
            action=rules.AUDIT_CA_APPLICATION_WITHDRAWN,
            target=application,
            subject_id=application.subject_id,
            data={"reference": application.reference},
        )
    return application


def ca_application_answer(
    *, reference: str, accepted: bool, message: str, ip: str | None = None
) -> CAApplication:
    """The CA's answer (its callback). A repeat of the decision already recorded is acknowledged
    without change (the CA may retry a delivery); a different decision is refused."""
    status = CAApplicationStatus.ACCEPTED if accepted else CAApplicationStatus.REJECTED
    with transaction.atomic():
        application = CAApplication.objects.select_for_update().filter(reference=reference).first()
        if application is None:
            raise NotFound()
        if application.status == status:
            return application
        application.status = _guard(application, "accept" if accepted else "reject")
        application.answered_at = timezone.now()
        application.answer_message = message
        application.save(update_fields=["status", "answered_at", "answer_message"])
        audit_log(
            # The CA company is no account of ours: the system records its answer.
            actor=Actor(auth_method="system", ip=ip),
            action=rules.AUDIT_CA_APPLICATION_ACCEPTED if accepted else rules.AUDIT_CA_APPLICATION_REJECTED,
            target=application,
            subject_id=application.subject_id,
            data={"reference": reference, "message": message},
        )
    return application
