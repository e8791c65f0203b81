"""招标文件 (004 §3.5) and 答疑文件 (§3.6): draft, seal, 确认提交, clarify; every refusal's message.

The dates are fixed (tender_factories: prepared on Monday 1 June 2026, documents from Tuesday
2 June 09:00) so that each clock refusal's computed date is worked out here by hand.
"""

import datetime as dt

import pytest
from django.utils import timezone

from core.errors import DomainError
from core.models import AuditEntry
from procurement import deadlines, services, tenders
from procurement import tender_rules as rules
from procurement.clarifications import clarification_create, clarification_submit
from procurement.models import ProjectStatus
from procurement.tender_models import TenderSource, TenderStatus
from procurement.tender_templates import TEMPLATES, factors_total, templates_for
from tests.centers.people_factories import unit_actor
from tests.procurement.factories import make_project
from tests.procurement.tender_factories import (
    DEADLINE,
    FROM,
    NOW,
    UNTIL,
    details,
    local,
    make_tender,
    seal_as_agency,
)
from tests.procurement.venue_factories import (
    approved_booking,
    approved_project,
    at,
    center_admin,
    make_room,
)

pytestmark = pytest.mark.django_db


def refusal(call, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as refused:
        call(*args, **kwargs)
    return refused.value


# --- 范本 -------------------------------------------------------------------------------------------


def test_only_tender_methods_have_a_template_and_its_factors_add_up_to_100():
    assert [t.key for t in templates_for("open")] == ["open_goods"]
    assert [t.key for t in templates_for("invited")] == ["invited_goods"]
    for method in ("negotiation", "consultation", "inquiry", "single_source"):
        assert templates_for(method) == []
    for template in TEMPLATES.values():
        assert factors_total(template.defaults["factors"]) == 100


# --- drafts -----------------------------------------------------------------------------------------


def test_a_tender_from_the_template_is_a_rendered_draft_of_the_chosen_lots(agency, project):
    account, entry = agency
    first = project.lots.get(number=1)
    tender = make_tender(account, entry, project, lots=[first])
    assert tender.status == TenderStatus.DRAFT
    assert list(tender.lots.all()) == [first]
    assert tender.document.kind == "tender_document"
    assert tender.document.places["agency"]
    assert AuditEntry.objects.filter(action=rules.AUDIT_CREATED, target_id=str(tender.pk)).exists()


def test_a_project_not_yet_approved_has_no_tender_document(agency):
    account, entry = agency
    draft = make_project(account, entry)
    refused = refusal(make_tender, account, entry, draft)
    assert refused.message == rules.PROJECT_NOT_APPROVED.format(name=draft.name, status="编辑中")


def test_lots_are_required_and_must_be_the_projects(agency, project, changde_reviewer):
    account, entry = agency
    assert refusal(make_tender, account, entry, project, lots=[]).message == rules.LOTS_REQUIRED
    other = approved_project(account, entry, changde_reviewer, name="另一个项目")
    refused = refusal(make_tender, account, entry, project, lots=[other.lots.first()])
    assert refused.message == rules.LOT_NOT_OF_PROJECT.format(name=project.name)


def test_methods_without_a_template_only_upload(agency, changde_reviewer):
    account, entry = agency
    inquiry = approved_project(account, entry, changde_reviewer, method="inquiry")
    refused = refusal(make_tender, account, entry, inquiry)
    assert refused.message == rules.UPLOAD_ONLY.format(method="询价", document="询价通知书")
    refused = refusal(make_tender, account, entry, inquiry, source=TenderSource.UPLOAD, template="")
    assert refused.message == rules.UPLOAD_REQUIRED


def test_an_unknown_template_and_factors_not_adding_up_are_refused(agency, project):
    account, entry = agency
    refused = refusal(make_tender, account, entry, project, template="invited_goods")
    assert refused.message == rules.TEMPLATE_UNKNOWN.format(method="公开招标")
    factors = [
        {"name": "投标报价", "points": "30", "criteria": "…"},
        {"name": "技术", "points": "60", "criteria": "…"},
    ]
    refused = refusal(make_tender, account, entry, project, fields={"factors": factors})
    assert refused.message == rules.FACTORS_NOT_100.format(total=90)


# --- the clock --------------------------------------------------------------------------------------


def test_documents_are_available_five_working_days(agency, project):
    account, entry = agency
    # From Tuesday 2 June 09:00, five working days are 3, 4, 5, 8 and 9 June: until Monday 8 June
    # 17:00 is one day short, and the message names 2026年6月9日09:00.
    refused = refusal(make_tender, account, entry, project, documents_until=local(2026, 6, 8, 17))
    assert refused.message == deadlines.check(deadlines.DOCUMENTS_AVAILABLE, FROM, local(2026, 6, 8, 17))
    assert "最早可定于 2026年6月9日09:00" in refused.message
    assert refused.field == "documents_until"
    refused = refusal(make_tender, account, entry, project, documents_until=local(2026, 6, 1, 17))
    assert refused.message == rules.UNTIL_BEFORE_FROM.format(
        until="2026年6月1日17:00", start="2026年6月2日09:00"
    )


def test_the_bid_deadline_is_twenty_days_after_the_documents_are_first_issued(agency, project):
    account, entry = agency
    # 政府采购法 art. 35: 20 days from 2 June is 22 June, a Monday, at 09:00 (the time of issue);
    # a deadline on Friday 19 June is refused and the message gives 2026年6月22日09:00.
    too_early = local(2026, 6, 19, 9, 30)
    refused = refusal(make_tender, account, entry, project, bid_deadline=too_early)
    assert refused.message == deadlines.check(deadlines.BID_DEADLINE, FROM, too_early)
    assert "第三十五条" in refused.message
    assert "最早可定于 2026年6月22日09:00" in refused.message
    assert refused.field == "bid_deadline"
    make_tender(account, entry, project, bid_deadline=local(2026, 6, 22, 9))  # the earliest is allowed


def test_the_bid_deadline_is_in_the_future(agency, project):
    account, entry = agency
    # Prepared on 23 June 2026 for a deadline of 22 June 09:30: too late, whatever the 20 days say.
    now = local(2026, 6, 23, 9)
    refused = refusal(make_tender, account, entry, project, now=now)
    assert refused.message == deadlines.OPENING_NOT_FUTURE.format(
        opening="2026年6月22日09:30", now="2026年6月23日09:00"
    )


def test_documents_are_not_obtainable_after_the_deadline(agency, project):
    account, entry = agency
    refused = refusal(make_tender, account, entry, project, documents_until=local(2026, 6, 23, 9))
    assert refused.message == rules.UNTIL_AFTER_DEADLINE.format(
        until="2026年6月23日09:00", deadline="2026年6月22日09:30"
    )


def test_the_bid_deadline_is_the_booked_opening_time(agency, project, changde_reviewer, monkeypatch):
    account, entry = agency
    booked = type("Booking", (), {"starts_at": local(2026, 6, 23, 9)})()
    monkeypatch.setattr(tenders, "opening_booking", lambda lots: booked)
    refused = refusal(make_tender, account, entry, project)
    # 87号令 art. 39: opening at the bid deadline; the room is booked for 23 June 09:00.
    assert refused.message == deadlines.OPENING_NOT_AT_DEADLINE.format(
        deadline="2026年6月22日09:30", opening="2026年6月23日09:00"
    )
    make_tender(account, entry, project, bid_deadline=local(2026, 6, 23, 9))


# --- 确认提交 -------------------------------------------------------------------------------------


def test_an_unsealed_tender_is_not_submitted(agency, project):
    account, entry = agency
    tender = make_tender(account, entry, project)
    refused = refusal(tenders.tender_submit, actor=unit_actor(account), tender=tender, now=NOW)
    assert refused.message == rules.NOT_SEALED.format(name=account.subject.name)
    tender.refresh_from_db()
    assert tender.status == TenderStatus.DRAFT


def test_a_sealed_tender_is_submitted_final_and_blocks_withdrawal(agency, project, key):
    account, entry = agency
    tender = make_tender(account, entry, project)
    seal_as_agency(account, tender.document, key)
    assert tenders.tender_seal(tender) is not None
    tender = tenders.tender_submit(actor=unit_actor(account), tender=tender, now=NOW)
    assert tender.status == TenderStatus.SUBMITTED
    assert tender.submitted_at == NOW
    refused = refusal(tenders.tender_submit, actor=unit_actor(account), tender=tender, now=NOW)
    assert refused.message == rules.TENDER_STATE.format(status="已提交", action="确认提交")
    refused = refusal(
        tenders.tender_update, actor=unit_actor(account), tender=tender, lots=[], details=details()
    )
    assert refused.message == rules.TENDER_STATE.format(status="已提交", action="修改")
    # The lots are taken: no second tender document for them.
    refused = refusal(make_tender, account, entry, project)
    assert refused.message == rules.LOT_TAKEN.format(number=1)
    refused = refusal(services.project_withdraw, actor=unit_actor(account), project=project)
    assert refused.message == rules.WITHDRAW_BLOCKED.format(name=project.name)
    project.refresh_from_db()
    assert project.status == ProjectStatus.APPROVED


def test_updating_a_draft_renders_a_new_document(agency, project):
    account, entry = agency
    tender = make_tender(account, entry, project)
    before = tender.document_id
    tender = tenders.tender_update(
        actor=unit_actor(account),
        tender=tender,
        lots=[project.lots.get(number=2)],
        details=details(bid_deadline=local(2026, 6, 23, 9)),
        now=NOW,
    )
    assert tender.document_id != before
    assert [lot.number for lot in tender.lots.all()] == [2]
    assert tender.bid_deadline == local(2026, 6, 23, 9)


# --- 答疑文件 -------------------------------------------------------------------------------------


@pytest.fixture
def submitted(agency, project, key):
    account, entry = agency
    tender = make_tender(account, entry, project)
    seal_as_agency(account, tender.document, key)
    return tenders.tender_submit(actor=unit_actor(account), tender=tender, now=NOW)


def test_a_clarification_needs_a_submitted_tender_and_content(agency, project):
    account, entry = agency
    tender = make_tender(account, entry, project)
    refused = refusal(
        clarification_create, actor=unit_actor(account), tender=tender, affects_bids=False, content="x"
    )
    assert refused.message == rules.TENDER_STATE.format(status="编辑中", action="新增答疑文件")


def test_clarifications_are_numbered_and_one_far_from_the_deadline_moves_nothing(agency, submitted, key):
    account, _ = agency
    # Issued 5 June 09:00, 17 days before 22 June 09:30: 87号令 art. 27's 15 days are kept.
    first = clarification_create(
        actor=unit_actor(account),
        tender=submitted,
        affects_bids=True,
        content="第2包交付期限改为60日。",
        now=local(2026, 6, 5, 9),
    )
    assert (first.number, first.deadline_before, first.new_bid_deadline) == (1, DEADLINE, None)
    refused = refusal(
        clarification_submit, actor=unit_actor(account), clarification=first, now=local(2026, 6, 5, 9)
    )
    assert refused.message == rules.CLARIFICATION_NOT_SEALED.format(name=account.subject.name)
    seal_as_agency(account, first.document, key)
    first = clarification_submit(actor=unit_actor(account), clarification=first, now=local(2026, 6, 5, 9))
    assert first.status == TenderStatus.SUBMITTED
    submitted.refresh_from_db()
    assert submitted.bid_deadline == DEADLINE
    second = clarification_create(
        actor=unit_actor(account),
        tender=submitted,
        affects_bids=False,
        content="答复：允许外置存储。",
        now=local(2026, 6, 20, 9),
    )
    assert second.number == 2


def test_a_late_clarification_that_affects_bids_moves_the_deadline(agency, submitted, key):
    account, _ = agency
    # Issued 10 June 10:00, 12 days before 22 June 09:30: the deadline moves to at least 15 days
    # later, 25 June 10:00 (a Thursday, the time of issue).
    issued = local(2026, 6, 10, 10)
    postponement = deadlines.clarification_postponement(published_at=issued, deadline=DEADLINE)
    assert postponement is not None
    assert postponement.deadline == local(2026, 6, 25, 10)
    refused = refusal(
        clarification_create,
        actor=unit_actor(account),
        tender=submitted,
        affects_bids=True,
        content="x",
        now=issued,
    )
    assert refused.message == postponement.message
    assert "最早可顺延至 2026年6月25日10:00" in refused.message
    refused = refusal(
        clarification_create,
        actor=unit_actor(account),
        tender=submitted,
        affects_bids=True,
        content="x",
        new_bid_deadline=local(2026, 6, 24, 9),
        now=issued,
    )
    assert refused.message == postponement.message
    refused = refusal(
        clarification_create,
        actor=unit_actor(account),
        tender=submitted,
        affects_bids=False,
        content="x",
        new_bid_deadline=local(2026, 6, 22, 9),
        now=issued,
    )
    assert refused.message == rules.NEW_DEADLINE_NOT_LATER.format(
        new="2026年6月22日09:00", old="2026年6月22日09:30"
    )
    moved = clarification_create(
        actor=unit_actor(account),
        tender=submitted,
        affects_bids=True,
        content="技术参数修改。",
        new_bid_deadline=local(2026, 6, 26, 9, 30),
        now=issued,
    )
    seal_as_agency(account, moved.document, key)
    clarification_submit(actor=unit_actor(account), clarification=moved, now=issued)
    submitted.refresh_from_db()
    assert submitted.bid_deadline == local(2026, 6, 26, 9, 30)
    assert AuditEntry.objects.filter(action=rules.AUDIT_CLARIFICATION_SUBMITTED).count() == 1


def test_a_clarification_submitted_days_later_is_checked_again(agency, submitted, key):
    account, _ = agency
    # Saved on 5 June (17 days ahead, nothing to move) but sealed and issued only on 10 June:
    # then 12 days remain and the deadline would have to move to 25 June 10:00.
    draft = clarification_create(
        actor=unit_actor(account), tender=submitted, affects_bids=True, content="x", now=local(2026, 6, 5, 9)
    )
    seal_as_agency(account, draft.document, key)
    refused = refusal(
        clarification_submit, actor=unit_actor(account), clarification=draft, now=local(2026, 6, 10, 10)
    )
    assert "最早可顺延至 2026年6月25日10:00" in refused.message


def test_a_real_approved_opening_room_booking_fixes_the_bid_deadline(agency, project, changde_reviewer):
    account, entry = agency
    admin = center_admin(entry.center)
    room = make_room(admin, entry.center)
    # A room booked (and approved) 40 days after the first lawful opening day, for the first lot.
    booking = approved_booking(account, project, room, at(40, 9), changde_reviewer)
    assert tenders.opening_booking(list(project.lots.all())) == booking
    start, deadline = at(2, 9), at(40, 9, 30)
    refused = refusal(
        make_tender,
        account,
        entry,
        project,
        now=timezone.now(),
        documents_from=start,
        documents_until=at(25, 17),
        bid_deadline=deadline,
    )
    assert refused.message == deadlines.OPENING_NOT_AT_DEADLINE.format(
        deadline=deadlines.format_time(deadline), opening=deadlines.format_time(booking.starts_at)
    )
    tender = make_tender(
        account,
        entry,
        project,
        now=timezone.now(),
        documents_from=start,
        documents_until=at(25, 17),
        bid_deadline=booking.starts_at,
    )
    assert tender.bid_deadline == booking.starts_at


# --- the documents-to-deadline limit of each method -------------------------------------------------


@pytest.mark.parametrize(
    "method, rule",
    [
        ("open", deadlines.BID_DEADLINE),
        ("negotiation", deadlines.NEGOTIATION_RESPONSE),
        ("inquiry", deadlines.NEGOTIATION_RESPONSE),
        ("consultation", deadlines.CONSULTATION_RESPONSE),
    ],
)
def test_the_deadline_keeps_the_methods_own_limit(agency, project, method, rule):
    lots = list(project.lots.all())
    earliest = deadlines.earliest(rule, FROM)
    until = min(UNTIL, earliest)
    short = details(documents_until=until, bid_deadline=earliest - dt.timedelta(minutes=1))
    refused = refusal(tenders.check_dates, short, lots, method=method, now=NOW)
    assert refused.message == deadlines.check(rule, FROM, earliest - dt.timedelta(minutes=1))
    assert refused.field == "bid_deadline"
    tenders.check_dates(details(documents_until=until, bid_deadline=earliest), lots, method=method, now=NOW)


def test_a_single_source_document_has_no_documents_to_deadline_limit(agency, project):
    soon = local(2026, 6, 10, 9)
    tenders.check_dates(details(bid_deadline=soon), list(project.lots.all()), method="single_source", now=NOW)
