"""The center profile, the decision by each center's rule, the permissions it grants and the review
queue's decisions — through the services, with real seals (000 §7, §8; 001 §2; 002 §3). The
commitment, subject types and own registration have files of their own beside this one."""

from __future__ import annotations

import pytest
from django.utils import timezone

from centers import grants, profiles, rules, subject_types
from centers.models import CenterPermission, ProfileStatus, SubjectOrigin, SubjectType
from core.audit import Actor
from core.errors import ConflictError, DomainError, IncompleteError, NotFound, StateError
from core.models import AuditEntry
from pki import services as pki_services
from registry.models import Subject
from review import calendar
from review import services as review_services
from review.handlers import HANDLERS
from review.models import ReviewItem, ReviewKind, ReviewStatus, StaffRole
from tests.centers.factories import (
    actor,
    center,
    make_entry,
    make_reviewer,
    profile_data,
    ready_to_submit,
    save_profile,
    sealed_commitment,
    submit,
)

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
