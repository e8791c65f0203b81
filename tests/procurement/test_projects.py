"""项目注册 (004 §3.1): draft, submit, review, withdraw, delete; every refusal's message."""

from decimal import Decimal

import pytest

from core.errors import DomainError, IncompleteError, NotFound
from core.models import AuditEntry
from procurement import rules, selectors, services
from procurement.models import Project, ProjectStatus
from review.models import ReviewKind, ReviewStatus
from tests.centers.factories import center
from tests.centers.people_factories import acting_for, decide, make_agency, open_item, unit_actor
from tests.procurement.factories import PURCHASER_CODE, licensed_agency, lot, make_project, project_details

pytestmark = pytest.mark.django_db


def test_a_new_project_is_a_draft_with_a_code_of_its_center_and_year(agency):
    account, entry = agency
    first = make_project(account, entry)
    second = make_project(account, entry, name="第二个项目")
    assert first.status == ProjectStatus.DRAFT
    year = first.created_at.year
    assert first.code == f"CHANGDE-ZC-{year}-0001"
    assert second.code == f"CHANGDE-ZC-{year}-0002"
    assert [lot.code for lot in first.lots.all()] == [f"{first.code}-01", f"{first.code}-02"]
    assert AuditEntry.objects.filter(action=rules.AUDIT_CREATED, target_id=str(first.pk)).exists()


def test_a_draft_keeps_what_was_typed_even_when_incomplete(agency):
    account, entry = agency
    project = services.project_create(
        actor=unit_actor(account),
        center=entry.center,
        agency=entry,
        details=services.ProjectDetails(name="只填了名称"),
    )
    assert project.name == "只填了名称"
    assert project.budget is None
    with pytest.raises(IncompleteError) as refused:
        services.project_submit(actor=unit_actor(account), project=project)
    assert refused.value.message.startswith(rules.SUBMIT_MISSING.split("{")[0])
    assert "采购人名称" in refused.value.fields
    assert "分包明细（至少一个分包）" in refused.value.fields
    assert "委托代理协议" in refused.value.fields
    project.refresh_from_db()
    assert project.status == ProjectStatus.DRAFT


def test_without_the_project_register_permission_nothing_is_registered(changde):
    account, entry = make_agency(changde, name="尚未审核代理有限公司")  # types only, no permission yet
    with pytest.raises(DomainError) as refused:
        make_project(account, entry)
    # The agency type is in force; the unit's information is not approved yet: that is the step.
    assert refused.value.message == rules.NO_PERMISSION.format(
        center=changde.name, how=rules.HOW_PROFILE.format(types="招标代理机构", status="待完善")
    )
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    ("details", "lots", "message"),
    [
        ({"purchaser_code": "91430100MA4L16JQ9B"}, None, rules.PURCHASER_CODE_INVALID.split("{")[0]),
        ({"budget": Decimal("0")}, None, rules.BUDGET_NOT_POSITIVE.format(label="项目预算")),
        ({"contact_phone": "12345"}, None, rules.CONTACT_PHONE_INVALID),
        (
            {"budget": Decimal("1000000")},
            "over",
            rules.LOTS_OVER_BUDGET.format(total="1400000.00", budget="1000000.00"),
        ),
        ({}, "deposit", rules.DEPOSIT_OVER_BUDGET.format(number=1, deposit="900000.00", budget="800000.00")),
        ({}, "negative", rules.DEPOSIT_NEGATIVE),
        ({}, "pre", rules.PREQUALIFICATION_REFUSED.format(number=1)),
        ({}, "catalogue", rules.CATALOGUE_UNKNOWN.format(code="Z99")),
    ],
)
def test_wrong_values_are_refused_with_what_to_fix(agency, details, lots, message):
    account, entry = agency
    choices = {
        None: None,
        "over": [lot("一", budget="800000"), lot("二", budget="600000")],
        "deposit": [lot("一", deposit="900000")],
        "negative": [lot("一", deposit="-1")],
        "pre": [lot("一", qualification_review="pre")],
        "catalogue": [lot("一", code="Z99")],
    }
    with pytest.raises(DomainError) as refused:
        make_project(account, entry, lots=choices[lots], **details)
    assert refused.value.message.startswith(message)
    assert not Project.objects.exists()


def test_submit_queues_it_for_the_centers_reviewers_and_locks_it(agency, changde_reviewer):
    account, entry = agency
    project = services.project_submit(actor=unit_actor(account), project=make_project(account, entry))
    assert project.status == ProjectStatus.SUBMITTED
    item = open_item(project)
    assert item.kind == ReviewKind.PROJECT
    assert item.center == entry.center
    assert item.title == rules.REVIEW_TITLE.format(name=project.name, code=project.code)
    with pytest.raises(DomainError) as refused:
        services.project_update(
            actor=unit_actor(account),
            project=project,
            details=project_details(),
            lots=[lot()],
            attachments={},
        )
    assert (
        refused.value.message
        == rules.PROJECT_STATE.format(name=project.name, status="待审核", action="修改")
        + rules.PROJECT_STATE_HINTS["save"]
    )


def test_the_reviewer_approves_and_the_opinion_is_kept(agency, changde_reviewer):
    account, entry = agency
    project = services.project_submit(actor=unit_actor(account), project=make_project(account, entry))
    decided = decide(changde_reviewer, project, approve=True, opinion="资料齐全，同意进场。")
    assert decided.status == ReviewStatus.APPROVED
    project.refresh_from_db()
    assert project.status == ProjectStatus.APPROVED
    assert project.decision_opinion == "资料齐全，同意进场。"


def test_a_rejected_project_is_edited_and_submitted_again(agency, changde_reviewer):
    account, entry = agency
    project = services.project_submit(actor=unit_actor(account), project=make_project(account, entry))
    decide(changde_reviewer, project, approve=False, opinion="委托代理协议未盖章。")
    project.refresh_from_db()
    assert project.status == ProjectStatus.REJECTED
    assert project.decision_opinion == "委托代理协议未盖章。"
    services.project_update(
        actor=unit_actor(account),
        project=project,
        details=project_details(name="修改后的名称"),
        lots=[lot("唯一分包", code=project.lots.first().catalogue_code)],
        attachments={"approval": None, "entrustment": None},
    )
    project.refresh_from_db()
    assert project.name == "修改后的名称"
    assert [lot.name for lot in project.lots.all()] == ["唯一分包"]
    with pytest.raises(IncompleteError):
        services.project_submit(actor=unit_actor(account), project=project)  # attachments removed


def test_withdraw_turns_waiting_and_approved_projects_back_into_drafts(agency, changde_reviewer):
    account, entry = agency
    waiting = services.project_submit(actor=unit_actor(account), project=make_project(account, entry))
    item = open_item(waiting)
    services.project_withdraw(actor=unit_actor(account), project=waiting)
    waiting.refresh_from_db()
    item.refresh_from_db()
    assert waiting.status == ProjectStatus.DRAFT
    assert item.status == ReviewStatus.WITHDRAWN

    approved = services.project_submit(actor=unit_actor(account), project=make_project(account, entry))
    decide(changde_reviewer, approved, approve=True)
    services.project_withdraw(actor=unit_actor(account), project=approved)
    approved.refresh_from_db()
    assert approved.status == ProjectStatus.DRAFT

    with pytest.raises(DomainError) as refused:
        services.project_withdraw(actor=unit_actor(account), project=approved)
    assert refused.value.message == rules.PROJECT_STATE.format(
        name=approved.name, status="编辑中", action="撤回"
    )


def test_withdraw_is_refused_once_a_later_step_depends_on_the_project(agency, changde_reviewer, monkeypatch):
    account, entry = agency
    project = services.project_submit(actor=unit_actor(account), project=make_project(account, entry))
    decide(changde_reviewer, project, approve=True)
    booked = "该项目已预约开标场地，不能撤回；请先取消场地预约。"
    monkeypatch.setattr(services, "WITHDRAW_BLOCKERS", [lambda p: booked if p.pk == project.pk else None])
    with pytest.raises(DomainError) as refused:
        services.project_withdraw(actor=unit_actor(account), project=project)
    assert refused.value.message == booked
    project.refresh_from_db()
    assert project.status == ProjectStatus.APPROVED


def test_only_drafts_and_rejected_projects_are_deleted(agency, changde_reviewer):
    account, entry = agency
    draft = make_project(account, entry)
    services.project_delete(actor=unit_actor(account), project=draft)
    assert not Project.objects.filter(pk=draft.pk).exists()
    assert AuditEntry.objects.filter(action=rules.AUDIT_DELETED, target_id=str(draft.pk)).exists()

    waiting = services.project_submit(actor=unit_actor(account), project=make_project(account, entry))
    with pytest.raises(DomainError) as refused:
        services.project_delete(actor=unit_actor(account), project=waiting)
    assert (
        refused.value.message
        == rules.PROJECT_STATE.format(name=waiting.name, status="待审核", action="删除")
        + rules.PROJECT_STATE_HINTS["delete"]
    )
    decide(changde_reviewer, waiting, approve=False, opinion="退回")
    services.project_delete(actor=unit_actor(account), project=waiting)
    assert not Project.objects.filter(pk=waiting.pk).exists()


def test_a_practitioner_acting_for_the_agency_registers_projects_too(agency):
    account, entry = agency
    project = make_project(account, entry)
    services.project_submit(actor=acting_for(account), project=project)
    submitted = AuditEntry.objects.get(action=rules.AUDIT_SUBMITTED, target_id=str(project.pk))
    assert submitted.data["acting_person"] == acting_for(account).acting_person


def test_another_agency_neither_sees_nor_reaches_the_project(agency, changde):
    account, entry = agency
    project = make_project(account, entry)
    _, other = licensed_agency(changde, name="另一家代理有限公司")
    with pytest.raises(NotFound):
        selectors.project_get_for(center=changde, agency=other, pk=project.pk)
    assert not selectors.projects_for(center=changde, agency=other).exists()
    hengyang = center("hengyang")
    with pytest.raises(NotFound):
        selectors.project_get_for(center=hengyang, agency=entry, pk=project.pk)


def test_the_list_filters_by_state_and_by_name_or_code(agency):
    account, entry = agency
    first = make_project(account, entry, name="教学设备采购")
    services.project_submit(
        actor=unit_actor(account), project=make_project(account, entry, name="办公家具采购")
    )
    listed = selectors.projects_for(center=entry.center, agency=entry, status=ProjectStatus.DRAFT)
    assert [p.pk for p in listed] == [first.pk]
    assert [p.name for p in selectors.projects_for(center=entry.center, agency=entry, query="家具")] == [
        "办公家具采购"
    ]
    assert selectors.projects_for(center=entry.center, agency=entry, query=first.code).get().pk == first.pk
    row = selectors.projects_for(center=entry.center, agency=entry).get(pk=first.pk)
    assert (row.lot_count, row.lot_budget) == (2, Decimal("1400000.00"))


def test_the_purchaser_code_is_stored_as_checked(agency):
    account, entry = agency
    project = make_project(account, entry, purchaser_code=" " + PURCHASER_CODE.lower() + " ")
    assert project.purchaser_code == PURCHASER_CODE
