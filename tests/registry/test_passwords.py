"""The password rule (registry/passwords.py): one Chinese help line, every problem said at once,
and "not similar to the name" meaning what it says."""

import re

import pytest
from django.core import mail

from registry import passwords, rules, services
from registry.models import Account, Subject
from tests.factories import make_person

pytestmark = pytest.mark.django_db

VALID_USCC = "91350100M000100Y43"
ENGLISH = re.compile(r"\b(password|This|characters?|too|common|similar|numeric)\b", re.IGNORECASE)


def register(**overrides):
    values = {
        "kind": "unit",
        "code": VALID_USCC,
        "name": "福州示例有限公司",
        "password": "Abcd2026xyz",
        "email": "a@example.com",
    }
    return services.subject_register(**{**values, **overrides})


@pytest.mark.parametrize(
    ("name", "password"),
    [
        ("福州示例有限公司", "福州示例有限公司a1"),  # the name plus two characters
        ("福州示例有限公司", "a1福州示例有限公"),  # three characters from the name
        ("Fuzhou Sample Co", "fuzhousampleco12"),  # case and spaces do not hide it
        ("Fuzhou Sample Co", "Fuzh0uSampl3C0"),  # three characters changed
        ("ＡＢＣＤ科技有限公司", "abcd2026"),  # the name's Latin part, typed half-width
    ],
)
def test_a_password_like_the_name_is_refused(name, password):
    with pytest.raises(services.DomainError) as error:
        register(name=name, password=password)
    assert passwords.PASSWORD_SIMILAR.format(what="名称") in error.value.message
    assert not Subject.objects.exists()


@pytest.mark.parametrize(
    ("what", "overrides"),
    [
        ("代码（账号）", {"password": VALID_USCC.lower() + "ab"}),
        ("邮箱用户名", {"email": "zhangwei@example.com", "password": "Zhangwei2026"}),
    ],
)
def test_a_password_like_the_code_or_the_mailbox_is_refused(what, overrides):
    with pytest.raises(services.DomainError) as error:
        register(**overrides)
    assert passwords.PASSWORD_SIMILAR.format(what=what) in error.value.message


def test_an_unrelated_password_is_accepted():
    account = register(name="Fuzhou Sample Co", password="Hengyang2026ok")
    assert account.check_password("Hengyang2026ok")


def test_a_year_that_is_also_in_the_name_is_not_the_name():
    account = register(name="衡阳第2026建设工程有限公司", password="Bench2026pass")
    assert account.check_password("Bench2026pass")


def test_every_problem_is_named_in_chinese_at_once():
    problems = passwords.password_problems("1234567", Account(username="x", display_name="李雷"))
    assert problems == [
        passwords.PASSWORD_TOO_SHORT.format(length=7),
        passwords.PASSWORD_NEEDS_MIX,
        passwords.PASSWORD_TOO_COMMON,
    ]


def start(client):
    client.post("/registry/register/", {"kind": "unit", "code": VALID_USCC})


def test_registration_shows_one_rule_in_chinese(client):
    start(client)
    body = client.get("/registry/register/details/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert body.count(passwords.PASSWORD_RULE) == 1
    assert "你" not in body


def test_registration_shows_every_field_error_at_once_and_keeps_the_input(client):
    start(client)
    response = client.post(
        "/registry/register/details/",
        {
            "name": "福州示例有限公司",
            "email": "not-a-mailbox",
            "password": "福州示例有限公司a1",
            "password2": "x",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "有效的电子邮件" in body or "电子邮箱" in body
    assert body.count('class="error"') >= 3  # mailbox, the similar password, the mismatch
    assert passwords.PASSWORD_SIMILAR.format(what="名称") in body
    assert "两次输入的密码不一致" in body
    assert 'value="福州示例有限公司"' in body and 'value="not-a-mailbox"' in body
    assert not Subject.objects.exists()


def test_registration_refuses_the_name_plus_two_characters(client):
    start(client)
    response = client.post(
        "/registry/register/details/",
        {
            "name": "福州示例有限公司",
            "email": "a@example.com",
            "password": "福州示例有限公司a1",
            "password2": "福州示例有限公司a1",
        },
    )
    assert response.status_code == 200
    assert passwords.PASSWORD_SIMILAR.format(what="名称") in response.content.decode()
    assert not Subject.objects.exists()


def reset_form(client, account):
    client.post("/registry/password/reset/", {"email": account.email})
    link = re.search(r"http://testserver(/registry/password/reset/\S+/)", mail.outbox[-1].body).group(1)
    return client.get(link, follow=True, HTTP_ACCEPT_LANGUAGE="en")


def test_password_reset_shows_one_rule_and_chinese_errors_even_to_an_english_browser(client):
    account = make_person(name="李雷", email="lilei@example.com")
    page = reset_form(client, account)
    body = page.content.decode()
    assert body.count(passwords.PASSWORD_RULE) == 1
    form = re.sub(r"<[^>]+>", " ", body.split("<form", 1)[1].split("</form>", 1)[0])
    assert not ENGLISH.search(form), form

    refused = client.post(
        page.redirect_chain[-1][0],
        {"new_password1": "lilei12", "new_password2": "lilei12"},
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert passwords.PASSWORD_TOO_SHORT.format(length=7) in refused
    assert passwords.PASSWORD_SIMILAR.format(what="邮箱用户名") in refused
    assert "This password" not in refused and "你" not in refused

    mismatch = client.post(
        page.redirect_chain[-1][0],
        {"new_password1": "Fresh2026pass", "new_password2": "Fresh2026pas"},
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "两次输入的密码不一致" in mismatch and "didn" not in mismatch


def test_the_reset_request_page_is_chinese_to_an_english_browser(client):
    body = client.get("/registry/password/reset/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    form = re.sub(r"<[^>]+>", " ", body.split("<form", 1)[1].split("</form>", 1)[0])
    assert "电子邮箱" in form and "Email" not in form
    refused = client.post("/registry/password/reset/", {"email": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "请填写有效的电子邮箱地址" in refused.content.decode()


def test_registration_errors_are_chinese_to_an_english_browser(client):
    client.post("/registry/register/", {"kind": "unit", "code": VALID_USCC})
    body = client.post(
        "/registry/register/details/",
        {"name": "", "email": "x", "password": "", "password2": ""},
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert rules.NAME_REQUIRED in body and "请填写有效的电子邮箱地址" in body and "请填写新建密码。" in body
    assert "This field" not in body and "Enter a valid" not in body
