"""招标文件 (004 §3.5) and 答疑文件 (§3.6): the agency's writes.

A tender document is rendered from a 范本 (procurement.tender_templates) or imported from an
uploaded PDF, always outside the transaction that saves it (signing does the PDF work). Every
date is checked against the statutory clock (procurement.deadlines), whose refusals cite the
article with the computed date. 「确认提交」 needs the agency unit's valid seal on the document
and is final (no review); a clarification then moves the bid deadline when 87号令 art. 27 says so.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from centers.models import Center, CenterSubject
from core.audit import Actor, audit_log
from core.errors import DomainError
from pki.models import BoundCertificate
from procurement import deadlines, services, tender_templates
from procurement import tender_rules as rules
from procurement.deadlines import format_time
from procurement.models import Lot, Project, ProjectStatus
from procurement.tender_models import TenderDocument, TenderSource, TenderStatus
from procurement.tender_selectors import opening_booking
from registry.models import SubjectKind
from signing import imports as signing_imports
from signing import services as signing_services
from signing.models import Document, SealKind, Signature

TENDER_KIND = "tender_document"
CLARIFICATION_KIND = "clarification"
AGENCY_PLACE = "agency"  # 采购代理机构（盖章） in both kinds


@dataclasses.dataclass(frozen=True)
class TenderDetails:
    """What the form gives: the source, the 范本's fields (or the PDF) and the dates."""

    source: str
    documents_from: dt.datetime
    documents_until: dt.datetime
    bid_deadline: dt.datetime
    opening_place: str = ""
    template: str = ""
    fields: dict[str, Any] = dataclasses.field(default_factory=dict)
    pdf: bytes | None = None


# --- the unit's seal ----------------------------------------------------------------------------------


def unit_seal(document: Document | None, subject: Any, place: str | None = None) -> Signature | None:
    """The seal that makes `document` the unit's: a Signature row (written by signing only after its
    own verification said VALID, see centers.profiles.commitment_check) by the subject's unit seal
    with one of its bound certificates, inside `place` when the document names that place."""
    if document is None:
        return None
    kind = SealKind.UNIT if subject.kind == SubjectKind.UNIT else SealKind.PERSONAL
    seals = list(
        Signature.objects.filter(
            document=document, seal__subject=subject, seal__kind=kind, seal__holder_code=subject.code
        ).order_by("version")
    )
    own = set(
        BoundCertificate.objects.filter(
            subject=subject, fingerprint__in=[s.certificate_fingerprint for s in seals]
        ).values_list("fingerprint", flat=True)
    )
    box = document.places.get(place) if place else None
    for signature in seals:
        if signature.certificate_fingerprint in own and (box is None or _inside(signature, box)):
            return signature
    return None


def _inside(signature: Signature, place: dict[str, Any]) -> bool:
    if signature.page != place.get("page"):
        return False
    x1, y1, x2, y2 = signature.box
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    return bool(
        place["x"] <= cx <= place["x"] + place["width"] and place["y"] <= cy <= place["y"] + place["height"]
    )


# --- checks ------------------------------------------------------------------------------------------


def _guard(status: str, label: str, action: str, template: str = rules.TENDER_STATE, **names: Any) -> str:
    allowed, after = rules.TRANSITIONS[action]
    if status not in allowed:
        raise DomainError(template.format(status=label, action=rules.ACTION_LABELS[action], **names))
    return after or status


def _check_project(project: Project, center: Center, agency: CenterSubject) -> None:
    services.may_register(center=center, agency=agency)
    if project.center_id != center.pk or project.agency_id != agency.pk:
        raise DomainError(rules.LOT_NOT_OF_PROJECT.format(name=project.name))
    if project.status != ProjectStatus.APPROVED:
        raise DomainError(
            rules.PROJECT_NOT_APPROVED.format(name=project.name, status=project.get_status_display())
        )


def _check_lots(project: Project, lots: Sequence[Lot], tender: TenderDocument | None) -> list[Lot]:
    if not lots:
        raise DomainError(rules.LOTS_REQUIRED, field="lots")
    for lot in lots:
        if lot.project_id != project.pk:
            raise DomainError(rules.LOT_NOT_OF_PROJECT.format(name=project.name), field="lots")
    taken = TenderDocument.objects.filter(status=TenderStatus.SUBMITTED, lots__in=lots)
    if tender is not None:
        taken = taken.exclude(pk=tender.pk)
    numbers = sorted(set(taken.values_list("lots__number", flat=True)) & {lot.number for lot in lots})
    if numbers:
        raise DomainError(rules.LOT_TAKEN.format(number=numbers[0]), field="lots")
    return sorted(lots, key=lambda lot: lot.number)


def _check_source(project: Project, details: TenderDetails, has_document: bool) -> None:
    method = project.get_method_display()
    if details.source == TenderSource.TEMPLATE:
        if project.method in tender_templates.UPLOAD_ONLY:
            document = tender_templates.UPLOAD_ONLY[project.method]  # type: ignore[index]
            raise DomainError(rules.UPLOAD_ONLY.format(method=method, document=document), field="source")
        keys = [t.key for t in tender_templates.templates_for(project.method)]
        if details.template not in keys:
            raise DomainError(rules.TEMPLATE_UNKNOWN.format(method=method), field="template")
        factors = details.fields.get("factors")
        if factors is not None and tender_templates.factors_total(factors) != 100:
            total = tender_templates.factors_total(factors)
            raise DomainError(rules.FACTORS_NOT_100.format(total=total), field="factors")
    elif not details.pdf and not has_document:
        raise DomainError(rules.UPLOAD_REQUIRED, field="pdf")


def check_dates(details: TenderDetails, lots: Sequence[Lot], *, method: str, now: dt.datetime) -> None:
    """The clock: 文件获取期 ≥ 5 working days (招标 only), the method's limit to the bid deadline (招标: 20 days,
    谈判/询价: 3 working days, 磋商: 10 days), a future deadline, and the opening room's time when
    one is booked. Each refusal names its field."""
    start, until, deadline = details.documents_from, details.documents_until, details.bid_deadline
    if until <= start:
        order = rules.UNTIL_BEFORE_FROM.format(until=format_time(until), start=format_time(start))
        raise DomainError(order, field="documents_until")
    refusal: str | None = None
    if method in deadlines.TENDERING:
        refusal = deadlines.check(deadlines.DOCUMENTS_AVAILABLE, start, until)
    if refusal:
        raise DomainError(refusal, field="documents_until")
    rule = deadlines.response_deadline_rule(method)
    refusal = (deadlines.check(rule, start, deadline) if rule else None) or deadlines.check_opening_time(
        deadline, now=now
    )
    if refusal:
        raise DomainError(refusal, field="bid_deadline")
    if until > deadline:
        late = rules.UNTIL_AFTER_DEADLINE.format(until=format_time(until), deadline=format_time(deadline))
        raise DomainError(late, field="documents_until")
    booking = opening_booking(lots)
    if booking is not None:
        at_opening = deadlines.check_opening_time(booking.starts_at, now=now, deadline=deadline)
        if at_opening:
            raise DomainError(at_opening, field="bid_deadline")


# --- the documents ------------------------------------------------------------------------------------


def money_text(amount: Any) -> str:
    return f"{amount:,.2f}" if amount is not None else ""


def day_text(value: dt.datetime) -> str:
    local = deadlines.local(value)
    return f"{local.year}年{local.month}月{local.day}日"


def party_of(agency: CenterSubject) -> dict[str, str]:
    data = agency.registry_data or {}
    return {
        "name": data.get("name") or agency.subject.name,
        "address": data.get("address", ""),
        "contact": data.get("contact_name", ""),
        "phone": data.get("contact_phone", ""),
    }


def lot_row(lot: Lot) -> dict[str, str]:
    """A lot as the 招标文件's and the 招标公告's lots table list it."""
    return {
        "number": f"第{lot.number}包",
        "name": lot.name,
        "quantity": "1项",
        "budget": money_text(lot.budget),
        "max_price": money_text(lot.budget),
    }


def common_context(
    project: Project,
    lots: Sequence[Lot],
    *,
    documents_from: dt.datetime,
    documents_until: dt.datetime,
    bid_deadline: dt.datetime,
    opening_place: str,
) -> dict[str, Any]:
    """What a 招标文件 and its 招标公告 both state (signing.document_kinds): the project and its
    money, the documents' period and place, the deadline and the opening, the parties."""
    deadline = format_time(bid_deadline)
    return {
        "project_name": project.name,
        "project_code": project.code,
        "budget": f"人民币{money_text(project.budget)}元",
        "max_price": f"人民币{money_text(sum(lot.budget or 0 for lot in lots))}元",
        "qualifications": [],
        "policy_requirements": [],
        "documents_period": f"{format_time(documents_from)}至{format_time(documents_until)}",
        "documents_place": "公共资源交易平台",
        "documents_method": "使用数字证书（CA）登录交易平台在线获取",
        "bid_deadline": deadline,
        "bid_place": "通过交易平台在线递交加密的电子投标文件",
        "opening_time": deadline,
        "opening_place": opening_place or "公共资源交易中心开标室",
        "purchaser": {"name": project.purchaser_name, "address": "", "contact": "", "phone": ""},
        "agency": party_of(project.agency),
        "project_contact": {"name": project.contact_name, "phone": project.contact_phone},
    }


def tender_context(project: Project, lots: Sequence[Lot], details: TenderDetails, now: dt.datetime) -> dict:
    """The tender_document kind's context (signing.document_kinds) from the project and the form."""
    template = tender_templates.TEMPLATES[details.template]
    filled = {**template.defaults, **details.fields}
    common = common_context(
        project,
        lots,
        documents_from=details.documents_from,
        documents_until=details.documents_until,
        bid_deadline=details.bid_deadline,
        opening_place=details.opening_place,
    )
    return {
        **common,
        "lots": [
            {
                **lot_row(lot),
                "industry": "工业",
                "items": [
                    {
                        "name": lot.catalogue_name or lot.name,
                        "specification": "详见采购需求",
                        "quantity": "1项",
                    }
                ],
                "delivery_period": filled["contract_period"],
                "delivery_place": "采购人指定地点",
                "warranty": "按国家有关规定执行",
                "requirements": [],
            }
            for lot in lots
        ],
        "contract_period": filled["contract_period"],
        "consortium": filled["consortium"],
        "imported_products": filled["imported_products"],
        "documents_price": filled["documents_price"],
        "notice_period": "自招标公告发布之日起5个工作日。",
        "bid_validity": filled["bid_validity"],
        "bid_bond": filled["bid_bond"],
        "performance_bond": filled["performance_bond"],
        "agency_fee": filled["agency_fee"],
        "evaluation": {
            "method": (lots[0].evaluation_method or "comprehensive") if lots else "comprehensive",
            "committee": filled["committee"],
            "price_deduction": filled["price_deduction"],
            "factors": filled["factors"],
        },
        "contract_terms": filled["contract_terms"],
        "issued_on": day_text(now),
    }


def _make_document(
    actor: Actor, project: Project, lots: Sequence[Lot], details: TenderDetails, now: dt.datetime
) -> Document:
    subject = project.agency.subject
    title = rules.TENDER_TITLE.format(code=project.code, name=project.name)[:200]
    common: dict[str, Any] = {"actor": actor, "subject": subject, "kind": TENDER_KIND, "title": title}
    common |= {"center_code": project.center.code, "subject_name": subject.name}
    if details.source == TenderSource.UPLOAD:
        assert details.pdf is not None
        return signing_imports.document_import(pdf=details.pdf, **common)
    return signing_services.document_create(context=tender_context(project, lots, details, now), **common)


def _audit(actor: Actor, action: str, tender: TenderDocument, **data: Any) -> None:
    audit_log(
        actor=actor,
        action=action,
        target=tender,
        subject_id=tender.agency.subject_id,
        data={"center": tender.center_id, "project": tender.project_id, **data},
    )


# --- writes ------------------------------------------------------------------------------------------


def tender_create(
    *,
    actor: Actor,
    center: Center,
    agency: CenterSubject,
    project: Project,
    lots: Sequence[Lot],
    details: TenderDetails,
    now: dt.datetime | None = None,
) -> TenderDocument:
    """「新增交易文件」: a draft for lots of an approved project, its document rendered or imported."""
    now = now or timezone.now()
    _check_project(project, center, agency)
    lots = _check_lots(project, lots, None)
    _check_source(project, details, has_document=False)
    check_dates(details, lots, method=project.method, now=now)
    document = _make_document(actor, project, lots, details, now)
    with transaction.atomic():
        tender = TenderDocument.objects.create(
            center=center,
            agency=agency,
            project=project,
            source=details.source,
            template=details.template if details.source == TenderSource.TEMPLATE else "",
            fields=details.fields if details.source == TenderSource.TEMPLATE else {},
            document=document,
            documents_from=details.documents_from,
            documents_until=details.documents_until,
            bid_deadline=details.bid_deadline,
            opening_place=details.opening_place,
        )
        tender.lots.set(lots)
        _audit(actor, rules.AUDIT_CREATED, tender, lots=[lot.number for lot in lots], source=details.source)
    return tender


def _locked(tender: TenderDocument) -> TenderDocument:
    return (
        TenderDocument.objects.at(tender.center_id)
        .select_for_update(of=("self",))
        .select_related("center", "agency__subject", "project", "document")
        .get(pk=tender.pk)
    )


def tender_update(
    *,
    actor: Actor,
    tender: TenderDocument,
    lots: Sequence[Lot],
    details: TenderDetails,
    now: dt.datetime | None = None,
) -> TenderDocument:
    """「修改保存」 of a draft: a new document (rendered again, or the new upload); seals start over."""
    now = now or timezone.now()
    _guard(tender.status, tender.get_status_display(), "save")
    project = tender.project
    _check_project(project, tender.center, tender.agency)
    lots = _check_lots(project, lots, tender)
    keep = details.source == TenderSource.UPLOAD and not details.pdf and tender.source == TenderSource.UPLOAD
    _check_source(project, details, has_document=keep)
    check_dates(details, lots, method=project.method, now=now)
    document = tender.document if keep else _make_document(actor, project, lots, details, now)
    with transaction.atomic():
        locked = _locked(tender)
        _guard(locked.status, locked.get_status_display(), "save")
        locked.source = details.source
        locked.template = details.template if details.source == TenderSource.TEMPLATE else ""
        locked.fields = details.fields if details.source == TenderSource.TEMPLATE else {}
        locked.document = document
        locked.documents_from = details.documents_from
        locked.documents_until = details.documents_until
        locked.bid_deadline = details.bid_deadline
        locked.opening_place = details.opening_place
        locked.save()
        locked.lots.set(lots)
        _audit(actor, rules.AUDIT_SAVED, locked, lots=[lot.number for lot in lots], source=details.source)
    return locked


def tender_seal(tender: TenderDocument) -> Signature | None:
    """The agency unit's valid seal on the tender document (at 采购代理机构（盖章） when rendered)."""
    return unit_seal(tender.document, tender.agency.subject, AGENCY_PLACE)


def tender_submit(*, actor: Actor, tender: TenderDocument, now: dt.datetime | None = None) -> TenderDocument:
    """「确认提交」: sealed by the agency's unit, dates still in time, lots still free. Final."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(tender)
        after = _guard(locked.status, locked.get_status_display(), "submit")
        lots = list(locked.lots.order_by("number"))
        _check_project(locked.project, locked.center, locked.agency)
        _check_lots(locked.project, lots, locked)
        details = TenderDetails(
            source=locked.source,
            documents_from=locked.documents_from,
            documents_until=locked.documents_until,
            bid_deadline=locked.bid_deadline,
        )
        check_dates(details, lots, method=locked.project.method, now=now)
        signature = tender_seal(locked)
        if signature is None:
            raise DomainError(rules.NOT_SEALED.format(name=locked.agency.subject.name))
        locked.status = after
        locked.submitted_at = now
        locked.opinion = signature.opinion[:200]
        locked.save(update_fields=["status", "submitted_at", "opinion", "updated_at"])
        _audit(actor, rules.AUDIT_SUBMITTED, locked, signature=signature.pk)
    return locked


def project_withdraw_blocker(project: Project) -> str | None:
    """services.WITHDRAW_BLOCKERS: a submitted tender document keeps its project approved."""
    if TenderDocument.objects.filter(project=project, status=TenderStatus.SUBMITTED).exists():
        return rules.WITHDRAW_BLOCKED.format(name=project.name)
    return None


if project_withdraw_blocker not in services.WITHDRAW_BLOCKERS:
    services.WITHDRAW_BLOCKERS.append(project_withdraw_blocker)
