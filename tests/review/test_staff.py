"""Staff members (工作人员管理): administrators add, change and deactivate accounts; every change is
audited; the ID number that certificate login reads is checked and unique among active staff."""

import pytest

from core.errors import DomainError, NotFound, StateError
from core.models import AuditEntry
from registry.models import Account
from review import rules, services, services_admin
from review.models import ReviewStatus, StaffMember
from tests.review.parts import actor_of, center, center_subject, new_id_number, open_item, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform():
    return staff("platform_admin", None, "admin", name="赵平")


@pytest.fixture
def hengyang_admin():
    return staff("hy_admin", "hengyang", "admin", name="衡阳管理员")


def add(actor_member, **overrides):
    values = {
        "username": "new_reviewer",
        "password": "Review2026ok",
        "name": "钱多",
        "department": "市场主体科",
        "roles": ["reviewer"],
        "id_number": new_id_number(),
        "center": center("hengyang"),
    }
    values.update(overrides)
    return services_admin.staff_member_add(actor=actor_of(actor_member), **values)


def test_an_administrator_adds_a_reviewer_who_can_log_in(platform):
    member = add(platform)
    account = Account.objects.get(username="new_reviewer")
    assert member.account == account and account.is_staff and account.check_password("Review2026ok")
    assert member.roles == ["reviewer"] and member.center.code == "hengyang"
    # No model permission: staff read subjects through the back-office, bounded by their center.
    assert not account.has_perm("registry.view_subject") and not account.has_perm("registry.view_attachment")
    assert not account.get_all_permissions()
    added = AuditEntry.objects.get(action="review.staff_added", target_id=str(member.pk))
    assert added.actor == platform.account and added.data["roles"] == ["reviewer"]


def test_without_a_password_the_account_logs_in_by_certificate_only(platform):
    member = add(platform, password="")
    assert not member.account.has_usable_password()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("id_number", "430405198807010011", "第18位校验码应为“6”"),
        ("roles", [], rules.ROLES_REQUIRED),
        ("roles", ["reviewer", "boss"], rules.ROLES_REQUIRED),
        ("password", "123", "密码"),
    ],
)
def test_bad_input_is_refused_on_its_field(platform, field, value, message):
    with pytest.raises(DomainError) as refused:
        add(platform, **{field: value})
    assert message in refused.value.message and refused.value.field == field
    assert not Account.objects.filter(username="new_reviewer").exists()


def test_usernames_and_active_id_numbers_are_unique(platform):
    first = add(platform)
    with pytest.raises(DomainError) as taken:
        add(platform, id_number=new_id_number())
    assert taken.value.message == rules.USERNAME_TAKEN.format(username="new_reviewer")
    with pytest.raises(DomainError) as same_id:
        add(platform, username="other", id_number=first.id_number)
    assert same_id.value.message == rules.ID_NUMBER_TAKEN.format(id_number=first.id_number, name="钱多")
    # Once the first account is deactivated, the number may go to a new account.
    services_admin.staff_member_deactivate(actor=actor_of(platform), pk=first.pk)
    assert add(platform, username="other", id_number=first.id_number).id_number == first.id_number


def test_a_center_administrator_manages_their_own_center_only(hengyang_admin):
    with pytest.raises(DomainError) as other:
        add(hengyang_admin, center=center("changde"))
    assert other.value.message == rules.CENTER_NOT_YOURS.format(center="衡阳市公共资源交易中心")
    with pytest.raises(DomainError) as none:
        add(hengyang_admin, center=None)
    assert none.value.message == rules.PLATFORM_ADMIN_ONLY
    changde = staff("cd_reviewer", "changde", "reviewer")
    with pytest.raises(NotFound):
        services_admin.staff_member_deactivate(actor=actor_of(hengyang_admin), pk=changde.pk)
    assert add(hengyang_admin).center.code == "hengyang"


def test_reviewers_do_not_manage_staff():
    reviewer = staff("hy_reviewer", "hengyang", "reviewer")
    with pytest.raises(DomainError) as refused:
        add(reviewer)
    assert refused.value.message == rules.NO_PERMISSION.format(roles="审核员", permission="工作人员管理")


def test_changing_roles_is_audited_with_before_and_after(platform):
    member = add(platform)
    changed = services_admin.staff_member_change(
        actor=actor_of(platform),
        pk=member.pk,
        name="钱多多",
        department=member.department,
        roles=["reviewer", "support"],
        id_number=member.id_number,
    )
    assert changed.roles == ["reviewer", "support"] and changed.account.display_name == "钱多多"
    entry = AuditEntry.objects.get(action="review.staff_changed", target_id=str(member.pk))
    assert entry.data["changed"] == {
        "name": ["钱多", "钱多多"],
        "roles": [["reviewer"], ["reviewer", "support"]],
    }


def test_an_administrator_keeps_their_own_admin_role_and_account(platform):
    with pytest.raises(DomainError) as own_role:
        services_admin.staff_member_change(
            actor=actor_of(platform),
            pk=platform.pk,
            name="赵平",
            department="",
            roles=["reviewer"],
            id_number=platform.id_number,
        )
    assert own_role.value.message == rules.OWN_ADMIN_ROLE
    with pytest.raises(StateError) as own_account:
        services_admin.staff_member_deactivate(actor=actor_of(platform), pk=platform.pk)
    assert own_account.value.message == rules.NOT_YOURSELF


def test_deactivating_returns_claimed_items_to_the_queue(platform):
    reviewer = staff("hy_reviewer", "hengyang", "reviewer", name="李娟")
    item = open_item(center_subject("hengyang"))
    services.review_claim(actor=actor_of(reviewer), pk=item.pk)

    member, released = services_admin.staff_member_deactivate(actor=actor_of(platform), pk=reviewer.pk)

    item.refresh_from_db()
    assert released == 1 and item.status == ReviewStatus.OPEN and item.claimed_by is None
    assert not Account.objects.get(pk=reviewer.account_id).is_active
    assert (
        AuditEntry.objects.get(action="review.item_released", target_id=str(item.pk)).data["because"]
        == "review.staff_deactivated"
    )
    with pytest.raises(DomainError) as gone:
        services.review_claim(actor=actor_of(Account.objects.get(pk=reviewer.account_id)), pk=item.pk)
    assert gone.value.message == rules.NOT_STAFF

    services_admin.staff_member_reactivate(actor=actor_of(platform), pk=member.pk)
    assert Account.objects.get(pk=reviewer.account_id).is_active
    assert list(
        AuditEntry.objects.filter(target_type="review.staffmember", target_id=str(member.pk))
        .values_list("action", flat=True)
        .order_by("id")
    ) == ["review.staff_added", "review.staff_deactivated", "review.staff_reactivated"]


def test_seeding_twice_changes_nothing():
    first = staff("seeded", "changde", "reviewer", id_number="43070219880312024X")
    again = staff("seeded", "changde", "reviewer", id_number="43070219880312024X")
    assert first.pk == again.pk and StaffMember.objects.filter(account__username="seeded").count() == 1
    assert AuditEntry.objects.filter(action="review.staff_added", target_id=str(first.pk)).count() == 1
