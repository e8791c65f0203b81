"""答疑文件 (004 §3.6): the Nth clarification or modification of a submitted tender document.

When it may affect how bids are prepared and is issued less than 15 days before the bid deadline,
the deadline moves (财政部令第87号 art. 27): the form must carry a new deadline no earlier than
deadlines.clarification_postponement(...).deadline, checked again on 「确认提交」 (the day it is
issued), and submitting moves the tender document's bid deadline (= opening time) there.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.audit import Actor
from core.errors import DomainError
from procurement import deadlines
from procurement import tender_rules as rules
from procurement.deadlines import format_time
from procurement.tender_models import Clarification, TenderDocument
from procurement.tenders import AGENCY_PLACE, CLARIFICATION_KIND, _audit, _guard, party_of, unit_seal
from signing import imports as signing_imports
from signing import services as signing_services
from signing.models import Signature


def check_new_deadline(
    *, tender: TenderDocument, affects_bids: bool, new_bid_deadline: dt.datetime | None, now: dt.datetime
) -> None:
    """A new deadline later than the old and the future; required, and late enough, when art. 27
    says the deadline must move."""
    old = tender.bid_deadline
    if new_bid_deadline is not None:
        if new_bid_deadline <= old:
            refusal = rules.NEW_DEADLINE_NOT_LATER.format(
                new=format_time(new_bid_deadline), old=format_time(old)
            )
            raise DomainError(refusal, field="new_bid_deadline")
        in_future = deadlines.check_opening_time(new_bid_deadline, now=now)
        if in_future:
            raise DomainError(in_future, field="new_bid_deadline")
    if not affects_bids:
        return
    postponement = deadlines.clarification_postponement(published_at=now, deadline=old)
    if postponement is not None and (new_bid_deadline is None or new_bid_deadline < postponement.deadline):
        raise DomainError(postponement.message, field="new_bid_deadline")


def clarification_context(
    tender: TenderDocument,
    number: int,
    content: str,
    affects_bids: bool,
    new: dt.datetime | None,
    now: dt.datetime,
) -> dict:
    """The clarification kind's context (signing.document_kinds)."""
    project = tender.project
    lots = "、".join(f"第{lot.number}包" for lot in tender.lots.order_by("number"))
    new_text = format_time(new) if new else ""
    local = deadlines.local(now)
    return {
        "project_name": project.name,
        "project_code": project.code,
        "number": number,
        "scope": lots,
        "clarified_document": f"本项目招标文件（项目编号：{project.code}）",
        "items": [{"title": "澄清内容", "question": "", "original": "", "clarified": content}],
        "affects_bids": affects_bids,
        "bid_deadline": format_time(tender.bid_deadline),
        "new_bid_deadline": new_text,
        "new_opening_time": new_text,
        "new_opening_place": "",
        "agency": {k: v for k, v in party_of(tender.agency).items() if k != "address"},
        "issued_on": f"{local.year}年{local.month}月{local.day}日",
    }


def clarification_create(
    *,
    actor: Actor,
    tender: TenderDocument,
    affects_bids: bool,
    new_bid_deadline: dt.datetime | None = None,
    content: str = "",
    pdf: bytes | None = None,
    now: dt.datetime | None = None,
) -> Clarification:
    """「新增答疑文件」: 第N次澄清 of a submitted tender document, rendered from `content` or the
    uploaded PDF; a draft until sealed and submitted."""
    now = now or timezone.now()
    _guard(tender.status, tender.get_status_display(), "clarify")
    if not pdf and not content.strip():
        raise DomainError(rules.CLARIFICATION_CONTENT_REQUIRED, field="content")
    check_new_deadline(tender=tender, affects_bids=affects_bids, new_bid_deadline=new_bid_deadline, now=now)
    number = (tender.clarifications.aggregate(last=Max("number"))["last"] or 0) + 1
    project, subject = tender.project, tender.agency.subject
    common: dict[str, Any] = {
        "actor": actor,
        "subject": subject,
        "kind": CLARIFICATION_KIND,
        "title": rules.CLARIFICATION_TITLE.format(code=project.code, name=project.name, number=number)[:200],
        "center_code": tender.center.code,
        "subject_name": subject.name,
    }
    if pdf:
        document = signing_imports.document_import(pdf=pdf, **common)
    else:
        context = clarification_context(tender, number, content.strip(), affects_bids, new_bid_deadline, now)
        document = signing_services.document_create(context=context, **common)
    with transaction.atomic():
        locked = TenderDocument.objects.select_for_update().get(pk=tender.pk)
        _guard(locked.status, locked.get_status_display(), "clarify")
        number = (locked.clarifications.aggregate(last=Max("number"))["last"] or 0) + 1
        clarification = Clarification.objects.create(
            tender=locked,
            number=number,
            affects_bids=affects_bids,
            deadline_before=locked.bid_deadline,
            new_bid_deadline=new_bid_deadline,
            document=document,
        )
        _audit(actor, rules.AUDIT_CLARIFICATION_CREATED, tender, number=number, affects_bids=affects_bids)
    return clarification


def clarification_seal(clarification: Clarification) -> Signature | None:
    return unit_seal(clarification.document, clarification.tender.agency.subject, AGENCY_PLACE)


def clarification_submit(
    *, actor: Actor, clarification: Clarification, now: dt.datetime | None = None
) -> Clarification:
    """「确认提交」 of a clarification: sealed, the deadline rule checked on the day it is issued,
    and the tender document's bid deadline moved to the new one."""
    now = now or timezone.now()
    with transaction.atomic():
        tender = (
            TenderDocument.objects.select_for_update(of=("self",))
            .select_related("agency__subject")
            .get(pk=clarification.tender_id)
        )
        locked = (
            Clarification.objects.select_for_update(of=("self",))
            .select_related("document")
            .get(pk=clarification.pk)
        )
        locked.tender = tender
        label = locked.get_status_display()
        after = _guard(locked.status, label, "submit", rules.CLARIFICATION_STATE, number=locked.number)
        check_new_deadline(
            tender=tender, affects_bids=locked.affects_bids, new_bid_deadline=locked.new_bid_deadline, now=now
        )
        if clarification_seal(locked) is None:
            raise DomainError(rules.CLARIFICATION_NOT_SEALED.format(name=tender.agency.subject.name))
        locked.status = after
        locked.submitted_at = now
        locked.save(update_fields=["status", "submitted_at"])
        if locked.new_bid_deadline is not None:
            tender.bid_deadline = locked.new_bid_deadline
            tender.save(update_fields=["bid_deadline", "updated_at"])
        _audit(actor, rules.AUDIT_CLARIFICATION_SUBMITTED, tender, number=locked.number)
    return locked
