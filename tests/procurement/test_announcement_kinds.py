"""变更公告, 中标公告 and 废标公告 (004 §3.8, 3.11, 3.13) and the lot's life they move
(procurement.lot_rules): every precondition, transition and refusal, with the messages of the rules."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import DomainError
from core.models import AuditEntry
from procurement import (
    announcement_kinds,
    announcements,
    deadlines,
    lot_rules,
    lot_states,
    tender_rules,
    tender_selectors,
    venue_rules,
    venues,
)
from procurement import announcement_rules as rules
from procurement.announcement_models import Announcement, AnnouncementKind, AnnouncementStatus, FailureReason
from procurement.deadlines import format_time
from procurement.lot_models import EvaluationOutcome
from procurement.models import LotStage
from registry.models import Attachment, SubjectStatus
from tests.centers.people_factories import decide, stored, unit_actor
from tests.procurement.announcement_factories import evaluate, make, opened, publish
from tests.procurement.tender_factories import seal_as_agency

pytestmark = pytest.mark.django_db


def refused(call, *args, **kwargs) -> str:
    with pytest.raises(DomainError) as error:
        call(*args, **kwargs)
    return error.value.message


# --- the lot's life ----------------------------------------------------------------------------------


def test_publishing_the_tender_notice_announces_its_lots(agency, issued, announced):
    lots = list(announced.lots.all())
    assert lots and all(lot.stage == LotStage.ANNOUNCED for lot in lots)
    assert lot_states.stage_label(lots[0], announced) == "已发布招标公告"
    moves = AuditEntry.objects.filter(action=lot_rules.AUDIT_STAGE, target_id=str(lots[0].pk))
    assert moves.get().data["to"] == LotStage.ANNOUNCED
    # A lot is announced once: a second 招标公告 is refused before its stage is.
    account, entry = agency
    assert refused(
        make, account, entry, AnnouncementKind.TENDER, announced
    ) == rules.TENDER_NOTICE_EXISTS.format(status="已发布")


def test_the_evaluation_waits_for_the_opening(announced, changde_reviewer):
    lot = announced.lots.first()
    assert lot_states.lots_to_evaluate(center=announced.center) == []
    ended = timezone.now() - dt.timedelta(minutes=10)
    assert refused(
        lot_states.evaluation_record,
        actor=changde_reviewer,
        center=announced.center,
        lot=lot,
        outcome=EvaluationOutcome.CANDIDATES,
        ended_at=ended,
    ) == lot_rules.ENDED_BEFORE_OPENING.format(
        ended=format_time(ended), opening=format_time(announced.bid_deadline)
    )
    later = announced.bid_deadline - dt.timedelta(hours=1)
    assert lot_states.refusal(lot, "evaluate", announced, later) == lot_rules.NOT_YET_OPENED.format(
        number=lot.number, deadline=format_time(announced.bid_deadline), action="录入评标结果"
    )


def test_evaluation_results_are_recorded_after_the_opening(announced, changde_reviewer):
    tender = opened(announced)
    lot = tender.lots.order_by("number").first()
    assert (lot, tender) in lot_states.lots_to_evaluate(center=tender.center)
    future = timezone.now() + dt.timedelta(hours=1)
    assert refused(
        lot_states.evaluation_record,
        actor=changde_reviewer,
        center=tender.center,
        lot=lot,
        outcome=EvaluationOutcome.CANDIDATES,
        ended_at=future,
    ) == lot_rules.ENDED_IN_FUTURE.format(ended=format_time(future))
    assert (
        refused(evaluate, changde_reviewer, tender, lot, EvaluationOutcome.NONE)
        == lot_rules.NOTE_REQUIRED_FOR_NONE
    )
    result = evaluate(changde_reviewer, tender, lot, note="推荐中标候选人3名。")
    lot.refresh_from_db()
    assert lot.stage == LotStage.EVALUATED and result.outcome == EvaluationOutcome.CANDIDATES
    assert AuditEntry.objects.filter(action=lot_rules.AUDIT_EVALUATION, target_id=str(lot.pk)).exists()
    # Once over, only a 项目复评 that has begun takes a result again (test_re_evaluations.py).
    assert refused(evaluate, changde_reviewer, tender, lot) == lot_rules.RE_EVALUATION_NOT_HELD.format(
        number=lot.number
    )
    assert (lot, tender) not in lot_states.lots_to_evaluate(center=tender.center)


# --- 中标公告 -----------------------------------------------------------------------------------------


def test_an_award_needs_the_evaluation_over(agency, announced):
    account, entry = agency
    lot = announced.lots.order_by("number").first()
    message = refused(
        make, account, entry, AnnouncementKind.AWARD, announced, lot,
        winner=entry, price=Decimal("100"), awarded_at=timezone.now(),
    )  # fmt: skip
    assert (
        message
        == lot_rules.STAGE.format(number=lot.number, stage="已发布招标公告", action="发布中标公告")
        + lot_rules.STAGE_WHY[LotStage.ANNOUNCED]
    )


def test_the_award_names_a_valid_winner_a_price_within_the_budget_and_a_time(agency, evaluated):
    account, entry = agency
    tender, lot = evaluated
    base = {
        "winner": entry,
        "price": Decimal("100.00"),
        "awarded_at": timezone.now() - dt.timedelta(minutes=5),
    }
    kind = AnnouncementKind.AWARD
    assert (
        refused(make, account, entry, kind, tender, lot, **{**base, "winner": None}) == rules.WINNER_REQUIRED
    )
    over = lot.budget + 1
    assert refused(
        make, account, entry, kind, tender, lot, **{**base, "price": over}
    ) == rules.PRICE_OVER_BUDGET.format(price=f"{over:,.2f}", number=lot.number, budget=f"{lot.budget:,.2f}")
    early = timezone.now() - dt.timedelta(days=3)
    ended = lot_states.latest_evaluation(lot).ended_at
    assert refused(make, account, entry, kind, tender, lot, **{**base, "awarded_at": early}) == (
        rules.AWARDED_BEFORE_EVALUATION.format(at=format_time(early), ended=format_time(ended))
    )
    entry.subject.status = SubjectStatus.INVALID
    entry.subject.save(update_fields=["status"])
    assert refused(make, account, entry, kind, tender, lot, **base) == rules.WINNER_NOT_VALID.format(
        name=entry.subject.name
    )
    assert not Announcement.objects.filter(kind=kind).exists()


def test_an_award_is_published_and_the_lot_is_awarded(agency, evaluated, key, changde_reviewer):
    account, entry = agency
    tender, lot = evaluated
    awarded_at = timezone.now() - dt.timedelta(minutes=5)
    made = make(
        account, entry, AnnouncementKind.AWARD, tender, lot,
        winner=entry, price=Decimal("98000.50"), awarded_at=awarded_at, content="",
    )  # fmt: skip
    assert (made.winner_name, made.winner_code) == (entry.subject.name, entry.subject.code)
    assert made.document.kind == "award" and announcements.announcement_warning(made) is None
    done = publish(account, made, key, changde_reviewer)
    lot.refresh_from_db()
    assert done.status == AnnouncementStatus.PUBLISHED and lot.stage == LotStage.AWARDED
    # One 中标公告 per lot; after it, neither a failure nor another award.
    assert refused(
        make, account, entry, AnnouncementKind.FAILURE, tender, lot,
        failure_reason=FailureReason.TOO_FEW, content="x",
    ).startswith(lot_rules.STAGE.format(number=lot.number, stage="已发布中标公告", action="发布废标公告"))  # fmt: skip


def test_a_late_award_is_warned_with_the_article_and_still_published(
    agency, evaluated, key, changde_reviewer
):
    account, entry = agency
    tender, lot = evaluated
    # The evaluation ended 10 minutes ago; a winner decided then and the notice weeks later reads the
    # same as a decision long ago: move the evaluation back to make the decision lawful.
    long_ago = timezone.now() - dt.timedelta(days=10)
    lot.evaluations.update(ended_at=long_ago - dt.timedelta(hours=1))
    made = make(
        account,
        entry,
        AnnouncementKind.AWARD,
        tender,
        lot,
        winner=entry,
        price=Decimal("1"),
        awarded_at=long_ago,
    )
    warning = announcements.announcement_warning(made)
    assert warning and "第六十九条" in warning and warning.startswith("已超过法定期限")
    assert publish(account, made, key, changde_reviewer).status == AnnouncementStatus.PUBLISHED


def test_no_candidates_means_a_failure_not_an_award(agency, announced, changde_reviewer):
    account, entry = agency
    tender = opened(announced)
    lot = tender.lots.order_by("number").first()
    evaluate(changde_reviewer, tender, lot, EvaluationOutcome.NONE, note="有效投标不足三家。")
    lot.refresh_from_db()
    message = refused(
        make, account, entry, AnnouncementKind.AWARD, tender, lot,
        winner=entry, price=Decimal("1"), awarded_at=timezone.now(),
    )  # fmt: skip
    assert message == rules.NO_CANDIDATES.format(number=lot.number, outcome=EvaluationOutcome.NONE.label)


# --- 废标公告 -----------------------------------------------------------------------------------------


def _material(account) -> Attachment:
    return stored(account, "conclusion.pdf")


def test_a_failure_needs_its_reason_an_explanation_and_the_committees_conclusion(
    agency, evaluated, key, changde_reviewer
):
    account, entry = agency
    tender, lot = evaluated
    kind = AnnouncementKind.FAILURE
    assert refused(make, account, entry, kind, tender, lot, content="x") == rules.REASON_REQUIRED
    reason = {"failure_reason": FailureReason.TOO_FEW}
    assert refused(make, account, entry, kind, tender, lot, **reason) == rules.EXPLANATION_REQUIRED
    full = {**reason, "content": "仅2家供应商递交投标文件。"}
    assert refused(make, account, entry, kind, tender, lot, **full) == rules.MATERIAL_REQUIRED
    made = make(account, entry, kind, tender, lot, **full, conclusion=_material(account))
    assert made.attachments[rules.MATERIAL_SLOT]["name"]
    done = publish(account, made, key, changde_reviewer)
    lot.refresh_from_db()
    assert done.status == AnnouncementStatus.PUBLISHED and lot.stage == LotStage.FAILED
    assert refused(
        make, account, entry, AnnouncementKind.AWARD, tender, lot,
        winner=entry, price=Decimal("1"), awarded_at=timezone.now(),
    ) == lot_rules.STAGE.format(number=lot.number, stage="已废标", action="发布中标公告") + lot_rules.STAGE_WHY[
        LotStage.FAILED
    ]  # fmt: skip


# --- 变更公告 -----------------------------------------------------------------------------------------


def test_a_correction_needs_a_published_tender_notice(agency, issued):
    account, entry = agency
    kind = AnnouncementKind.CORRECTION
    assert refused(make, account, entry, kind, issued.tender, content="更正。") == rules.NO_NOTICE
    make(account, entry, AnnouncementKind.TENDER, issued.tender)
    assert refused(
        make, account, entry, kind, issued.tender, content="更正。"
    ) == rules.NOTICE_NOT_PUBLISHED.format(status="编辑中")


def test_a_correction_moves_the_deadline_later_never_earlier(agency, announced):
    account, entry = agency
    earlier = announced.bid_deadline - dt.timedelta(days=1)
    message = refused(
        make,
        account,
        entry,
        AnnouncementKind.CORRECTION,
        announced,
        content="提前开标。",
        new_bid_deadline=earlier,
    )
    assert message == tender_rules.NEW_DEADLINE_NOT_LATER.format(
        new=format_time(earlier), old=format_time(announced.bid_deadline)
    )
    assert not Announcement.objects.filter(kind=AnnouncementKind.CORRECTION).exists()


def test_a_change_affecting_bids_less_than_15_days_before_the_deadline_must_postpone_it(agency, announced):
    account, entry = agency
    now = announced.bid_deadline - dt.timedelta(days=10)
    message = refused(
        make, account, entry, AnnouncementKind.CORRECTION, announced, now=now,
        content="技术参数修改。", affects_bids=True,
    )  # fmt: skip
    postponement = deadlines.clarification_postponement(published_at=now, deadline=announced.bid_deadline)
    assert postponement is not None and message == postponement.message
    assert "第二十七条" in message


def test_a_postponing_correction_waits_for_the_room_and_then_moves_the_deadline(
    agency, issued, announced, key, changde_reviewer
):
    account, entry = agency
    new = announced.bid_deadline + dt.timedelta(days=7)
    made = make(
        account, entry, AnnouncementKind.CORRECTION, announced,
        content="第2包技术参数修改。", affects_bids=True, new_bid_deadline=new,
    )  # fmt: skip
    assert made.old_bid_deadline == announced.bid_deadline and made.has_clarification is False
    seal_as_agency(account, made.document, key)
    booking = issued.booking
    slot = venue_rules.slot_text(booking.room, booking.starts_at, booking.ends_at)
    submit = announcements.announcement_submit
    assert refused(submit, actor=unit_actor(account), announcement=made, opinion="同意。") == (
        rules.CORRECTION_OPENING_FIRST.format(deadline=format_time(new), slot=slot)
    )
    change = venues.booking_change_request(
        actor=unit_actor(account), booking=issued.booking, room=issued.room, starts_at=new,
        duration=dt.timedelta(hours=2), reason="投标截止时间延期",
    )  # fmt: skip
    decide(changde_reviewer, change, approve=True, opinion="同意。")
    # The room moved ahead of the correction is not "left behind": the deadline follows on publication.
    assert tender_selectors.opening_to_move(announced) is None
    done = publish(account, made, key, changde_reviewer)
    announced.refresh_from_db()
    assert done.status == AnnouncementStatus.PUBLISHED and announced.bid_deadline == new
    moved = AuditEntry.objects.get(action=rules.AUDIT_DEADLINE_MOVED, target_id=str(announced.pk))
    assert moved.data["announcement"] == done.pk and moved.data["to"] == new.isoformat()
    assert all(lot.stage == LotStage.ANNOUNCED for lot in announced.lots.all())


def test_one_correction_at_a_time_and_none_after_the_opening(agency, announced):
    account, entry = agency
    kind = AnnouncementKind.CORRECTION
    make(account, entry, kind, announced, content="联系人变更。")
    assert refused(
        make, account, entry, kind, announced, content="又一次。"
    ) == rules.CORRECTION_PENDING.format(status="编辑中")
    Announcement.objects.filter(kind=kind).delete()
    tender = opened(announced)
    lot = tender.lots.order_by("number").first()
    assert refused(make, account, entry, kind, tender, content="更正。") == lot_rules.ALREADY_OPENED.format(
        number=lot.number, deadline=format_time(tender.bid_deadline), action="发布变更公告"
    )


# --- 中标公告变更 -------------------------------------------------------------------------------------


def test_an_award_change_corrects_a_published_award(agency, evaluated, key, changde_reviewer):
    account, entry = agency
    tender, lot = evaluated
    kind = AnnouncementKind.AWARD_CHANGE
    fields = {
        "winner": entry,
        "price": Decimal("90000.00"),
        "awarded_at": timezone.now() - dt.timedelta(minutes=5),
    }
    assert refused(make, account, entry, kind, tender, lot, **fields) == lot_rules.STAGE.format(
        number=lot.number, stage="评标结束", action="发布中标公告变更"
    )
    award = publish(
        account, make(account, entry, AnnouncementKind.AWARD, tender, lot, **fields), key, changde_reviewer
    )
    lot.refresh_from_db()
    assert announcement_kinds.current_award(lot) == award
    assert refused(make, account, entry, kind, tender, lot, **fields) == rules.CHANGE_REASON_REQUIRED
    change = make(
        account,
        entry,
        kind,
        tender,
        lot,
        **{**fields, "price": Decimal("89000.00")},
        content="金额录入有误。",
    )
    assert refused(
        make, account, entry, kind, tender, lot, **fields, content="又一次。"
    ) == rules.AWARD_CHANGE_PENDING.format(number=lot.number, status="编辑中")
    done = publish(account, change, key, changde_reviewer)
    lot.refresh_from_db()
    assert done.status == AnnouncementStatus.PUBLISHED and lot.stage == LotStage.AWARDED
    assert announcement_kinds.current_award(lot) == done and done.price == Decimal("89000.00")


# --- 采购异常: 项目暂停, 恢复交易, 项目取消 ------------------------------------------------------------


def test_a_suspended_lot_resumes_only_with_a_new_opening_and_its_announcement(
    agency, issued, announced, key, changde_reviewer
):
    account, entry = agency
    lot = announced.lots.order_by("number").first()
    kind = AnnouncementKind.SUSPENSION
    assert refused(make, account, entry, kind, announced, lot) == rules.REASON_TEXT_REQUIRED
    assert (
        refused(make, account, entry, kind, announced, lot, content="预算调整。") == rules.DECISION_REQUIRED
    )
    decision = stored(account, "decision.pdf")
    suspension = make(account, entry, kind, announced, lot, content="预算调整。", decision=decision)
    assert refused(
        make,
        account,
        entry,
        AnnouncementKind.TERMINATION,
        announced,
        lot,
        content="取消。",
        decision=decision,
    ) == rules.EXCEPTION_PENDING.format(number=lot.number, kind="变更公告（项目暂停）", status="编辑中")
    publish(account, suspension, key, changde_reviewer)
    lot.refresh_from_db()
    assert lot.stage == LotStage.SUSPENDED
    # Every later step is refused with the reason.
    why = lot_rules.STAGE_WHY[LotStage.SUSPENDED]
    opened_at = announced.bid_deadline + dt.timedelta(hours=1)
    assert (
        lot_states.refusal(lot, "evaluate", announced, opened_at)
        == lot_rules.STAGE.format(number=lot.number, stage="中止", action="录入评标结果") + why
    )
    # Resuming: a new deadline, and the opening room moved to it first.
    resume = AnnouncementKind.RESUMPTION
    assert (
        refused(make, account, entry, resume, announced, lot, content="恢复。")
        == rules.RESUME_DEADLINE_REQUIRED
    )
    new = announced.bid_deadline + dt.timedelta(days=10)
    resumption = make(
        account, entry, resume, announced, lot, content="暂停原因已消除。", new_bid_deadline=new
    )
    seal_as_agency(account, resumption.document, key)
    submit = announcements.announcement_submit
    assert refused(submit, actor=unit_actor(account), announcement=resumption, opinion="同意。") == (
        rules.RESUME_OPENING_FIRST.format(deadline=format_time(new), number=lot.number)
    )
    change = venues.booking_change_request(
        actor=unit_actor(account), booking=issued.booking, room=issued.room, starts_at=new,
        duration=dt.timedelta(hours=2), reason="恢复交易，重新确定开标时间",
    )  # fmt: skip
    decide(changde_reviewer, change, approve=True, opinion="同意。")
    done = publish(account, resumption, key, changde_reviewer)
    lot.refresh_from_db()
    announced.refresh_from_db()
    assert done.status == AnnouncementStatus.PUBLISHED and lot.stage == LotStage.ANNOUNCED
    assert announced.bid_deadline == new


def test_a_terminated_lot_is_final(agency, project, announced, key, changde_reviewer):
    account, entry = agency
    lot = announced.lots.order_by("number").first()
    decision = stored(account, "decision.pdf")
    kind = AnnouncementKind.TERMINATION
    publish(
        account,
        make(account, entry, kind, announced, lot, content="采购任务取消。", decision=decision),
        key,
        changde_reviewer,
    )
    lot.refresh_from_db()
    assert lot.stage == LotStage.TERMINATED
    why = lot_rules.STAGE_WHY[LotStage.TERMINATED]
    for other, action in (
        (AnnouncementKind.SUSPENSION, "项目暂停（中止）"),
        (AnnouncementKind.RESUMPTION, "恢复交易"),
    ):
        message = refused(make, account, entry, other, announced, lot, content="x", decision=decision)
        assert message == lot_rules.STAGE.format(number=lot.number, stage="终止", action=action) + why
    from procurement import venue_rules
    from tests.procurement.venue_factories import book, center_admin, make_room

    room = make_room(center_admin(entry.center), entry.center, name="终止测试开标室")
    with pytest.raises(DomainError) as error:
        book(account, project, room, announced.bid_deadline + dt.timedelta(days=30), lots=[lot])
    assert error.value.message == venue_rules.LOT_CLOSED.format(number=lot.number, stage="终止")
