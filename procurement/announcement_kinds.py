"""What each kind of 公告 checks, holds and renders, and what its publication does (004 §3.7-3.13).

A Kind is data plus five functions over an Announcement (saved or not yet):
- `clean(announcement, data, now)`: the kind's fields from the form, set on the row, refused with
  the field to fix;
- `preconditions(announcement, now)`: the manual's 前置条件 and the lot's stage, each refusal naming
  what is missing;
- `clock(announcement, now)`: the statutory limits that must hold when it is submitted and again
  when it is published (None, or the refusal citing the article);
- `warning(announcement, now)`: a limit already missed that publication cannot mend (shown, not
  refused: a late 中标公告 must still be published);
- `publish(actor, announcement, now)`: inside the publication's transaction, the lot's move
  (procurement.lot_rules) and the tender document's new bid deadline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from centers.models import CenterSubject
from core.audit import Actor, audit_log
from core.errors import DomainError
from procurement import announcement_rules as rules
from procurement import (
    clarifications,
    deadlines,
    lot_rules,
    lot_states,
    tender_rules,
    tender_selectors,
    tender_templates,
    tenders,
    venue_rules,
)
from procurement.announcement_models import (
    EXCEPTION_KINDS,
    Announcement,
    AnnouncementKind,
    AnnouncementStatus,
    FailureReason,
)
from procurement.deadlines import format_time
from procurement.lot_models import EvaluationOutcome
from procurement.models import LotStage, ProjectStatus
from procurement.tender_models import TenderDocument, TenderStatus
from registry.models import Attachment, SubjectStatus


@dataclass(frozen=True)
class Kind:
    key: str
    template: str  # signing.document_kinds
    title: str  # the document's title
    review_title: str
    clean: Callable[[Announcement, dict[str, Any], dt.datetime], None]
    preconditions: Callable[[Announcement, dt.datetime], None]
    clock: Callable[[Announcement, dt.datetime], str | None]
    context: Callable[[Announcement, dt.datetime], dict[str, Any]]
    publish: Callable[[Actor, Announcement, dt.datetime], None]
    warning: Callable[[Announcement, dt.datetime], str | None] = lambda announcement, now: None

    @property
    def label(self) -> str:
        return AnnouncementKind(self.key).label

    def names(self, announcement: Announcement) -> dict[str, Any]:
        project, lot = announcement.project, announcement.lot
        return {
            "code": project.code,
            "name": project.name,
            "number": lot.number if lot else "",
            "kind": self.label,
        }


def _text(data: dict[str, Any], key: str, *, required: str | None = None) -> str:
    text = str(data.get(key) or "").strip()
    limit = rules.OTHER_MATTERS_LIMIT if key == "other_matters" else rules.CONTENT_LIMIT
    if len(text) > limit:
        too_long = rules.OTHER_MATTERS_TOO_LONG if key == "other_matters" else rules.CONTENT_TOO_LONG
        raise DomainError(too_long, field=key)
    if required and not text:
        raise DomainError(required, field=key)
    return text


def _own_file(announcement: Announcement, data: dict[str, Any], slot: str, required: str) -> dict[str, Any]:
    """{slot: reference} of the agency's own stored file the form chose for `slot`."""
    chosen: Attachment | None = data.get(slot)
    if chosen is None:
        raise DomainError(required, field=slot)
    if chosen.subject_id != announcement.agency.subject_id:
        raise DomainError(rules.MATERIAL_NOT_OWN, field=slot)
    return {slot: chosen.reference()}


def _others(announcement: Announcement, **filters: Any) -> Any:
    """The tender document's announcements of the same kind, this one left out."""
    found = Announcement.objects.filter(tender_id=announcement.tender_id, kind=announcement.kind, **filters)
    return found.exclude(pk=announcement.pk) if announcement.pk else found


def _lots(announcement: Announcement) -> list[Any]:
    """The lots the announcement moves: its one lot, or the tender document's; a 变更公告 concerns
    the lots still running (not those suspended, terminated or already decided), if any are."""
    if announcement.lot_id:
        return [announcement.lot]
    lots = list(announcement.tender.lots.order_by("number"))
    if announcement.kind == AnnouncementKind.CORRECTION:
        return [lot for lot in lots if lot.stage == LotStage.ANNOUNCED] or lots
    return lots


def _parties(announcement: Announcement, now: dt.datetime) -> dict[str, Any]:
    project = announcement.project
    return {
        "project_name": project.name,
        "project_code": project.code,
        "purchaser": {"name": project.purchaser_name, "address": "", "contact": "", "phone": ""},
        "agency": tenders.party_of(project.agency),
        "project_contact": {"name": project.contact_name, "phone": project.contact_phone},
        "published_on": tenders.day_text(now),
    }


def _stage(announcement: Announcement, now: dt.datetime) -> None:
    action = lot_rules.ACTION_OF_KIND[announcement.kind]
    lot_states.check(_lots(announcement), action, announcement.tender, now)


def _advance(actor: Actor, announcement: Announcement, now: dt.datetime) -> None:
    action = lot_rules.ACTION_OF_KIND[announcement.kind]
    lot_states.advance(
        actor=actor, lots=_lots(announcement), action=action, tender=announcement.tender, now=now
    )


# --- 招标公告 (§3.7) -----------------------------------------------------------------------------------


def _tender_clean(announcement: Announcement, data: dict[str, Any], now: dt.datetime) -> None:
    announcement.other_matters = _text(data, "other_matters")


def _tender_preconditions(announcement: Announcement, now: dt.datetime) -> None:
    """004 §3.7 前置条件, in the order the manual lists them."""
    tender, project = announcement.tender, announcement.project
    if project.status != ProjectStatus.APPROVED:
        raise DomainError(
            rules.PROJECT_NOT_APPROVED.format(name=project.name, status=project.get_status_display())
        )
    if tender.status != TenderStatus.SUBMITTED:
        raise DomainError(rules.TENDER_NOT_SUBMITTED.format(status=tender.get_status_display()))
    if tender_selectors.opening_booking(list(tender.lots.all())) is None:
        raise DomainError(rules.OPENING_NOT_BOOKED)
    moving = tender_selectors.opening_to_move(tender)
    if moving is not None:
        booking = moving.booking
        slot = venue_rules.slot_text(booking.room, booking.starts_at, booking.ends_at)
        to_move = tender_rules.OPENING_TO_MOVE.format(deadline=format_time(tender.bid_deadline), slot=slot)
        raise DomainError(to_move + rules.OPENING_FIRST)
    existing = _others(announcement).first()
    if existing is not None:
        raise DomainError(rules.TENDER_NOTICE_EXISTS.format(status=existing.get_status_display()))
    _stage(announcement, now)


def check_clock(tender: TenderDocument, *, publishing_at: dt.datetime) -> str | None:
    """None when publishing at `publishing_at` keeps the documents' limits; else the refusal."""
    refusal = deadlines.check(deadlines.DOCUMENTS_AVAILABLE, publishing_at, tender.documents_until)
    if refusal:
        return refusal
    issued = max(tender.documents_from, publishing_at)
    rule = deadlines.response_deadline_rule(tender.project.method)
    return deadlines.check(rule, issued, tender.bid_deadline) if rule else None


def _tender_context(announcement: Announcement, now: dt.datetime) -> dict[str, Any]:
    tender = announcement.tender
    lots = list(tender.lots.order_by("number"))
    template = tender_templates.TEMPLATES.get(tender.template)
    filled = {**(template.defaults if template else {}), **(tender.fields or {})}
    common = tenders.common_context(
        tender.project,
        lots,
        documents_from=tender.documents_from,
        documents_until=tender.documents_until,
        bid_deadline=tender.bid_deadline,
        opening_place=tender.opening_place,
    )
    other_matters = announcement.other_matters
    return {
        **common,
        "lots": [tenders.lot_row(lot) for lot in lots],
        "contract_period": filled.get("contract_period") or "详见招标文件",
        "consortium": filled.get("consortium") or "不接受",
        "documents_price": filled.get("documents_price") or "0元",
        "notice_period": "自本公告发布之日起5个工作日。",
        "other_matters": [line.strip() for line in other_matters.splitlines() if line.strip()],
        "published_on": tenders.day_text(now),
    }


TENDER = Kind(
    key=AnnouncementKind.TENDER,
    template="announcement",
    title=rules.TITLE,
    review_title=rules.REVIEW_TITLE,
    clean=_tender_clean,
    preconditions=_tender_preconditions,
    clock=lambda announcement, now: check_clock(announcement.tender, publishing_at=now),
    context=_tender_context,
    publish=_advance,
)


# --- 变更公告 (§3.8) -----------------------------------------------------------------------------------


def tender_notice(tender: TenderDocument) -> Announcement | None:
    return tender.announcements.filter(kind=AnnouncementKind.TENDER).first()


def _announced_since(tender: TenderDocument) -> dt.datetime | None:
    """When the tender document's deadline and content were last announced: its latest published
    招标公告 or 变更公告."""
    last = (
        tender.announcements.filter(
            kind__in=[AnnouncementKind.TENDER, AnnouncementKind.CORRECTION],
            status=AnnouncementStatus.PUBLISHED,
        )
        .order_by("-published_at")
        .first()
    )
    return last.published_at if last else None


def clarifications_since(tender: TenderDocument) -> list[Any]:
    """The 答疑澄清文件 submitted since the last announcement: what makes 是否有答疑澄清文件 「是」."""
    since = _announced_since(tender)
    found = tender.clarifications.filter(status=TenderStatus.SUBMITTED)
    return list(found.filter(submitted_at__gt=since) if since else found)


def _check_new_deadline(announcement: Announcement, now: dt.datetime) -> None:
    """A new deadline later than the tender document's and the future, and, for a change that
    affects bids, at least 15 days after `now` (87号令 art. 27): the clarifications' rule."""
    clarifications.check_new_deadline(
        tender=announcement.tender,
        affects_bids=announcement.affects_bids,
        new_bid_deadline=announcement.new_bid_deadline,
        now=now,
    )


def _deadline_refusal(announcement: Announcement, now: dt.datetime) -> str | None:
    try:
        _check_new_deadline(announcement, now)
    except DomainError as error:
        return error.message
    return None


def _move_deadline(actor: Actor, announcement: Announcement) -> None:
    """Publication moves the tender document's bid deadline (= opening) to the new one, audited on
    the tender document as a clarification's move is."""
    new = announcement.new_bid_deadline
    assert new is not None
    tender = TenderDocument.objects.select_for_update().get(pk=announcement.tender_id)
    before, tender.bid_deadline = tender.bid_deadline, new
    tender.save(update_fields=["bid_deadline", "updated_at"])
    audit_log(
        actor=actor,
        action=rules.AUDIT_DEADLINE_MOVED,
        target=tender,
        subject_id=announcement.agency.subject_id,
        data={"announcement": announcement.pk, "from": before.isoformat(), "to": new.isoformat()},
    )
    announcement.tender = tender


def _correction_clean(announcement: Announcement, data: dict[str, Any], now: dt.datetime) -> None:
    tender = announcement.tender
    announcement.content = _text(data, "content", required=rules.CONTENT_REQUIRED)
    announcement.affects_bids = bool(data.get("affects_bids"))
    announcement.new_bid_deadline = data.get("new_bid_deadline") or None
    _check_new_deadline(announcement, now)
    announcement.old_bid_deadline = tender.bid_deadline
    announcement.has_clarification = bool(clarifications_since(tender))


def _correction_preconditions(announcement: Announcement, now: dt.datetime) -> None:
    notice = tender_notice(announcement.tender)
    if notice is None:
        raise DomainError(rules.NO_NOTICE)
    if notice.status != AnnouncementStatus.PUBLISHED:
        raise DomainError(rules.NOTICE_NOT_PUBLISHED.format(status=notice.get_status_display()))
    pending = _others(announcement).exclude(status=AnnouncementStatus.PUBLISHED).first()
    if pending is not None:
        raise DomainError(rules.CORRECTION_PENDING.format(status=pending.get_status_display()))
    _stage(announcement, now)


def _correction_clock(announcement: Announcement, now: dt.datetime) -> str | None:
    """Counted from the moment of publication: later only, and 15 days for a change that affects
    bids (87号令 art. 27); the opening room already moved to the new deadline (art. 39)."""
    refusal = _deadline_refusal(announcement, now)
    if refusal:
        return refusal
    new = announcement.new_bid_deadline
    if new is None:
        return None
    booking = tender_selectors.opening_booking(_lots(announcement))
    if booking is not None and booking.starts_at != new:
        slot = venue_rules.slot_text(booking.room, booking.starts_at, booking.ends_at)
        return rules.CORRECTION_OPENING_FIRST.format(deadline=format_time(new), slot=slot)
    return None


def _correction_context(announcement: Announcement, now: dt.datetime) -> dict[str, Any]:
    tender = announcement.tender
    new = announcement.new_bid_deadline
    old = announcement.old_bid_deadline or tender.bid_deadline
    notice = tender_notice(tender)
    return {
        **_parties(announcement, now),
        "notice_published_on": tenders.day_text(notice.published_at)
        if notice and notice.published_at
        else "",
        "lots": [tenders.lot_row(lot) for lot in _lots(announcement)],
        "content": [line.strip() for line in announcement.content.splitlines() if line.strip()],
        "postponed": new is not None,
        "old_bid_deadline": format_time(old),
        "new_bid_deadline": format_time(new) if new else "",
        "opening_place": tender.opening_place or "公共资源交易中心开标室",
        "has_clarification": announcement.has_clarification,
        "clarifications": [f"第{c.number}次澄清" for c in clarifications_since(tender)],
        "notice_period": "自本公告发布之日起1个工作日。",
    }


def _correction_publish(actor: Actor, announcement: Announcement, now: dt.datetime) -> None:
    _stage(announcement, now)
    if announcement.new_bid_deadline is not None:
        _move_deadline(actor, announcement)


CORRECTION = Kind(
    key=AnnouncementKind.CORRECTION,
    template="correction",
    title=rules.CORRECTION_TITLE,
    review_title=rules.CORRECTION_REVIEW_TITLE,
    clean=_correction_clean,
    preconditions=_correction_preconditions,
    clock=_correction_clock,
    context=_correction_context,
    publish=_correction_publish,
)


# --- 中标公告 (§3.11) and 废标公告 (§3.13): one lot, after its evaluation ------------------------------------


def _result_preconditions(announcement: Announcement, now: dt.datetime) -> None:
    lot = announcement.lot
    if lot is None or not announcement.tender.lots.filter(pk=lot.pk).exists():
        raise DomainError(rules.LOT_NOT_IN_TENDER)
    same = Announcement.objects.filter(lot=lot, kind=announcement.kind)
    existing = (same.exclude(pk=announcement.pk) if announcement.pk else same).first()
    if existing is not None:
        raise DomainError(
            rules.RESULT_EXISTS.format(
                number=lot.number, kind=existing.get_kind_display(), status=existing.get_status_display()
            )
        )
    _stage(announcement, now)


def _award_preconditions(announcement: Announcement, now: dt.datetime) -> None:
    _result_preconditions(announcement, now)
    lot = announcement.lot
    assert lot is not None
    evaluation = lot_states.latest_evaluation(lot)
    if evaluation is not None and evaluation.outcome != EvaluationOutcome.CANDIDATES:
        raise DomainError(
            rules.NO_CANDIDATES.format(number=lot.number, outcome=evaluation.get_outcome_display())
        )


def winners_search(announcement: Announcement, query: str) -> list[CenterSubject]:
    """「检索」: the center's valid units whose name holds `query` or whose code starts with it."""
    from centers.staff_selectors import subjects_search

    query = query.strip()
    if not query:
        return []
    found = subjects_search(center=announcement.center, query=query).filter(
        subject__status=SubjectStatus.VALID, subject__code_type="uscc"
    )
    return list(found.select_related("subject").order_by("subject__name")[:20])


def current_award(lot: Any) -> Announcement | None:
    """The lot's award as it stands: its latest published 中标公告 or 中标公告变更."""
    return (
        Announcement.objects.filter(
            lot=lot,
            kind__in=[AnnouncementKind.AWARD, AnnouncementKind.AWARD_CHANGE],
            status=AnnouncementStatus.PUBLISHED,
        )
        .order_by("-published_at", "-pk")
        .first()
    )


def _award_change_preconditions(announcement: Announcement, now: dt.datetime) -> None:
    lot = announcement.lot
    if lot is None or not announcement.tender.lots.filter(pk=lot.pk).exists():
        raise DomainError(rules.LOT_NOT_IN_TENDER)
    _stage(announcement, now)
    pending = _others(announcement).filter(lot=lot).exclude(status=AnnouncementStatus.PUBLISHED).first()
    if pending is not None:
        raise DomainError(
            rules.AWARD_CHANGE_PENDING.format(number=lot.number, status=pending.get_status_display())
        )


def _award_change_clean(announcement: Announcement, data: dict[str, Any], now: dt.datetime) -> None:
    _award_clean(announcement, data, now)
    announcement.content = _text(data, "content", required=rules.CHANGE_REASON_REQUIRED)


def _award_clean(announcement: Announcement, data: dict[str, Any], now: dt.datetime) -> None:
    lot = announcement.lot
    assert lot is not None
    winner = data.get("winner")
    if winner is None:
        raise DomainError(rules.WINNER_REQUIRED, field="winner_code")
    if winner.center_id != announcement.center_id or winner.subject.status != SubjectStatus.VALID:
        raise DomainError(rules.WINNER_NOT_VALID.format(name=winner.subject.name), field="winner_code")
    price: Decimal | None = data.get("price")
    if price is None:
        raise DomainError(rules.PRICE_REQUIRED, field="price")
    if lot.budget is not None and price > lot.budget:
        refusal = rules.PRICE_OVER_BUDGET.format(
            price=tenders.money_text(price), number=lot.number, budget=tenders.money_text(lot.budget)
        )
        raise DomainError(refusal, field="price")
    awarded_at: dt.datetime | None = data.get("awarded_at")
    if awarded_at is None:
        raise DomainError(rules.AWARDED_AT_REQUIRED, field="awarded_at")
    if awarded_at > now:
        raise DomainError(rules.AWARDED_IN_FUTURE.format(at=format_time(awarded_at)), field="awarded_at")
    evaluation = lot_states.latest_evaluation(lot)
    if evaluation is not None and awarded_at < evaluation.ended_at:
        refusal = rules.AWARDED_BEFORE_EVALUATION.format(
            at=format_time(awarded_at), ended=format_time(evaluation.ended_at)
        )
        raise DomainError(refusal, field="awarded_at")
    announcement.winner = winner
    announcement.winner_name = winner.subject.name
    announcement.winner_code = winner.subject.code
    announcement.price = price
    announcement.awarded_at = awarded_at
    announcement.content = _text(data, "content")


def _award_warning(announcement: Announcement, now: dt.datetime) -> str | None:
    """87号令 art. 69: published within 2 working days of the winner's determination."""
    if announcement.awarded_at is None or announcement.status == AnnouncementStatus.PUBLISHED:
        return None
    refusal = deadlines.check(deadlines.AWARD_ANNOUNCEMENT, announcement.awarded_at, now)
    return rules.AWARD_LATE.format(refusal=refusal.rstrip("。")) if refusal else None


def _result_context(announcement: Announcement, now: dt.datetime) -> dict[str, Any]:
    lot = announcement.lot
    assert lot is not None
    tender = announcement.tender
    notice = tender_notice(tender)
    evaluation = lot_states.latest_evaluation(lot)
    before = current_award(lot) if announcement.kind == AnnouncementKind.AWARD_CHANGE else None
    return {
        "before": {
            "name": before.winner_name if before else "",
            "code": before.winner_code if before else "",
            "price": f"人民币{tenders.money_text(before.price)}元"
            if before and before.price is not None
            else "",
            "published_on": tenders.day_text(before.published_at) if before and before.published_at else "",
        },
        **_parties(announcement, now),
        "lot": tenders.lot_row(lot),
        "notice_published_on": tenders.day_text(notice.published_at)
        if notice and notice.published_at
        else "",
        "opening_time": format_time(tender.bid_deadline),
        "evaluation_ended": format_time(evaluation.ended_at) if evaluation else "",
        "winner": {
            "name": announcement.winner_name,
            "code": announcement.winner_code,
            "address": (announcement.winner.registry_data or {}).get("address", "")
            if announcement.winner
            else "",
        },
        "price": f"人民币{tenders.money_text(announcement.price)}元"
        if announcement.price is not None
        else "",
        "awarded_on": format_time(announcement.awarded_at) if announcement.awarded_at else "",
        "reason": announcement.get_failure_reason_display() if announcement.failure_reason else "",
        "content": [line.strip() for line in announcement.content.splitlines() if line.strip()],
        "notice_period": "自本公告发布之日起1个工作日。",
    }


def _failure_clean(announcement: Announcement, data: dict[str, Any], now: dt.datetime) -> None:
    reason = str(data.get("failure_reason") or "")
    if reason not in FailureReason.values:
        raise DomainError(rules.REASON_REQUIRED, field="failure_reason")
    announcement.failure_reason = reason
    announcement.content = _text(data, "content", required=rules.EXPLANATION_REQUIRED)
    announcement.attachments = _own_file(announcement, data, rules.MATERIAL_SLOT, rules.MATERIAL_REQUIRED)


# --- 采购异常 (§3.9): 项目暂停 (中止), 项目取消 (终止), 恢复交易 ------------------------------------------


def _one_lot(announcement: Announcement) -> Any:
    lot = announcement.lot
    if lot is None or not announcement.tender.lots.filter(pk=lot.pk).exists():
        raise DomainError(rules.LOT_NOT_IN_TENDER)
    return lot


def _exception_preconditions(announcement: Announcement, now: dt.datetime) -> None:
    """The lot's stage, and no other 采购异常 of the lot waiting."""
    lot = _one_lot(announcement)
    _stage(announcement, now)
    pending = (
        Announcement.objects.filter(lot=lot, kind__in=EXCEPTION_KINDS)
        .exclude(status=AnnouncementStatus.PUBLISHED)
        .exclude(pk=announcement.pk)
        .first()
    )
    if pending is not None:
        raise DomainError(
            rules.EXCEPTION_PENDING.format(
                number=lot.number, kind=pending.get_kind_display(), status=pending.get_status_display()
            )
        )


def _exception_clean(announcement: Announcement, data: dict[str, Any], now: dt.datetime) -> None:
    """项目暂停 / 项目取消: why, and the purchaser's sealed decision (scanned)."""
    announcement.content = _text(data, "content", required=rules.REASON_TEXT_REQUIRED)
    announcement.attachments = _own_file(announcement, data, rules.DECISION_SLOT, rules.DECISION_REQUIRED)


def _resumption_preconditions(announcement: Announcement, now: dt.datetime) -> None:
    """A resumed lot opens at a new deadline of the whole tender document: no other lot of it may
    wait for its evaluation at the old one."""
    _exception_preconditions(announcement, now)
    tender = announcement.tender
    waiting = [
        lot.number
        for lot in tender.lots.order_by("number")
        if lot.pk != announcement.lot_id and lot_states.is_opened(lot, tender, now)
    ]
    if waiting:
        raise DomainError(rules.RESUME_OTHERS_OPENED.format(numbers="、".join(map(str, waiting))))


def _resumption_clean(announcement: Announcement, data: dict[str, Any], now: dt.datetime) -> None:
    announcement.content = _text(data, "content", required=rules.REASON_TEXT_REQUIRED)
    announcement.new_bid_deadline = data.get("new_bid_deadline") or None
    if announcement.new_bid_deadline is None:
        raise DomainError(rules.RESUME_DEADLINE_REQUIRED, field="new_bid_deadline")
    announcement.affects_bids = bool(data.get("affects_bids"))
    announcement.old_bid_deadline = announcement.tender.bid_deadline
    _check_new_deadline(announcement, now)


def _resumption_clock(announcement: Announcement, now: dt.datetime) -> str | None:
    """The new deadline still later than the old and the future (and 15 days away for a change
    that affects bids) when published, and the lot's 开标室 booked and approved at it."""
    refusal = _deadline_refusal(announcement, now)
    if refusal:
        return refusal
    new, lot = announcement.new_bid_deadline, announcement.lot
    assert new is not None and lot is not None
    booking = tender_selectors.opening_booking([lot])
    if booking is None or booking.starts_at != new:
        return rules.RESUME_OPENING_FIRST.format(deadline=format_time(new), number=lot.number)
    return None


def _exception_context(announcement: Announcement, now: dt.datetime) -> dict[str, Any]:
    lot = announcement.lot
    assert lot is not None
    tender = announcement.tender
    notice = tender_notice(tender)
    new = announcement.new_bid_deadline
    return {
        **_parties(announcement, now),
        "change": {
            AnnouncementKind.SUSPENSION: "项目暂停（中止）",
            AnnouncementKind.TERMINATION: "项目取消（终止）",
            AnnouncementKind.RESUMPTION: "恢复交易",
        }[AnnouncementKind(announcement.kind)],
        "lot": tenders.lot_row(lot),
        "notice_published_on": tenders.day_text(notice.published_at)
        if notice and notice.published_at
        else "",
        "content": [line.strip() for line in announcement.content.splitlines() if line.strip()],
        "old_bid_deadline": format_time(announcement.old_bid_deadline or tender.bid_deadline),
        "new_bid_deadline": format_time(new) if new else "",
        "opening_place": tender.opening_place or "公共资源交易中心开标室",
        "notice_period": "自本公告发布之日起1个工作日。",
    }


def _resumption_publish(actor: Actor, announcement: Announcement, now: dt.datetime) -> None:
    _advance(actor, announcement, now)
    _move_deadline(actor, announcement)  # required by _resumption_clean


def _no_clock(announcement: Announcement, now: dt.datetime) -> str | None:
    return None


def _lot_kind(
    key: str,
    template: str,
    clean: Callable[[Announcement, dict[str, Any], dt.datetime], None],
    preconditions: Callable[[Announcement, dt.datetime], None],
    *,
    context: Callable[[Announcement, dt.datetime], dict[str, Any]] = _result_context,
    clock: Callable[[Announcement, dt.datetime], str | None] = _no_clock,
    publish: Callable[[Actor, Announcement, dt.datetime], None] = _advance,
    warning: Callable[[Announcement, dt.datetime], str | None] | None = None,
) -> Kind:
    """A kind of one lot's announcement: titled with the lot's number."""
    return Kind(
        key=key,
        template=template,
        title=rules.RESULT_TITLE,
        review_title=rules.RESULT_REVIEW_TITLE,
        clean=clean,
        preconditions=preconditions,
        clock=clock,
        context=context,
        publish=publish,
        **({"warning": warning} if warning else {}),
    )


AWARD = _lot_kind(AnnouncementKind.AWARD, "award", _award_clean, _award_preconditions, warning=_award_warning)
AWARD_CHANGE = _lot_kind(
    AnnouncementKind.AWARD_CHANGE, "award_change", _award_change_clean, _award_change_preconditions
)
FAILURE = _lot_kind(AnnouncementKind.FAILURE, "failure", _failure_clean, _result_preconditions)
SUSPENSION = _lot_kind(
    AnnouncementKind.SUSPENSION,
    "lot_exception",
    _exception_clean,
    _exception_preconditions,
    context=_exception_context,
)
TERMINATION = _lot_kind(
    AnnouncementKind.TERMINATION,
    "lot_exception",
    _exception_clean,
    _exception_preconditions,
    context=_exception_context,
)
RESUMPTION = _lot_kind(
    AnnouncementKind.RESUMPTION,
    "lot_exception",
    _resumption_clean,
    _resumption_preconditions,
    context=_exception_context,
    clock=_resumption_clock,
    publish=_resumption_publish,
)

KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in (TENDER, CORRECTION, AWARD, AWARD_CHANGE, FAILURE, SUSPENSION, TERMINATION, RESUMPTION)
}
