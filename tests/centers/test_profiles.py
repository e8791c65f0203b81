"""The center profile, the sealed 诚信承诺书, the decision by each center's rule, permissions, subject
types and the review queue's decisions — through the services, with real seals (000 §7, §8; 001 §2;
002 §3)."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
from django.utils import timezone

from centers import grants, profiles, roles, rules, selectors, subject_types
from centers.models import CenterPermission, CenterSubjectType, ProfileStatus, SubjectOrigin, SubjectType
from core.audit import Actor
from core.errors import ConflictError, DomainError, IncompleteError, NotFound, StateError
from core.models import AuditEntry
from pki import services as pki_services
from registry.models import Subject
from review import calendar
from review import rules as review_rules
from review import services as review_services
from review.handlers import HANDLERS
from review.models import ReviewItem, ReviewKind, ReviewStatus, StaffRole
from signing import services as signing_services
from tests import pkiparts
from tests.centers.factories import (
    actor,
    center,
    make_entry,
    make_reviewer,
    profile_data,
    ready_to_submit,
    save_profile,
    seal,
    sealed_commitment,
    submit,
    unit_seal,
)
from tests.factories import make_unit

pytestmark = pytest.mark.django_db


def codes(entry) -> set[str]:
    return set(
        grants.permissions_of(center=entry.center, center_subject=entry).values_list("code", flat=True)
    )


def staff_decide(reviewer, entry_or_type, kind, *, approve: bool, opinion: str = ""):
    """The reviewer claims the undecided item of the target and decides it."""
    item = ReviewItem.objects.get(
        kind=kind, target_id=str(entry_or_type.pk), status__in=[ReviewStatus.OPEN, ReviewStatus.CLAIMED]
    )
    staff = Actor(user=reviewer, auth_method="certificate")
    review_services.review_claim(actor=staff, pk=item.pk)
    return review_services.review_decide(actor=staff, pk=item.pk, approve=approve, opinion=opinion)


# --- the rules as data ------------------------------------------------------------------------------


def test_each_centers_rule_decides_as_its_manual_says():
    changde, hengyang, fengtai = center("changde"), center("hengyang"), center("fengtai")
    assert rules.profile_decision(changde, {SubjectType.AGENCY}).automatic
    assert rules.profile_decision(hengyang, {SubjectType.BIDDER, SubjectType.SUPPLIER}).automatic
    assert not rules.profile_decision(hengyang, {SubjectType.BIDDER, SubjectType.AGENCY}).automatic
    assert not rules.profile_decision(hengyang, {SubjectType.TENDEREE}).automatic
    assert not rules.profile_decision(fengtai, {SubjectType.SUPPLIER}).automatic
    assert rules.profile_decision(changde, {"bidder"}).because == rules.GRANTED_ON_COMMITMENT.format(
        center="常德市公共资源交易中心"
    )


def test_a_permission_two_types_give_is_one_permission():
    given = rules.permissions_for([SubjectType.TENDEREE, SubjectType.AGENCY])
    assert list(given) == ["project_register", "result_confirm", "venue_booking", "announcement_publish"]
    assert set(rules.PERMISSION_LABELS) == {c for cs in rules.TYPE_PERMISSIONS.values() for c in cs}
    assert set(rules.TYPE_PERMISSIONS) == set(SubjectType.values)


# --- saving the draft ---------------------------------------------------------------------------------


def test_save_keeps_the_draft_counts_revisions_and_is_audited():
    account, entry = make_entry()
    saved = save_profile(account, entry, contact_name="赵敏")
    assert saved.profile_status == ProfileStatus.DRAFT and saved.profile_revision == 1
    assert saved.profile_draft["contact_name"] == "赵敏" and saved.profile == {}
    again = save_profile(account, saved, contact_name="钱七")
    assert again.profile_revision == 2
    row = AuditEntry.objects.filter(action="centers.profile_saved").latest("id")
    assert row.subject_id == account.subject_id and row.data["fields"] == ["contact_name"]


def test_a_save_naming_an_older_revision_is_refused_with_what_is_saved_now():
    account, entry = make_entry()
    save_profile(account, entry, contact_name="赵敏")  # another tab saved first
    with pytest.raises(ConflictError) as refused:
        profiles.profile_save(
            actor=actor(account),
            center=entry.center,
            center_subject=entry,
            data=profile_data(entry, contact_name="钱七"),
            expected_revision=0,
        )
    assert refused.value.message.startswith("单位信息已在其他窗口（或由他人）于")
    assert refused.value.current_revision == 1 and refused.value.saved_data["contact_name"] == "赵敏"
    entry.refresh_from_db()
    assert entry.profile_draft["contact_name"] == "赵敏"


def test_a_synced_subject_cannot_change_registry_fields_at_the_center():
    account, entry = make_entry()
    with pytest.raises(DomainError) as refused:
        profiles.profile_save(
            actor=actor(account),
            center=entry.center,
            center_subject=entry,
            data={**profile_data(entry), "name": "改个名字有限公司"},
            expected_revision=0,
        )
    assert refused.value.message == rules.REGISTRY_FIELDS_READ_ONLY


# --- submitting: every refusal ------------------------------------------------------------------------


def test_nothing_saved_cannot_be_submitted():
    account, entry = make_entry()
    with pytest.raises(StateError) as refused:
        submit(account, entry)
    assert refused.value.message == rules.PROFILE_NOTHING_TO_SUBMIT


def test_missing_required_fields_are_named():
    account, entry = make_entry()
    save_profile(account, entry, contact_phone="", refund_account="")
    with pytest.raises(IncompleteError) as refused:
        submit(account, entry)
    assert refused.value.message == rules.PROFILE_MISSING.format(fields="联系电话、保证金退还账号")
    assert refused.value.fields == ["contact_phone", "refund_account"]


def test_submit_naming_an_older_revision_is_refused():
    account, entry = make_entry()
    save_profile(account, entry)
    with pytest.raises(ConflictError) as refused:
        profiles.profile_submit(
            actor=actor(account), center=entry.center, center_subject=entry, expected_revision=0
        )
    entry.refresh_from_db()
    when = timezone.localtime(entry.updated_at).strftime("%H:%M:%S")
    assert refused.value.message == rules.PROFILE_CONFLICT.format(when=when)


def test_deposits_are_refunded_only_to_the_units_own_account():
    account, entry = make_entry()
    save_profile(account, entry, refund_account_name="张三个人")
    with pytest.raises(DomainError) as refused:
        submit(account, entry)
    assert refused.value.message == rules.REFUND_NAME_DIFFERS.format(name="常德诚信建设有限公司")
    assert refused.value.field == "refund_account_name"


def test_a_subject_without_types_cannot_submit():
    account, entry = make_entry(types=())
    save_profile(account, entry)
    with pytest.raises(DomainError) as refused:
        submit(account, entry)
    assert refused.value.message == rules.NO_TYPES


def test_no_commitment_no_submit():
    account, entry = make_entry()
    save_profile(account, entry)
    with pytest.raises(DomainError) as refused:
        submit(account, entry)
    assert refused.value.message == rules.COMMITMENT_MISSING


def test_an_unsealed_commitment_is_refused(key_for):
    account, entry = make_entry()
    save_profile(account, entry)
    profiles.commitment_generate(actor=actor(account), center=entry.center, center_subject=entry)
    with pytest.raises(DomainError) as refused:
        submit(account, entry)
    assert refused.value.message == rules.COMMITMENT_NOT_SEALED


def test_the_unit_seal_must_be_at_the_units_place(key_for):
    account, entry = make_entry()
    key = key_for(account)
    save_profile(account, entry)
    document = profiles.commitment_generate(actor=actor(account), center=entry.center, center_subject=entry)
    seal(account, document, unit_seal(account), key, place="legal_representative")
    with pytest.raises(DomainError) as refused:
        submit(account, entry)
    assert refused.value.message == rules.COMMITMENT_NOT_SEALED


def test_only_the_legal_representatives_seal_is_not_the_units(key_for, trusted):
    account, entry = make_entry()
    key_for(account)
    person = pkiparts.holder(trusted["demo-p256"], name="王五", code="11010519491231002X", kind="person")
    rep_seal = signing_services.seal_create_personal(
        actor=actor(account), subject=account.subject, name="王五", id_number="11010519491231002X"
    )
    signing_services.seal_certificate_add(actor=actor(account), seal=rep_seal, certificate=person.pem)
    save_profile(account, entry)
    document = profiles.commitment_generate(actor=actor(account), center=entry.center, center_subject=entry)
    seal(account, document, rep_seal, person, place="unit")
    with pytest.raises(DomainError) as refused:
        submit(account, entry)
    assert refused.value.message == rules.COMMITMENT_NOT_SEALED


def test_a_seal_made_with_a_certificate_never_bound_to_the_unit_does_not_count(key_for, trusted):
    account, entry = make_entry()
    key_for(account)
    stray = pkiparts.holder(trusted["demo-p256"], name=account.subject.name, code=account.subject.code)
    the_seal = unit_seal(account)
    signing_services.seal_certificate_add(actor=actor(account), seal=the_seal, certificate=stray.pem)
    save_profile(account, entry)
    document = profiles.commitment_generate(actor=actor(account), center=entry.center, center_subject=entry)
    seal(account, document, the_seal, stray)
    with pytest.raises(DomainError) as refused:
        submit(account, entry)
    assert refused.value.message == rules.COMMITMENT_NOT_SEALED


def test_a_commitment_made_for_another_center_is_not_this_centers(key_for):
    account, entry = make_entry("changde")
    key = key_for(account)
    from tests.centers.factories import enter

    elsewhere = enter(account, center("hengyang"))
    save_profile(account, elsewhere)
    other = sealed_commitment(account, elsewhere, key)
    save_profile(account, entry)
    entry.commitment = other  # as if pointed at 衡阳's commitment
    entry.save(update_fields=["commitment"])
    with pytest.raises(DomainError) as refused:
        submit(account, entry)
    assert refused.value.message == rules.COMMITMENT_OTHER_CENTER.format(center="常德市公共资源交易中心")


def test_the_commitment_says_whom_it_is_addressed_to_and_is_dated_the_day_it_is_made(key_for):
    account, entry = make_entry("changde")
    save_profile(account, entry)
    document = profiles.commitment_generate(actor=actor(account), center=entry.center, center_subject=entry)
    name = profiles.submitting_name(entry)
    assert (document.kind, document.center_code, document.subject_name) == (
        rules.COMMITMENT_KIND,
        "changde",
        name,
    )
    assert document.title == profiles.commitment_title(entry.center, name)
    today = timezone.localdate()
    pdf = pdfium.PdfDocument(bytes(document.pdf))
    text = "".join(page.get_textpage().get_text_range() for page in pdf)
    pdf.close()
    assert f"{today.year}年{today.month}月{today.day}日" in text


def test_a_document_is_a_commitment_by_its_fields_not_its_title(key_for):
    # A document titled exactly as a commitment for this center, but addressed to none (as signing's
    # page once made them), is not this center's commitment.
    account, entry = make_entry("changde")
    save_profile(account, entry)
    name = profiles.submitting_name(entry)
    lookalike = signing_services.document_create(
        actor=actor(account),
        subject=account.subject,
        kind=rules.COMMITMENT_KIND,
        title=profiles.commitment_title(entry.center, name),
        context={"center_name": "公共资源交易中心", "subject_name": name, "subject_code": "x"},
    )
    check = profiles.commitment_check(center=entry.center, entry=entry, document=lookalike)
    assert check.problem == rules.COMMITMENT_OTHER_CENTER.format(center="常德市公共资源交易中心")


# --- 常德: approved on the sealed commitment ---------------------------------------------------------------


def test_changde_approves_at_once_and_grants_the_types_permissions(key_for):
    account, entry = make_entry("changde", types=(SubjectType.BIDDER, SubjectType.TENDEREE))
    ready_to_submit(account, entry, key_for(account))
    done = submit(account, entry)

    assert done.profile_status == ProfileStatus.APPROVED and done.decided_at is not None
    assert done.profile == done.profile_draft
    assert codes(done) == {
        "bid_signup",
        "tender_download",
        "bid_submit",
        "project_register",
        "result_confirm",
    }
    because = set(CenterPermission.objects.at(done.center).values_list("granted_because", flat=True))
    assert because == {rules.GRANTED_ON_COMMITMENT.format(center="常德市公共资源交易中心")}
    assert not ReviewItem.objects.exists()
    actions = list(AuditEntry.objects.filter(subject_id=account.subject_id).values_list("action", flat=True))
    assert "centers.profile_submitted" in actions and "centers.profile_approved" in actions
    approved = AuditEntry.objects.get(action="centers.profile_approved")
    assert sorted(approved.data["granted"]) == sorted(codes(done))


def test_a_change_after_approval_keeps_the_permissions_and_grants_none_twice(key_for):
    account, entry = make_entry("changde")
    ready_to_submit(account, entry, key_for(account))
    submit(account, entry)
    changed = save_profile(account, entry, contact_name="孙八")
    assert changed.profile_status == ProfileStatus.DRAFT
    assert changed.profile["contact_name"] == "赵敏"  # the approved one stays in force
    assert codes(changed) == {"bid_signup", "tender_download", "bid_submit"}

    again = submit(account, changed)
    assert again.profile_status == ProfileStatus.APPROVED and again.profile["contact_name"] == "孙八"
    assert CenterPermission.objects.at(entry.center).count() == 3


def test_an_approved_profile_has_nothing_to_submit_and_keeps_its_commitment(key_for):
    account, entry = make_entry("changde")
    ready_to_submit(account, entry, key_for(account))
    submit(account, entry)
    with pytest.raises(StateError) as refused:
        submit(account, entry)
    assert refused.value.message == rules.PROFILE_NO_CHANGES
    entry.refresh_from_db()
    with pytest.raises(StateError) as refused:
        profiles.commitment_generate(actor=actor(account), center=entry.center, center_subject=entry)
    assert refused.value.message == rules.COMMITMENT_IN_FORCE


# --- 衡阳: bidders at once, agencies by 市场主体科 -----------------------------------------------------------


def test_hengyang_approves_a_bidder_at_once(key_for):
    account, entry = make_entry("hengyang", types=(SubjectType.BIDDER, SubjectType.LAND_BIDDER))
    ready_to_submit(account, entry, key_for(account))
    done = submit(account, entry)
    assert done.profile_status == ProfileStatus.APPROVED
    assert set(CenterPermission.objects.at(done.center).values_list("granted_because", flat=True)) == {
        rules.GRANTED_BIDDER_SIDE.format(types="投标人、土地竞买人", center="衡阳市公共资源交易中心")
    }


def test_hengyang_queues_an_agency_for_the_market_subject_department(key_for):
    account, entry = make_entry("hengyang", types=(SubjectType.BIDDER, SubjectType.AGENCY))
    ready_to_submit(account, entry, key_for(account))
    now = timezone.now()
    done = profiles.profile_submit(
        actor=actor(account), center=entry.center, center_subject=entry, expected_revision=1, now=now
    )
    assert done.profile_status == ProfileStatus.SUBMITTED and codes(done) == set()
    item = ReviewItem.objects.get()
    assert item.kind == ReviewKind.PROFILE and item.role == StaffRole.REVIEWER
    assert item.center.review_department == "市场主体科"
    assert item.due_at == calendar.due_at(now, 1)
    assert item.subject_code == account.subject.code and item.title == "主体信息登记：常德诚信建设有限公司"

    with pytest.raises(StateError) as refused:
        submit(account, done)
    assert refused.value.message == rules.PROFILE_ALREADY_SUBMITTED.format(department="市场主体科")
    with pytest.raises(StateError) as refused:
        save_profile(account, done)
    assert refused.value.message == rules.PROFILE_LOCKED.format(status="待审核")
    with pytest.raises(StateError) as refused:
        profiles.commitment_generate(actor=actor(account), center=done.center, center_subject=done)
    assert refused.value.message == rules.COMMITMENT_LOCKED


def test_the_reviewer_approves_and_the_permissions_say_who_decided(key_for):
    account, entry = make_entry("hengyang", types=(SubjectType.AGENCY,))
    ready_to_submit(account, entry, key_for(account))
    submit(account, entry)
    reviewer = make_reviewer(entry.center)

    staff_decide(reviewer, entry, ReviewKind.PROFILE, approve=True, opinion="材料齐全")

    entry.refresh_from_db()
    assert entry.profile_status == ProfileStatus.APPROVED and entry.decision_opinion == "材料齐全"
    assert codes(entry) == {"project_register", "venue_booking", "announcement_publish"}
    because = CenterPermission.objects.at(entry.center).values_list("granted_because", flat=True).first()
    assert because == f"市场主体科审核通过（刘审核，{timezone.localdate():%Y-%m-%d}）"


def test_a_rejection_shows_the_opinion_and_the_unit_fixes_and_submits_again(key_for):
    account, entry = make_entry("hengyang", types=(SubjectType.AGENCY,))
    ready_to_submit(account, entry, key_for(account))
    submit(account, entry)
    reviewer = make_reviewer(entry.center)
    staff_decide(reviewer, entry, ReviewKind.PROFILE, approve=False, opinion="联系电话无法接通，请核实")

    entry.refresh_from_db()
    assert entry.profile_status == ProfileStatus.REJECTED
    assert entry.decision_opinion == "联系电话无法接通，请核实" and codes(entry) == set()
    fixed = save_profile(account, entry, contact_phone="0734-8846000")
    assert fixed.profile_status == ProfileStatus.REJECTED  # still shows why, until submitted again
    again = submit(account, fixed)
    assert again.profile_status == ProfileStatus.SUBMITTED
    assert ReviewItem.objects.filter(status=ReviewStatus.OPEN).count() == 1


def test_the_reviewer_reads_what_was_submitted(key_for):
    account, entry = make_entry("hengyang", types=(SubjectType.AGENCY,))
    ready_to_submit(account, entry, key_for(account))
    submit(account, entry)
    told = HANDLERS[ReviewKind.PROFILE].describe(ReviewItem.objects.get(target_id=str(entry.pk)))
    rows = dict(told["rows"])
    assert told["title"] == "衡阳·主体信息：常德诚信建设有限公司"
    assert rows["业务联系人"] == "赵敏" and rows["主体类型"] == "招标代理机构"
    assert rows["诚信承诺书"].startswith("已加盖单位公章（常德诚信建设有限公司，证书序列号")
    ((label, url),) = told["attachments"]
    assert (
        label == "诚信承诺书（已签章PDF）" and url == f"/backoffice/subjects/hengyang/{entry.pk}/commitment/"
    )

    # A type added after approval waits for review, and is described too.
    staff_decide(make_reviewer(entry.center), entry, ReviewKind.PROFILE, approve=True)
    waiting = subject_types.subject_type_add(
        actor=actor(account), center=entry.center, center_subject=entry, type=SubjectType.TENDEREE
    )
    told = HANDLERS[ReviewKind.SUBJECT_TYPE].describe(
        ReviewItem.objects.get(kind=ReviewKind.SUBJECT_TYPE, target_id=str(waiting.pk))
    )
    assert dict(told["rows"])["通过后获得的业务权限"] == "项目登记、确认中标结果"
    assert dict(told["rows"])["已有主体类型"] == "招标代理机构"


def test_withdraw_takes_the_profile_back_from_the_queue(key_for):
    account, entry = make_entry("hengyang", types=(SubjectType.AGENCY,))
    ready_to_submit(account, entry, key_for(account))
    submit(account, entry)
    back = profiles.profile_withdraw(actor=actor(account), center=entry.center, center_subject=entry)
    assert back.profile_status == ProfileStatus.DRAFT
    assert ReviewItem.objects.get().status == ReviewStatus.WITHDRAWN
    with pytest.raises(StateError) as refused:
        profiles.profile_withdraw(actor=actor(account), center=entry.center, center_subject=entry)
    assert refused.value.message == rules.PROFILE_NOT_SUBMITTED


def test_a_reviewer_of_another_center_cannot_decide(key_for):
    account, entry = make_entry("hengyang", types=(SubjectType.AGENCY,))
    ready_to_submit(account, entry, key_for(account))
    submit(account, entry)
    stranger = make_reviewer(center("changde"), username="cd-reviewer")
    item = ReviewItem.objects.get()
    with pytest.raises(NotFound):
        review_services.review_claim(actor=Actor(user=stranger), pk=item.pk)


# --- 丰台: always reviewed ------------------------------------------------------------------------------------


def test_fengtai_reviews_every_profile_within_one_working_day(key_for):
    account, entry = make_entry("fengtai", types=(SubjectType.SUPPLIER,), origin=SubjectOrigin.OWN)
    ready_to_submit(account, entry, key_for(account))
    done = submit(account, entry)
    assert done.profile_status == ProfileStatus.SUBMITTED
    item = ReviewItem.objects.get()
    assert item.due_at == calendar.due_at(item.submitted_at, 1)
    staff_decide(make_reviewer(entry.center), entry, ReviewKind.PROFILE, approve=True)
    entry.refresh_from_db()
    assert codes(entry) == {"procurement_signup", "procurement_download", "response_submit"}


# --- legacy subjects change the registry side locally (000 §8.1.1) -----------------------------------------


def test_a_legacy_subject_edits_its_registry_data_at_the_center(key_for):
    account, entry = make_entry("changde", origin=SubjectOrigin.LEGACY)
    ready_to_submit(account, entry, key_for(account))
    save_profile(account, entry, legal_rep_name="周六", registered_address="常德市鼎城区新址2号")
    done = submit(account, entry)
    assert done.registry_data["basic"]["legal_rep_name"] == "周六"
    assert done.registry_data["basic"]["registered_address"] == "常德市鼎城区新址2号"
    assert done.registry_data["basic"]["entity_type"] == "enterprise"  # the rest is kept


def test_a_legacy_rename_needs_a_new_commitment_and_the_certificate_keeps_logging_in(key_for):
    account, entry = make_entry("changde", name="常德旧名称有限公司", origin=SubjectOrigin.LEGACY)
    key = key_for(account)
    ready_to_submit(account, entry, key)
    submit(account, entry)

    renamed = save_profile(account, entry, name="常德新名称有限公司")
    with pytest.raises(DomainError) as refused:
        submit(account, renamed)
    assert refused.value.message == rules.COMMITMENT_NAME_CHANGED.format(name="常德新名称有限公司")

    sealed_commitment(account, renamed, key)
    done = submit(account, renamed)
    assert profiles.unit_name(done) == "常德新名称有限公司"
    assert AuditEntry.objects.filter(action="centers.profile_approved").latest("id").data["renamed"] == [
        "常德旧名称有限公司",
        "常德新名称有限公司",
    ]
    # The platform's name changed first; the certificate with the old name still logs in by code.
    holder = pki_services.certificate_check(certificate=key.pem)
    subject, _, _ = pki_services.certificate_login(holder=holder, ip=None)
    assert subject.pk == account.subject_id and holder.name == "常德旧名称有限公司"
    assert Subject.objects.get(pk=account.subject_id).name == "常德旧名称有限公司"  # the registry's own row


def test_legacy_registry_fields_are_required_to_submit():
    account, entry = make_entry("changde", origin=SubjectOrigin.LEGACY)
    save_profile(account, entry, legal_rep_id_number="")
    with pytest.raises(IncompleteError) as refused:
        submit(account, entry)
    assert refused.value.fields == ["legal_rep_id_number"]
    assert refused.value.message == rules.PROFILE_MISSING.format(
        fields=rules.PROFILE_LABELS["legal_rep_id_number"]
    )


# --- subject types: users add, staff remove (000 §8.2) -------------------------------------------------------


def add(account, entry, subject_type):
    return subject_types.subject_type_add(
        actor=actor(account), center=entry.center, center_subject=entry, type=subject_type
    )


def test_before_approval_a_type_is_effective_at_once_without_permissions():
    account, entry = make_entry("hengyang")
    added = add(account, entry, SubjectType.AGENCY)
    assert added.effective_at is not None and codes(entry) == set()
    assert not ReviewItem.objects.exists()


def test_after_approval_changde_adds_a_type_with_its_permissions_at_once(key_for):
    account, entry = make_entry("changde")
    ready_to_submit(account, entry, key_for(account))
    submit(account, entry)
    added = add(account, entry, SubjectType.AGENCY)
    assert added.effective_at is not None
    assert {"project_register", "venue_booking", "announcement_publish"} <= codes(entry)
    row = CenterPermission.objects.at(entry.center).get(code="venue_booking")
    assert row.granted_because == rules.GRANTED_TYPE_ADDED.format(
        type="招标代理机构", center="常德市公共资源交易中心"
    )


def test_after_approval_hengyang_reviews_an_added_agency_type(key_for):
    account, entry = make_entry("hengyang")
    ready_to_submit(account, entry, key_for(account))
    submit(account, entry)
    added = add(account, entry, SubjectType.AGENCY)
    assert added.effective_at is None and "venue_booking" not in codes(entry)
    item = ReviewItem.objects.get(kind=ReviewKind.SUBJECT_TYPE)
    assert item.target_id == str(added.pk) and item.title == "新增主体类型「招标代理机构」"

    with pytest.raises(StateError) as refused:
        add(account, entry, SubjectType.AGENCY)
    assert refused.value.message == rules.TYPE_WAITING.format(type="招标代理机构", department="市场主体科")

    staff_decide(make_reviewer(entry.center), added, ReviewKind.SUBJECT_TYPE, approve=True)
    added.refresh_from_db()
    assert added.effective_at is not None and "venue_booking" in codes(entry)
    assert selectors.effective_types(center=entry.center, center_subject=entry) == ["bidder", "agency"]


def test_a_rejected_type_is_removed_with_the_reason_and_may_be_asked_again(key_for):
    account, entry = make_entry("hengyang")
    ready_to_submit(account, entry, key_for(account))
    submit(account, entry)
    added = add(account, entry, SubjectType.TENDEREE)
    staff_decide(
        make_reviewer(entry.center), added, ReviewKind.SUBJECT_TYPE, approve=False, opinion="请上传授权书"
    )
    added.refresh_from_db()
    assert added.removed_at is not None and added.removed_reason == rules.TYPE_REJECTED.format(
        opinion="请上传授权书"
    )
    assert add(account, entry, SubjectType.TENDEREE).effective_at is None  # asked again


def test_a_type_held_is_not_added_twice_and_none_is_added_during_review(key_for):
    account, entry = make_entry("hengyang", types=(SubjectType.AGENCY,))
    with pytest.raises(StateError) as refused:
        add(account, entry, SubjectType.AGENCY)
    assert refused.value.message == rules.TYPE_ALREADY.format(type="招标代理机构")
    ready_to_submit(account, entry, key_for(account))
    submit(account, entry)
    with pytest.raises(StateError) as refused:
        add(account, entry, SubjectType.BIDDER)
    assert refused.value.message == rules.TYPE_LOCKED
    with pytest.raises(DomainError) as refused:
        add(account, entry, "astronaut")
    assert refused.value.message == rules.TYPE_UNKNOWN


def remove(who, entry, subject_type, reason="单位申请删除"):
    return subject_types.subject_type_remove(
        actor=Actor(user=who, auth_method="certificate"),
        center=entry.center,
        center_subject=entry,
        type=subject_type,
        reason=reason,
    )


def test_only_staff_of_the_center_remove_a_type(key_for):
    account, entry = make_entry("changde", types=(SubjectType.BIDDER, SubjectType.AGENCY))
    message = rules.TYPE_REMOVE_STAFF_ONLY.format(center="常德市公共资源交易中心", phone="0736-7256317")
    with pytest.raises(DomainError) as refused:
        remove(account, entry, SubjectType.AGENCY)  # the unit itself
    assert refused.value.message == message
    from tests.factories import make_staff

    with pytest.raises(DomainError) as refused:
        remove(make_staff("no-member"), entry, SubjectType.AGENCY)  # is_staff, but no StaffMember
    assert refused.value.message == message
    with pytest.raises(DomainError) as refused:
        remove(make_reviewer(center("hengyang"), username="hy"), entry, SubjectType.AGENCY)
    assert refused.value.message == rules.TYPE_REMOVE_WRONG_CENTER.format(center="常德市公共资源交易中心")
    staff = make_reviewer(entry.center, username="cd")
    with pytest.raises(DomainError) as refused:
        remove(staff, entry, SubjectType.AGENCY, reason="  ")
    assert refused.value.message == rules.TYPE_REMOVE_REASON
    with pytest.raises(NotFound) as refused:
        remove(staff, entry, SubjectType.TENDEREE)
    assert refused.value.message == rules.TYPE_REMOVE_NOT_HELD.format(type="招标人")
    assert CenterSubjectType.objects.at(entry.center).filter(removed_at=None).count() == 2


def test_removing_a_type_revokes_only_what_no_other_type_gives(key_for):
    account, entry = make_entry("changde", types=(SubjectType.TENDEREE, SubjectType.AGENCY))
    ready_to_submit(account, entry, key_for(account))
    submit(account, entry)
    admin = make_reviewer(None, username="platform", name="平台管理员", roles=(StaffRole.ADMIN,))

    removed = remove(admin, entry, SubjectType.AGENCY, reason="已不再从事招标代理")

    assert removed.removed_at is not None and removed.removed_by == admin
    assert codes(entry) == {"project_register", "result_confirm"}  # 项目登记 stays: 招标人 gives it too
    revoked = CenterPermission.objects.at(entry.center).exclude(revoked_at=None)
    assert set(revoked.values_list("code", flat=True)) == {"venue_booking", "announcement_publish"}
    row = AuditEntry.objects.get(action="centers.type_removed")
    assert row.actor == admin and row.data["reason"] == "已不再从事招标代理"
    assert sorted(row.data["revoked"]) == ["announcement_publish", "venue_booking"]


def test_removing_a_type_waiting_for_review_withdraws_its_review(key_for):
    account, entry = make_entry("hengyang")
    ready_to_submit(account, entry, key_for(account))
    submit(account, entry)
    add(account, entry, SubjectType.AGENCY)
    remove(make_reviewer(entry.center), entry, SubjectType.AGENCY)
    assert ReviewItem.objects.get(kind=ReviewKind.SUBJECT_TYPE).status == ReviewStatus.WITHDRAWN


# --- own registration at 丰台 (services; the HTTP flow is in test_fengtai.py) ------------------------------------


def test_registration_is_only_for_centers_with_their_own_registry(trusted):
    key = pkiparts.holder(trusted["demo-rsa"], name="丰台新供应商有限公司", code="91110106MA01ABCD1H")
    holder = pki_services.certificate_check(certificate=key.pem)
    with pytest.raises(DomainError) as refused:
        profiles.register_check(center=center("changde"), holder=holder)
    assert refused.value.message == rules.REGISTER_NOT_HERE.format(center="常德市公共资源交易中心")


def test_an_existing_subject_joins_fengtai_once(trusted):
    account = make_unit(name="丰台老用户有限公司")
    key = pkiparts.holder(trusted["demo-p256"], name=account.subject.name, code=account.subject.code)
    holder = pki_services.certificate_check(certificate=key.pem)
    first, created = profiles.center_join(
        actor=actor(account), center=center("fengtai"), subject=account.subject, holder=holder
    )
    again, created_again = profiles.center_join(
        actor=actor(account), center=center("fengtai"), subject=account.subject, holder=holder
    )
    assert created and not created_again and first.pk == again.pk
    assert first.origin == SubjectOrigin.OWN and first.registry_data["name"] == "丰台老用户有限公司"


def test_a_type_removed_while_a_reviewer_holds_it_cannot_be_decided(key_for):
    account, entry = make_entry("hengyang")
    ready_to_submit(account, entry, key_for(account))
    submit(account, entry)
    add(account, entry, SubjectType.AGENCY)
    reviewer = make_reviewer(entry.center)
    item = ReviewItem.objects.get(kind=ReviewKind.SUBJECT_TYPE)
    review_services.review_claim(actor=Actor(user=reviewer), pk=item.pk)
    remove(make_reviewer(entry.center, username="colleague", name="王同事"), entry, SubjectType.AGENCY)
    with pytest.raises(StateError) as refused:
        review_services.review_decide(actor=Actor(user=reviewer), pk=item.pk, approve=True, opinion="")
    assert refused.value.message == review_rules.ALREADY_DECIDED.format(status="已撤回")
    assert "venue_booking" not in codes(entry)


def test_the_role_picked_must_be_a_type_held():
    from django.test import RequestFactory

    _, entry = make_entry("changde", types=(SubjectType.TENDEREE, SubjectType.AGENCY))
    request = RequestFactory().get("/")
    request.session = {}
    with pytest.raises(DomainError) as refused:
        roles.role_pick(request, entry.center, entry, SubjectType.BIDDER)
    assert refused.value.message == rules.ROLE_NOT_HELD.format(type="投标人")
    assert roles.role_pick(request, entry.center, entry, SubjectType.AGENCY) == "agency"
    assert request.session[roles.ROLE_SESSION_KEY] == {"changde": "agency"}


def test_staff_of_the_center_open_the_sealed_commitment_others_do_not(key_for, client):
    account, entry = make_entry("hengyang", types=(SubjectType.AGENCY,))
    ready_to_submit(account, entry, key_for(account))
    submit(account, entry)
    url = f"/backoffice/subjects/hengyang/{entry.pk}/commitment/"

    client.force_login(make_reviewer(entry.center))
    opened = client.get(url)
    assert opened.status_code == 200 and opened["Content-Type"] == "application/pdf"
    assert opened.content.startswith(b"%PDF") and b"/ByteRange" in opened.content  # the sealed file
    assert "attachment" not in opened["Content-Disposition"]

    client.force_login(make_reviewer(center("changde"), username="changde_reviewer"))
    assert client.get(url).status_code == 404  # another center's staff
    client.force_login(account)
    assert client.get(url).status_code == 403  # the unit itself is not staff


def test_the_migration_addresses_the_commitments_entries_hold_by_their_title(key_for):
    # centers 0005 fills center_code/subject_name for commitments made before the fields existed.
    import importlib

    from django.apps import apps

    migration = importlib.import_module("centers.migrations.0005_commitment_documents_addressed")
    account, entry = make_entry("changde")
    save_profile(account, entry)
    document = profiles.commitment_generate(actor=actor(account), center=entry.center, center_subject=entry)
    stray = signing_services.document_create(
        actor=actor(account),
        subject=account.subject,
        kind=rules.COMMITMENT_KIND,
        title="诚信承诺书（某单位）",
        context={"center_name": "公共资源交易中心", "subject_name": "某单位", "subject_code": "x"},
    )
    type(document).objects.filter(pk__in=[document.pk, stray.pk]).update(center_code="", subject_name="")
    migration.fill(apps, None)
    document.refresh_from_db()
    stray.refresh_from_db()
    entry.refresh_from_db()
    assert (document.center_code, document.subject_name) == ("changde", profiles.submitting_name(entry))
    assert (stray.center_code, stray.subject_name) == ("", "")
    assert profiles.commitment_check(center=entry.center, entry=entry).problem == rules.COMMITMENT_NOT_SEALED
