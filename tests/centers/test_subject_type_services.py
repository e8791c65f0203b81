"""Subject types through the services: users add, staff remove, permissions follow (000 §8.2)."""

from __future__ import annotations

import pytest

from centers import grants, roles, rules, selectors, subject_types
from centers.models import CenterPermission, CenterSubjectType, SubjectType
from core.audit import Actor
from core.errors import DomainError, NotFound, StateError
from core.models import AuditEntry
from review import rules as review_rules
from review import services as review_services
from review.models import ReviewItem, ReviewKind, ReviewStatus, StaffRole
from tests.centers.factories import (
    actor,
    center,
    make_entry,
    make_reviewer,
    ready_to_submit,
    submit,
)
from tests.factories import make_django_staff_without_member

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
    with pytest.raises(DomainError) as refused:
        remove(make_django_staff_without_member(), entry, SubjectType.AGENCY)
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
