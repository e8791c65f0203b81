"""003 §2: registration of units and natural persons."""

import pytest

from core.errors import DomainError
from core.models import AuditEntry
from registry import identifiers, passwords, rules, services
from registry.identifiers import USCC_CHECK
from registry.kinds import form_for
from registry.models import Account, Record, RecordKind, Subject, SubjectStatus

pytestmark = pytest.mark.django_db

VALID_USCC = "91350100M000100Y43"


def test_unit_registers_invalid_until_submitted():
    account = services.subject_register(
        kind="unit", code=VALID_USCC, name="福州示例有限公司", password="Abcd2026xyz", email="a@example.com"
    )
    subject = account.subject
    assert subject.status == SubjectStatus.INVALID
    assert subject.code_type == "uscc"
    assert account.username == VALID_USCC
    basic = Record.objects.get(subject=subject, kind=RecordKind.BASIC)
    assert basic.draft.data == {"name": "福州示例有限公司", "contact_email": "a@example.com"}
    assert basic.current is None
    assert AuditEntry.objects.filter(action="registry.subject_registered", subject_id=subject.pk).count() == 1


def test_code_is_normalised_before_it_is_stored():
    account = services.subject_register(
        kind="person", code=" 11010519491231002x ", name="李雷", password="Abcd2026xyz", email="p@example.com"
    )
    assert account.subject.code == "11010519491231002X"


def test_wrong_check_character_names_the_character():
    with pytest.raises(DomainError) as error:
        services.subject_register(
            kind="unit", code="91350100M000100Y44", name="x", password="Abcd2026xyz", email="a@example.com"
        )
    assert error.value.message == USCC_CHECK.format(expected="3", actual="4")
    assert not Subject.objects.exists()


def test_registered_code_is_refused_with_the_manuals_words(unit):
    with pytest.raises(DomainError) as error:
        services.subject_register(
            kind="unit", code=unit.subject.code, name="另一家", password="Abcd2026xyz", email="a@example.com"
        )
    assert error.value.message == rules.CODE_ALREADY_REGISTERED


@pytest.mark.parametrize(
    ("password", "problems"),
    [
        ("short1", [passwords.PASSWORD_TOO_SHORT.format(length=6), passwords.PASSWORD_TOO_COMMON]),
        ("abcdefghij", [passwords.PASSWORD_NEEDS_MIX, passwords.PASSWORD_TOO_COMMON]),
        ("1234567890", [passwords.PASSWORD_NEEDS_MIX, passwords.PASSWORD_TOO_COMMON]),
        ("password123", [passwords.PASSWORD_TOO_COMMON]),
    ],
)
def test_weak_passwords_are_refused_and_nothing_is_saved(password, problems):
    with pytest.raises(DomainError) as error:
        services.subject_register(
            kind="unit", code=VALID_USCC, name="福州示例有限公司", password=password, email="a@example.com"
        )
    assert error.value.field == "password"
    assert error.value.message == "".join(problems)
    assert not Subject.objects.exists()
    assert not Account.objects.exists()


def test_what_registration_asked_is_not_asked_again_by_the_basic_information():
    """The mailbox typed at registration is in the first draft, so 「提交」 does not miss it."""
    unit = services.subject_register(
        kind="unit", code=VALID_USCC, name="福州示例有限公司", password="Abcd2026xyz", email="a@example.com"
    )
    person = services.subject_register(
        kind="person", code="11010519491231002X", name="李雷", password="Abcd2026xyz", email="p@example.com"
    )
    for account, kind, email in ((unit, "unit", "a@example.com"), (person, "person", "p@example.com")):
        draft = Record.objects.get(subject=account.subject, kind=RecordKind.BASIC).draft
        missing = form_for(kind, RecordKind.BASIC).missing_for_submit(draft.data)
        assert "电子邮箱" not in missing and "单位全称" not in missing and "姓名" not in missing
        assert email in draft.data.values()


def test_person_code_must_be_a_resident_id():
    with pytest.raises(DomainError) as error:
        services.subject_register(
            kind="person", code=VALID_USCC, name="李雷", password="Abcd2026xyz", email="p@example.com"
        )
    assert error.value.message == identifiers.ID_NOT_DIGIT.format(pos=9, char="M")
    assert error.value.field == "code"


class TestRegistrationPages:
    def test_step_one_keeps_input_and_names_the_wrong_character(self, client):
        response = client.post("/registry/register/", {"kind": "unit", "code": "91350100M000100Y44"})
        assert response.status_code == 200
        body = response.content.decode()
        assert USCC_CHECK.format(expected="3", actual="4") in body
        assert 'value="91350100M000100Y44"' in body

    def test_registered_code_goes_to_login(self, client, unit):
        response = client.post("/registry/register/", {"kind": "unit", "code": unit.subject.code})
        assert response.status_code == 302
        assert response["Location"] == f"/registry/login/?login={unit.subject.code}"
        page = client.get(response["Location"]).content.decode()
        assert rules.CODE_ALREADY_REGISTERED in page

    def test_full_registration_logs_in_on_the_basic_page(self, client):
        client.post("/registry/register/", {"kind": "unit", "code": VALID_USCC})
        response = client.post(
            "/registry/register/details/",
            {
                "name": "福州示例有限公司",
                "email": "a@example.com",
                "password": "Abcd2026xyz",
                "password2": "Abcd2026xyz",
            },
        )
        assert response.status_code == 302
        assert response["Location"] == "/registry/basic/"
        page = client.get("/registry/basic/").content.decode()
        assert "注册成功" in page
        assert "福州示例有限公司" in page
        assert "无效" in page
        assert 'value="a@example.com"' in page  # carried into 基本信息, not asked again

    def test_mismatched_passwords_keep_the_name(self, client):
        client.post("/registry/register/", {"kind": "unit", "code": VALID_USCC})
        response = client.post(
            "/registry/register/details/",
            {
                "name": "福州示例有限公司",
                "email": "a@example.com",
                "password": "Abcd2026xyz",
                "password2": "x",
            },
        )
        body = response.content.decode()
        assert "两次输入的密码不一致" in body
        assert 'value="福州示例有限公司"' in body
        assert not Subject.objects.exists()

    def test_live_code_check(self, client):
        bad = client.post("/registry/register/check/", {"kind": "unit", "code": "91350100M000100Y44"})
        assert "第18位校验码应为“3”" in bad.content.decode()
        good = client.post("/registry/register/check/", {"kind": "unit", "code": VALID_USCC})
        assert "代码校验通过" in good.content.decode()


def test_two_registrations_of_one_code_at_once_leave_one_subject(monkeypatch):
    """The other registration commits after our check and before our insert: the unique index
    decides, and the loser hears the manual's words instead of an error page."""
    real_validate = services.password_validation.validate_password
    raced = []

    def validate_then_lose_the_race(password, user=None):
        real_validate(password, user)
        if not raced:
            raced.append(True)
            services.subject_register(
                kind="unit",
                code=VALID_USCC,
                name="先到有限公司",
                password="Abcd2026xyz",
                email="f@example.com",
            )

    monkeypatch.setattr(services.password_validation, "validate_password", validate_then_lose_the_race)
    with pytest.raises(DomainError) as error:
        services.subject_register(
            kind="unit", code=VALID_USCC, name="后到有限公司", password="Abcd2026xyz", email="l@example.com"
        )
    assert error.value.message == rules.CODE_ALREADY_REGISTERED
    assert list(Subject.objects.values_list("name", flat=True)) == ["先到有限公司"]
    assert Account.objects.count() == 1
