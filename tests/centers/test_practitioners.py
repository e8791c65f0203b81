"""从业人员 (000 §6.2.1): add, documents, submit, withdraw, review, edit after rejection — services
and the review queue's decisions, each refusal with its message."""

import pytest

from centers import people_rules as rules
from centers import practitioners
from centers.models import PractitionerField, PractitionerStatus, SubjectType
from core.errors import DomainError, IncompleteError, NotFound, StateError
from core.models import AuditEntry
from registry.identifiers import check_resident_id
from review import rules as review_rules
from review.models import ReviewItem, ReviewKind, ReviewStatus, StaffRole
from tests.centers.factories import center
from tests.centers.people_factories import (
    acting_for,
    all_documents,
    decide,
    details,
    make_agency,
    make_practitioner,
    make_reviewer,
    make_support,
    open_item,
    stored,
    unit_actor,
)
from tests.factories import make_unit

pytestmark = pytest.mark.django_db


def create(account, entry, **kwargs):
    kwargs.setdefault("field", PractitionerField.CONSTRUCTION)
    kwargs.setdefault("details", details())
    kwargs.setdefault("documents", {})
    kwargs.setdefault("actor", unit_actor(account))
    return practitioners.practitioner_create(center=entry.center, center_subject=entry, **kwargs)


def test_agency_adds_a_draft_that_may_be_incomplete_and_it_is_audited():
    account, entry = make_agency(center())
    made = create(account, entry, details=details(name=" 李四 ", id_number="11010519491231002x", phone=""))

    assert made.status == PractitionerStatus.DRAFT
    assert made.name == "李四" and made.id_number == "11010519491231002X"
    row = AuditEntry.objects.get(action="centers.practitioner_created")
    assert row.target_id == str(made.pk) and row.subject_id == account.subject_id
    assert row.data["id_number"] == "1101**********002X" and row.data["center"] == "changde"


def test_documents_are_kept_as_references_to_the_units_own_files():
    account, entry = make_agency(center())
    documents = all_documents(account)
    made = create(account, entry, documents=documents)
    assert made.documents["id_card"] == documents["id_card"].reference()
    assert "qualification" not in made.documents

    other = make_unit(name="别人的公司")
    with pytest.raises(DomainError) as refused:
        create(account, entry, documents={"id_card": stored(other, "别人.png")})
    assert refused.value.message == rules.DOCUMENT_NOT_OWN and refused.value.field == "id_card"


@pytest.mark.parametrize("types", [(SubjectType.AGENCY,), (SubjectType.PROCUREMENT_AGENCY,)])
def test_either_kind_of_agency_keeps_both_lists(types):
    account, entry = make_agency(center(), types=types)
    for field in PractitionerField.values:
        assert create(account, entry, field=field).field == field


def test_a_unit_that_is_no_agency_is_told_which_types_it_has():
    at = center()
    bidder, entry = make_agency(
        at, name="常德投标建设有限公司", types=(SubjectType.BIDDER, SubjectType.TENDEREE)
    )
    with pytest.raises(DomainError) as refused:
        create(bidder, entry)
    assert refused.value.message == rules.NOT_AGENCY.format(center=at.name, types="投标人、招标人")

    untyped, bare = make_agency(at, name="常德无类型有限公司", types=())
    with pytest.raises(DomainError) as refused:
        create(untyped, bare)
    assert refused.value.message == rules.NOT_AGENCY.format(center=at.name, types=rules.NO_TYPES)


@pytest.mark.parametrize("change", ["removed by staff", "waiting for review"])
def test_an_agency_type_not_in_force_does_not_count(change):
    from centers import subject_types
    from centers.models import CenterSubjectType
    from core.audit import Actor
    from tests.centers.factories import make_reviewer

    at = center("hengyang")
    account, entry = make_agency(at)
    if change == "removed by staff":
        subject_types.subject_type_remove(
            actor=Actor(user=make_reviewer(at), auth_method="password"),
            center=at,
            center_subject=entry,
            type=SubjectType.AGENCY,
            reason="单位申请删除",
        )
    else:
        # 衡阳 reviews an agency type added after the profile is approved before it takes effect
        # (test_profiles' test_after_approval_hengyang_reviews_an_added_agency_type). Getting
        # there takes a sealed commitment and a profile review; the row is set as that leaves it.
        CenterSubjectType.objects.at(at).filter(center_subject=entry).update(effective_at=None)
    with pytest.raises(DomainError) as refused:
        create(account, entry)
    assert refused.value.message == rules.NOT_AGENCY.format(center=at.name, types=rules.NO_TYPES)


BAD_DETAILS = {
    "check digit": ({"id_number": "110105194912310021"}, "id_number"),
    "fifteen digits": ({"id_number": "110105491231002"}, "id_number"),
    "empty name": ({"name": "  "}, "name"),
    "phone": ({"phone": "0736-123"}, "phone"),
}


@pytest.mark.parametrize("case", BAD_DETAILS)
def test_wrong_details_are_refused_with_what_to_fix(case):
    overrides, field = BAD_DETAILS[case]
    account, entry = make_agency(center())
    with pytest.raises(DomainError) as refused:
        create(account, entry, details=details(**overrides))
    assert refused.value.field == field
    expected = {
        "id_number": lambda: rules.ID_NUMBER_INVALID.format(
            error=check_resident_id(overrides["id_number"]).error
        ),
        "name": lambda: rules.NAME_REQUIRED,
        "phone": lambda: rules.PHONE_INVALID,
    }[field]()
    assert refused.value.message == expected
    assert not AuditEntry.objects.filter(action="centers.practitioner_created").exists()


def test_the_same_person_once_per_field_but_may_be_in_both():
    account, entry = make_agency(center())
    first = create(account, entry, details=details(name="王五", id_number="360426199101010071"))
    with pytest.raises(DomainError) as refused:
        create(account, entry, details=details(name="王五", id_number="360426199101010071"))
    assert refused.value.message == rules.PRACTITIONER_DUPLICATE.format(
        id_number="3604**********0071", field="工程建设", name="王五"
    )
    also = create(
        account, entry, field=PractitionerField.PROCUREMENT, details=details(id_number="360426199101010071")
    )
    assert also.pk != first.pk


def test_a_concurrent_duplicate_add_is_refused_by_the_constraint_with_the_same_message(monkeypatch):
    account, entry = make_agency(center())
    create(account, entry, details=details(name="王五", id_number="360426199101010071"))
    # As if the other add committed after this one's check: only the constraint sees it.
    monkeypatch.setattr(practitioners, "_refuse_duplicate", lambda *args: None)

    with pytest.raises(DomainError) as refused:
        create(account, entry, details=details(name="王五", id_number="360426199101010071"))

    assert refused.value.message == rules.PRACTITIONER_DUPLICATE.format(
        id_number="3604**********0071", field="工程建设", name="王五"
    )
    assert refused.value.field == "id_number"
    assert practitioners.practitioners_for(center_subject=entry, field="construction").count() == 1


def test_submit_says_exactly_what_is_missing_and_keeps_the_draft():
    account, entry = make_agency(center())
    made = create(account, entry, details=details(phone="", qualification_no="建[2020]0001"))
    made = practitioners.practitioner_update(
        actor=unit_actor(account),
        practitioner=made,
        details=details(phone="", id_number=made.id_number, qualification_no="建[2020]0001"),
        documents={"id_card": stored(account, "id.png")},
    )
    with pytest.raises(IncompleteError) as refused:
        practitioners.practitioner_submit(actor=unit_actor(account), practitioner=made)
    items = ["手机号码", "社保缴纳证明", rules.QUALIFICATION_DOCUMENT_MISSING]
    assert refused.value.message == rules.SUBMIT_MISSING.format(items="、".join(items))
    made.refresh_from_db()
    assert made.status == PractitionerStatus.DRAFT and made.documents["id_card"]
    assert not ReviewItem.objects.exists()


def test_submitting_queues_it_for_a_reviewer_within_the_centers_working_days():
    at = center("hengyang")
    account, entry = make_agency(at, name="衡阳招标代理有限公司")
    made = make_practitioner(account, entry, state="submitted", name="赵六", id_number="360426199101010071")

    assert made.status == PractitionerStatus.SUBMITTED and made.submitted_at
    item = open_item(made)
    assert item.kind == ReviewKind.PRACTITIONER and item.role == StaffRole.REVIEWER and item.center == at
    assert item.title == rules.REVIEW_TITLE.format(
        field="工程建设", name="赵六", id_number="3604**********0071"
    )
    assert item.subject_name == "衡阳招标代理有限公司" and item.subject_code == account.subject.code
    assert item.due_at > made.submitted_at
    assert AuditEntry.objects.filter(action="centers.practitioner_submitted", target_id=str(made.pk)).exists()


def test_withdraw_while_waiting_then_edit_and_submit_again():
    account, entry = make_agency(center())
    made = make_practitioner(account, entry, state="submitted")
    item = open_item(made)

    with pytest.raises(StateError) as refused:
        practitioners.practitioner_update(
            actor=unit_actor(account), practitioner=made, details=details(), documents={}
        )
    assert refused.value.message == rules.PRACTITIONER_STATE.format(status="待审核", action="修改")

    practitioners.practitioner_withdraw(actor=unit_actor(account), practitioner=made)
    made.refresh_from_db()
    item.refresh_from_db()
    assert made.status == PractitionerStatus.DRAFT and item.status == ReviewStatus.WITHDRAWN
    with pytest.raises(StateError) as refused:
        practitioners.practitioner_withdraw(actor=unit_actor(account), practitioner=made)
    assert refused.value.message == rules.PRACTITIONER_STATE.format(status="未提交", action="撤回")

    practitioners.practitioner_submit(actor=unit_actor(account), practitioner=made)
    assert open_item(made).pk != item.pk


def test_reviewer_approves_through_the_queue():
    at = center()
    account, entry = make_agency(at)
    made = make_practitioner(account, entry, state="submitted")
    reviewer = make_reviewer(at)

    decision = decide(reviewer, made, approve=True, opinion="材料齐全")

    made.refresh_from_db()
    assert decision.status == ReviewStatus.APPROVED
    assert (
        made.status == PractitionerStatus.APPROVED and made.decision_opinion == "材料齐全" and made.decided_at
    )
    row = AuditEntry.objects.get(action="centers.practitioner_approved")
    assert row.actor == reviewer.user and row.data["opinion"] == "材料齐全"
    assert row.data["center"] == "changde"
    with pytest.raises(StateError) as refused:
        practitioners.practitioner_submit(actor=unit_actor(account), practitioner=made)
    assert refused.value.message == rules.PRACTITIONER_STATE.format(status="审核通过", action="提交")


def test_rejection_shows_the_opinion_and_the_agency_edits_and_resubmits():
    at = center()
    account, entry = make_agency(at)
    made = make_practitioner(account, entry, state="submitted")
    reviewer = make_reviewer(at)

    decide(reviewer, made, approve=False, opinion="社保证明不是本单位缴纳，请更换")

    made.refresh_from_db()
    assert made.status == PractitionerStatus.REJECTED
    assert made.decision_opinion == "社保证明不是本单位缴纳，请更换"
    changed = practitioners.practitioner_update(
        actor=unit_actor(account),
        practitioner=made,
        details=details(name=made.name, id_number=made.id_number),
        documents=all_documents(account),
    )
    assert changed.status == PractitionerStatus.REJECTED
    practitioners.practitioner_submit(actor=unit_actor(account), practitioner=changed)
    decide(reviewer, changed, approve=True)
    changed.refresh_from_db()
    assert changed.status == PractitionerStatus.APPROVED


def test_only_a_reviewer_of_that_center_decides():
    at = center()
    account, entry = make_agency(at)
    made = make_practitioner(account, entry, state="submitted")
    support = make_support(at)
    with pytest.raises(DomainError) as refused:
        decide(support, made, approve=True)
    assert refused.value.message == review_rules.WRONG_ROLE.format(role="审核员")
    made.refresh_from_db()
    assert made.status == PractitionerStatus.SUBMITTED


def test_a_practitioner_acting_for_the_unit_may_not_manage_practitioners():
    account, entry = make_agency(center())
    made = make_practitioner(account, entry)
    acting = acting_for(account)
    message = rules.UNIT_ONLY.format(action=rules.ACTION_PRACTITIONERS)
    for call in (
        lambda: create(account, entry, actor=acting),
        lambda: practitioners.practitioner_update(
            actor=acting, practitioner=made, details=details(), documents={}
        ),
        lambda: practitioners.practitioner_submit(actor=acting, practitioner=made),
        lambda: practitioners.practitioner_withdraw(actor=acting, practitioner=made),
    ):
        with pytest.raises(DomainError) as refused:
            call()
        assert refused.value.message == message


def test_lists_are_per_field_and_per_agency():
    at = center()
    account, entry = make_agency(at)
    other, other_entry = make_agency(at, name="另一家代理有限公司")
    mine = create(account, entry)
    create(account, entry, field=PractitionerField.PROCUREMENT)
    create(other, other_entry)

    listed = list(practitioners.practitioners_for(center_subject=entry, field=PractitionerField.CONSTRUCTION))
    assert listed == [mine] and listed[0].active_certificates == 0
    with pytest.raises(NotFound):
        practitioners.practitioner_get_for(center_subject=other_entry, pk=mine.pk)


def test_the_reviewer_reads_the_person_and_their_documents():
    from centers.review_handlers import practitioner_describe

    account, entry = make_agency(center("changde"))
    person = make_practitioner(account, entry, state="submitted")

    described = practitioner_describe(ReviewItem.objects.get(target_id=str(person.pk)))

    assert described["title"] == f"常德·工程建设从业人员：{person.name}"
    assert ("身份证号码", person.id_number) in described["rows"]
    stored = [label for slot, label in rules.DOCUMENT_SLOTS.items() if person.documents.get(slot)]
    assert stored and [label.split("：")[0] for label, _ in described["attachments"]] == stored
