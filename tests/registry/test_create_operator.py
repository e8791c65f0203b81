"""create_operator: production's way to make the platform operator (平台运维人员) of Django's
admin. The password never comes from the command line; the operator holds exactly the registry's
and core's view permissions, in no group; a weak password is refused; a second run changes nothing."""

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.test import Client

from core.errors import DomainError
from core.models import AuditEntry
from registry import rules
from registry.management.commands import create_operator
from registry.models import Account
from registry.operators import CENTER_STAFF_GROUP, operator_permissions, operator_seed
from registry.passwords import PASSWORD_TOO_SHORT
from tests.factories import make_unit

pytestmark = pytest.mark.django_db

STRONG = "Yunwei2026safe"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def create(*args: str, **options) -> str:
    out = io.StringIO()
    call_command("create_operator", *args, stdout=out, **options)
    return out.getvalue()


def audit_rows() -> int:
    return AuditEntry.objects.filter(action=rules.AUDIT_OPERATOR_SEEDED).count()


@pytest.fixture
def password_file(tmp_path):
    path = tmp_path / "operator-password"
    path.write_text(STRONG + "\n", encoding="utf-8")
    return path


def test_the_password_file_makes_an_operator_with_exactly_the_view_permissions(password_file):
    printed = create("--username", "ops", "--password-file", str(password_file))
    operator = Account.objects.get(username="ops")
    assert "ops: created" in printed
    assert operator.is_staff and operator.is_active and not operator.is_superuser
    assert operator.display_name == create_operator.DEFAULT_DISPLAY_NAME and operator.subject is None
    assert operator.check_password(STRONG)
    assert set(operator.user_permissions.all()) == set(operator_permissions())
    assert operator.has_perm("registry.view_subject") and operator.has_perm("core.view_auditentry")
    assert not operator.has_perm("registry.change_subject") and not operator.has_perm(
        "review.view_reviewitem"
    )
    assert not operator.groups.exists() and not hasattr(operator, "staff_member")
    row = AuditEntry.objects.get(action=rules.AUDIT_OPERATOR_SEEDED)
    assert row.target_id == str(operator.pk) and row.data["made"] and STRONG not in str(row.data)


def test_the_operator_opens_djangos_admin(password_file):
    create("--username", "ops", "--password-file", str(password_file))
    client = Client()
    assert client.login(username="ops", password=STRONG)
    assert client.get("/admin/registry/subject/").status_code == 200


def test_the_password_can_come_from_the_environment(monkeypatch):
    monkeypatch.setenv(create_operator.PASSWORD_ENV, STRONG)
    create("--username", "ops", "--display-name", "孙悦")
    operator = Account.objects.get(username="ops")
    assert operator.check_password(STRONG) and operator.display_name == "孙悦"


def test_the_password_can_be_typed_twice_at_a_terminal(monkeypatch):
    monkeypatch.delenv(create_operator.PASSWORD_ENV, raising=False)
    typed = iter([STRONG, STRONG])
    monkeypatch.setattr(create_operator.getpass, "getpass", lambda prompt: next(typed))
    create("--username", "ops", stdin=Terminal())
    assert Account.objects.get(username="ops").check_password(STRONG)


def test_two_different_passwords_at_the_terminal_make_nothing(monkeypatch):
    monkeypatch.delenv(create_operator.PASSWORD_ENV, raising=False)
    typed = iter([STRONG, STRONG + "x"])
    monkeypatch.setattr(create_operator.getpass, "getpass", lambda prompt: next(typed))
    with pytest.raises(CommandError, match=create_operator.PASSWORDS_DIFFER):
        create("--username", "ops", stdin=Terminal())
    assert not Account.objects.filter(username="ops").exists()


def test_without_a_file_a_variable_or_a_terminal_there_is_no_password(monkeypatch):
    monkeypatch.delenv(create_operator.PASSWORD_ENV, raising=False)
    with pytest.raises(CommandError) as refused:
        create("--username", "ops", stdin=io.StringIO())
    assert str(refused.value) == create_operator.NO_PASSWORD
    assert not Account.objects.filter(username="ops").exists()


def test_there_is_no_password_argument():
    with pytest.raises(CommandError, match="unrecognized arguments"):
        create("--username", "ops", "--password", STRONG)


def test_an_empty_password_file_is_refused(tmp_path):
    empty = tmp_path / "empty"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        create("--username", "ops", "--password-file", str(empty))
    assert str(refused.value) == create_operator.PASSWORD_FILE_EMPTY.format(path=empty)


def test_a_weak_password_is_refused_with_the_password_rule(monkeypatch):
    monkeypatch.setenv(create_operator.PASSWORD_ENV, "ab12")
    with pytest.raises(CommandError) as refused:
        create("--username", "ops")
    assert str(refused.value) == PASSWORD_TOO_SHORT.format(length=4)
    assert not Account.objects.filter(username="ops").exists() and audit_rows() == 0


def test_a_password_holding_the_login_is_refused(monkeypatch):
    monkeypatch.setenv(create_operator.PASSWORD_ENV, "Yunwei2026")
    with pytest.raises(CommandError):
        create("--username", "yunwei")
    assert not Account.objects.filter(username="yunwei").exists()


def test_a_second_run_changes_nothing_and_writes_no_row(password_file):
    create("--username", "ops", "--password-file", str(password_file))
    before = Account.objects.get(username="ops").password
    printed = create("--username", "ops", "--password-file", str(password_file))
    assert "ops: already there" in printed
    assert Account.objects.filter(username="ops").count() == 1
    assert Account.objects.get(username="ops").password == before  # open sessions stay open
    assert audit_rows() == 1


def test_a_run_brings_an_existing_account_to_exactly_the_operators_grants(password_file):
    """An account made by hand, inactive, in the centers' staff group, with a change permission
    and another password, leaves the run as an operator and nothing more."""
    group, _ = Group.objects.get_or_create(name=CENTER_STAFF_GROUP)
    account = Account.objects.create_user("ops", "Old2026password", is_staff=False, is_active=False)
    account.groups.add(group)
    account.user_permissions.add(*Permission.objects.filter(codename="change_subject"))
    create("--username", "ops", "--password-file", str(password_file))
    account = Account.objects.get(username="ops")
    assert account.is_staff and account.is_active and account.check_password(STRONG)
    assert set(account.user_permissions.all()) == set(operator_permissions())
    assert not account.groups.exists()
    row = AuditEntry.objects.get(action=rules.AUDIT_OPERATOR_SEEDED)
    assert not row.data["made"] and row.data["password_changed"]
    assert row.data["changed"] == ["display_name", "is_staff", "is_active"]
    assert row.data["left_groups"] == [CENTER_STAFF_GROUP]


def test_a_subjects_account_is_never_made_an_operator(password_file):
    unit = make_unit()
    with pytest.raises(CommandError) as refused:
        create("--username", unit.username, "--password-file", str(password_file))
    assert str(refused.value) == rules.OPERATOR_IS_SUBJECT.format(username=unit.username)
    unit.refresh_from_db()
    assert not unit.is_staff and not unit.user_permissions.exists()


def test_a_center_staff_members_account_is_never_made_an_operator(reviewer, password_file):
    username = reviewer.account.username
    with pytest.raises(CommandError) as refused:
        create("--username", username, "--password-file", str(password_file))
    assert str(refused.value) == rules.OPERATOR_IS_CENTER_STAFF.format(username=username)
    assert not reviewer.account.user_permissions.exists()


def test_the_demo_and_the_suite_make_their_operator_the_same_way(operator):
    call_command("load_demo")
    demo = Account.objects.get(username="staff")
    assert set(demo.user_permissions.all()) == set(operator.user_permissions.all())
    assert demo.is_staff and operator.is_staff and not demo.groups.exists()
    made = AuditEntry.objects.filter(action=rules.AUDIT_OPERATOR_SEEDED, data__made=True)
    assert sorted(made.values_list("data__username", flat=True)) == ["operator", "staff"]


def test_the_service_wants_a_login_and_a_name():
    with pytest.raises(DomainError) as no_login:
        operator_seed(username=" ", display_name="平台运维人员", password=STRONG)
    assert no_login.value.message == rules.OPERATOR_USERNAME_REQUIRED
    with pytest.raises(DomainError) as no_name:
        operator_seed(username="ops", display_name="", password=STRONG)
    assert no_name.value.message == rules.NAME_REQUIRED
