"""Project registration (项目注册, 004 §3.1): the agency's writes and the queue's decisions.

Every write locks the project, guards its state through rules.TRANSITIONS, saves and audits in one
transaction. A draft keeps what was typed; values present are checked on every save (a wrong
purchaser code is refused at once), completeness only on 「提交信息」.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from centers.attachments import AttachmentField, attachment_fields_declare, by_slot
from centers.grants import permission_held
from centers.models import Center, CenterSubject, ProfileStatus, SubjectType
from centers.selectors import effective_types
from core.audit import Actor, audit_log
from core.errors import DomainError, IncompleteError, NotFound
from procurement import catalogue, rules
from procurement.models import Announcement, Booking, Lot, Project, ProjectCodeCounter, QualificationReview
from registry.identifiers import check_uscc, normalize_code
from registry.models import Attachment
from review.models import ReviewItem, ReviewKind
from review.services import review_open, review_withdraw

# The back-office serves a project's 电子件 to the center's staff through this declaration.
# The files the center's staff open from the queue: a project's, a 废标公告's or 采购异常's
# material, a 项目复评's request.
attachment_fields_declare(
    AttachmentField(Project, "attachments", by_slot, entry="agency"),
    AttachmentField(Announcement, "attachments", by_slot, entry="agency"),
    AttachmentField(Booking, "attachments", by_slot, entry="project__agency"),
)

PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")


@dataclasses.dataclass(frozen=True)
class ProjectDetails:
    """What the agency types for a project; empty strings and None where nothing is typed yet."""

    name: str = ""
    purchaser_name: str = ""
    purchaser_code: str = ""
    budget: Decimal | None = None
    method: str = ""
    funding_source: str = ""
    organisation_form: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    description: str = ""


@dataclasses.dataclass(frozen=True)
class LotDetails:
    name: str = ""
    catalogue_code: str = ""
    budget: Decimal | None = None
    deposit: Decimal | None = None
    qualification_review: str = QualificationReview.POST
    evaluation_method: str = ""


DETAIL_FIELDS = [f.name for f in dataclasses.fields(ProjectDetails)]
SUBMIT_REQUIRED = {
    "name": "项目名称",
    "purchaser_name": "采购人名称",
    "purchaser_code": "采购人统一社会信用代码",
    "budget": "项目预算",
    "method": "采购方式",
    "funding_source": "资金来源",
    "organisation_form": "组织形式",
    "contact_name": "项目联系人",
    "contact_phone": "联系电话",
}
LOT_REQUIRED = {
    "name": "分包名称",
    "catalogue_code": "采购目录",
    "budget": "预算金额",
    "deposit": "保证金金额",
    "evaluation_method": "评标办法",
}


# --- checks --------------------------------------------------------------------------------------


def may_register(*, center: Center, agency: CenterSubject) -> None:
    if agency.center_id != center.pk:
        raise NotFound()
    if not permission_held(center=center, center_subject=agency, code=rules.PERMISSION):
        raise DomainError(
            rules.NO_PERMISSION.format(center=center.name, how=_how_to_get_permission(center, agency))
        )


def permission_refusal(*, center: Center, agency: CenterSubject) -> str:
    """What the agency's pages say in place of their buttons while may_register refuses; "" when allowed."""
    try:
        may_register(center=center, agency=agency)
    except DomainError as error:
        return error.message
    return ""


def _how_to_get_permission(center: Center, agency: CenterSubject) -> str:
    """The step the unit has not taken: an agency type in force, then its information approved."""
    held = [t for t in rules.ROLES if t in effective_types(center=center, center_subject=agency)]
    if not held:
        return rules.HOW_ADD_TYPE
    if agency.profile_status != ProfileStatus.APPROVED:
        types = "、".join(SubjectType(t).label for t in held)
        return rules.HOW_PROFILE.format(types=types, status=agency.get_profile_status_display())
    return rules.HOW_ASK_CENTER


def _guard(project: Project, action: str) -> str:
    allowed, after = rules.TRANSITIONS[action]
    if project.status not in allowed:
        message = rules.PROJECT_STATE.format(
            name=project.name or project.code,
            status=project.get_status_display(),
            action=rules.ACTION_LABELS[action],
        )
        hint = rules.PROJECT_STATE_HINTS.get(action)
        raise DomainError(f"{message}{hint}" if hint else message)
    return after or project.status


def _clean_details(details: ProjectDetails) -> ProjectDetails:
    stripped: dict[str, Any] = {
        name: value.strip() if isinstance(value, str) else value
        for name, value in dataclasses.asdict(details).items()
    }
    if stripped["purchaser_code"]:
        code = normalize_code(stripped["purchaser_code"])
        checked = check_uscc(code)
        if not checked.ok:
            raise DomainError(
                rules.PURCHASER_CODE_INVALID.format(error=checked.error), field="purchaser_code"
            )
        stripped["purchaser_code"] = code
    budget = stripped["budget"]
    if budget is not None and not Decimal(0) < budget <= rules.MONEY_MAX:
        raise DomainError(rules.BUDGET_NOT_POSITIVE.format(label="项目预算"), field="budget")
    if stripped["contact_phone"] and not PHONE.fullmatch(stripped["contact_phone"]):
        raise DomainError(rules.CONTACT_PHONE_INVALID, field="contact_phone")
    return ProjectDetails(**stripped)


def _clean_lots(lots: Sequence[LotDetails]) -> list[tuple[LotDetails, str]]:
    """The lots as typed, checked where filled in, each with its catalogue name."""
    if len(lots) > rules.LOTS_LIMIT:
        raise DomainError(rules.LOTS_TOO_MANY.format(limit=rules.LOTS_LIMIT))
    cleaned = []
    for number, lot in enumerate(lots, start=1):
        lot = dataclasses.replace(
            lot, name=lot.name.strip(), catalogue_code=lot.catalogue_code.strip().upper()
        )
        catalogue_name = ""
        if lot.catalogue_code:
            item = catalogue.catalogue_item(lot.catalogue_code)
            if item is None:
                raise DomainError(rules.CATALOGUE_UNKNOWN.format(code=lot.catalogue_code))
            catalogue_name = item.name
        if lot.budget is not None and not Decimal(0) < lot.budget <= rules.MONEY_MAX:
            raise DomainError(rules.BUDGET_NOT_POSITIVE.format(label=f"第{number}包的预算金额"))
        if lot.deposit is not None:
            if lot.deposit < 0:
                raise DomainError(rules.DEPOSIT_NEGATIVE)
            if lot.budget is not None and lot.deposit > lot.budget:
                raise DomainError(
                    rules.DEPOSIT_OVER_BUDGET.format(
                        number=number, deposit=_yuan(lot.deposit), budget=_yuan(lot.budget)
                    )
                )
        if lot.qualification_review != rules.ONLY_POST_QUALIFICATION:
            raise DomainError(rules.PREQUALIFICATION_REFUSED.format(number=number))
        cleaned.append((lot, catalogue_name))
    return cleaned


def _yuan(amount: Decimal) -> str:
    return f"{amount:.2f}"


def _lots_within_budget(budget: Decimal | None, lots: Sequence[LotDetails]) -> None:
    total = sum((lot.budget for lot in lots if lot.budget is not None), Decimal(0))
    if budget is not None and total > budget:
        raise DomainError(
            rules.LOTS_OVER_BUDGET.format(total=_yuan(total), budget=_yuan(budget)), field="budget"
        )


def _attachments(agency: CenterSubject, chosen: dict[str, Attachment | None]) -> dict[str, dict]:
    references = {}
    for slot, attachment in chosen.items():
        if slot not in rules.ATTACHMENT_SLOTS:
            raise DomainError(rules.ATTACHMENT_NOT_OWN)
        if attachment is None:
            continue
        if attachment.subject_id != agency.subject_id:
            raise DomainError(rules.ATTACHMENT_NOT_OWN)
        references[slot] = {
            "id": attachment.pk,
            "name": attachment.original_name,
            "sha256": attachment.sha256,
        }
    return references


def project_missing(project: Project) -> list[str]:
    """The labels of what 「提交信息」 still needs, in page order."""
    missing = [label for name, label in SUBMIT_REQUIRED.items() if getattr(project, name) in ("", None)]
    lots = list(project.lots.all())
    if not lots:
        missing.append("分包明细（至少一个分包）")
    for lot in lots:
        missing += [
            f"第{lot.number}包{label}"
            for name, label in LOT_REQUIRED.items()
            if getattr(lot, name) in ("", None)
        ]
    missing += [
        rules.ATTACHMENT_SLOTS[slot]
        for slot in rules.SUBMIT_REQUIRED_ATTACHMENTS
        if not project.attachments.get(slot)
    ]
    return missing


# --- writes --------------------------------------------------------------------------------------


def _next_code(center: Center, now: dt.datetime) -> str:
    """项目编号: center, year and a number counted per center and year, e.g. HENGYANG-ZC-2026-0007."""
    year = timezone.localtime(now).year
    counter, _ = ProjectCodeCounter.objects.select_for_update().get_or_create(center=center, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{center.code.upper()}-ZC-{year}-{counter.last:04d}"


def _audit(actor: Actor, action: str, project: Project, **data: object) -> None:
    audit_log(
        actor=actor,
        action=action,
        target=project,
        subject_id=project.agency.subject_id,
        data={"center": project.center_id, "code": project.code, **data},
    )


def _write_lots(project: Project, lots: list[tuple[LotDetails, str]]) -> None:
    project.lots.all().delete()
    Lot.objects.bulk_create(
        Lot(project=project, number=number, catalogue_name=catalogue_name, **dataclasses.asdict(lot))
        for number, (lot, catalogue_name) in enumerate(lots, start=1)
    )


def project_create(
    *,
    actor: Actor,
    center: Center,
    agency: CenterSubject,
    details: ProjectDetails,
    lots: Sequence[LotDetails] = (),
    attachments: dict[str, Attachment | None] | None = None,
    now: dt.datetime | None = None,
) -> Project:
    """「新建项目」: a draft with its generated code, saved even when incomplete."""
    may_register(center=center, agency=agency)
    now = now or timezone.now()
    details = _clean_details(details)
    cleaned = _clean_lots(lots)
    _lots_within_budget(details.budget, [lot for lot, _ in cleaned])
    references = _attachments(agency, attachments or {})
    with transaction.atomic():
        project = Project.objects.create(
            center=center,
            agency=agency,
            code=_next_code(center, now),
            attachments=references,
            **dataclasses.asdict(details),
        )
        _write_lots(project, cleaned)
        _audit(actor, rules.AUDIT_CREATED, project, lots=len(cleaned), attachments=sorted(references))
    return project


def _locked(project: Project) -> Project:
    return (
        Project.objects.at(project.center_id)
        .select_for_update(of=("self",))
        .select_related("center", "agency")
        .get(pk=project.pk)
    )


def project_update(
    *,
    actor: Actor,
    project: Project,
    details: ProjectDetails,
    lots: Sequence[LotDetails],
    attachments: dict[str, Attachment | None],
) -> Project:
    """「修改保存」: the whole form again, lots included; only 编辑中 and 审核不通过."""
    details = _clean_details(details)
    cleaned = _clean_lots(lots)
    _lots_within_budget(details.budget, [lot for lot, _ in cleaned])
    with transaction.atomic():
        locked = _locked(project)
        _guard(locked, "save")
        may_register(center=locked.center, agency=locked.agency)
        locked.attachments = _attachments(locked.agency, attachments)
        for name, value in dataclasses.asdict(details).items():
            setattr(locked, name, value)
        locked.save(update_fields=[*DETAIL_FIELDS, "attachments", "updated_at"])
        _write_lots(locked, cleaned)
        _audit(actor, rules.AUDIT_SAVED, locked, lots=len(cleaned), attachments=sorted(locked.attachments))
    return locked


def project_submit(*, actor: Actor, project: Project, now: dt.datetime | None = None) -> Project:
    """「提交信息」: everything required present, then into the center's review queue."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(project)
        after = _guard(locked, "submit")
        may_register(center=locked.center, agency=locked.agency)
        missing = project_missing(locked)
        if missing:
            raise IncompleteError(rules.SUBMIT_MISSING.format(items="、".join(missing)), fields=missing)
        _lots_within_budget(locked.budget, [LotDetails(budget=lot.budget) for lot in locked.lots.all()])
        locked.status = after
        locked.submitted_at = now
        locked.decision_opinion = ""
        locked.save(update_fields=["status", "submitted_at", "decision_opinion", "updated_at"])
        subject = locked.agency.subject
        review_open(
            actor=actor,
            center=locked.center,
            kind=ReviewKind.PROJECT,
            target=locked,
            title=rules.REVIEW_TITLE.format(name=locked.name, code=locked.code),
            subject_name=subject.name,
            subject_code=subject.code,
            now=now,
        )
        _audit(actor, rules.AUDIT_SUBMITTED, locked)
    return locked


# What depends on an approved project and so forbids its withdrawal: each later step (venues,
# announcements) registers a check here that returns a refusal message or None.
WITHDRAW_BLOCKERS: list = []


def project_withdraw(*, actor: Actor, project: Project) -> Project:
    """撤回: 待审核 or 审核通过 back to 编辑中, unless a later step already depends on it."""
    with transaction.atomic():
        locked = _locked(project)
        after = _guard(locked, "withdraw")
        for blocker in WITHDRAW_BLOCKERS:
            refusal = blocker(locked)
            if refusal:
                raise DomainError(refusal)
        locked.status = after
        locked.submitted_at = None
        locked.decided_at = None
        locked.save(update_fields=["status", "submitted_at", "decided_at", "updated_at"])
        review_withdraw(actor=actor, target=locked)
        _audit(actor, rules.AUDIT_WITHDRAWN, locked)
    return locked


def project_delete(*, actor: Actor, project: Project) -> None:
    """删除项目: only 编辑中 and 审核不通过 (004 §3.1.7); the audit row keeps what it was."""
    with transaction.atomic():
        locked = _locked(project)
        _guard(locked, "delete")
        _audit(actor, rules.AUDIT_DELETED, locked, name=locked.name)
        locked.delete()


# --- the review queue's decisions ------------------------------------------------------------------


def _decide(actor: Actor, item: ReviewItem, opinion: str, action: str) -> Project:
    locked = (
        Project.objects.at(item.center)
        .select_for_update(of=("self",))
        .select_related("center", "agency")
        .filter(pk=int(item.target_id))
        .first()
    )
    if locked is None:
        raise NotFound()
    locked.status = _guard(locked, action)
    locked.decided_at = timezone.now()
    locked.decision_opinion = opinion
    locked.save(update_fields=["status", "decided_at", "decision_opinion", "updated_at"])
    _audit(
        actor, rules.AUDIT_APPROVED if action == "approve" else rules.AUDIT_REJECTED, locked, opinion=opinion
    )
    return locked


def project_approve(*, actor: Actor, item: ReviewItem, opinion: str) -> Project:
    return _decide(actor, item, opinion, "approve")


def project_reject(*, actor: Actor, item: ReviewItem, opinion: str) -> Project:
    return _decide(actor, item, opinion, "reject")
