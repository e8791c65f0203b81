"""003 §3: password login by full name or code; lockout; reset by e-mail."""

import re
from urllib.parse import urlencode

import pytest
from django.core import mail

from core.models import AuditEntry
from registry import rules
from registry.auth import AUTH_METHOD_KEY
from registry.models import Account
from tests.factories import PASSWORD, submit_basic

pytestmark = pytest.mark.django_db


def login(client, name, password=PASSWORD):
    return client.post("/registry/login/", {"login": name, "password": password})


@pytest.mark.parametrize("which", ["name", "code", "lowercase code"])
def test_login_by_full_name_or_code(client, unit, which):
    name = {
        "name": unit.subject.name,
        "code": unit.subject.code,
        "lowercase code": unit.subject.code.lower(),
    }[which]
    response = login(client, name)
    assert response.status_code == 302
    assert response["Location"] == "/registry/"
    assert client.session[AUTH_METHOD_KEY] == "password"
    assert AuditEntry.objects.filter(action="registry.account_logged_in", actor=unit).exists()


def test_person_logs_in_by_id_number(client, person):
    assert login(client, person.subject.code).status_code == 302


def test_renamed_unit_logs_in_by_its_new_name(client, unit):
    from registry import services
    from tests.conftest import actor

    record = submit_basic(unit)
    draft = services.record_start_change(actor=actor(unit), record=record)
    services.record_save(
        actor=actor(unit), record=record, data={**draft.data, "name": "更名后有限公司"}, expected_revision=0
    )
    services.record_submit(actor=actor(unit), record=record, expected_revision=1)
    assert login(client, "更名后有限公司").status_code == 302


def test_unknown_name_and_wrong_password_read_alike(client, unit):
    unknown = login(client, "不存在的公司").content.decode()
    wrong = login(client, unit.subject.name, "Wrong2026pass").content.decode()
    assert rules.LOGIN_FAILED in unknown
    assert rules.LOGIN_FAILED in wrong


def test_lockout_after_repeated_failures_shows_time_left(client, unit, settings):
    settings.LOGIN_MAX_FAILURES = 3
    settings.LOGIN_LOCK_MINUTES = 15
    login(client, unit.subject.name, "Wrong2026pass")
    second = login(client, unit.subject.name, "Wrong2026pass").content.decode()
    assert "再错1次账号将被锁定15分钟" in second
    third = login(client, unit.subject.name, "Wrong2026pass").content.decode()
    assert re.search(r"账号已锁定，请在1[45]分\d+秒后再试", third)
    # Even the right password is refused while locked.
    locked = login(client, unit.subject.name).content.decode()
    assert "账号已锁定" in locked
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="registry.account_locked").count() == 1


def test_success_resets_the_failure_count(client, unit, settings):
    settings.LOGIN_MAX_FAILURES = 3
    login(client, unit.subject.name, "Wrong2026pass")
    login(client, unit.subject.name, "Wrong2026pass")
    assert login(client, unit.subject.name).status_code == 302
    unit.refresh_from_db()
    assert unit.failed_logins == 0


def test_password_reset_by_email_unlocks(client, unit, settings):
    settings.LOGIN_MAX_FAILURES = 1
    login(client, unit.subject.name, "Wrong2026pass")
    unit.refresh_from_db()
    assert unit.locked_until is not None

    response = client.post("/registry/password/reset/", {"email": unit.email})
    assert response["Location"] == "/registry/password/reset/sent/"
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/registry/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": "Fresh2026pass", "new_password2": "Fresh2026pass"})
    assert done["Location"] == "/registry/password/reset/complete/"
    unit.refresh_from_db()
    assert unit.locked_until is None
    assert login(client, unit.subject.name, "Fresh2026pass").status_code == 302
    assert AuditEntry.objects.filter(
        action="registry.account_password_reset", target_id=str(unit.pk)
    ).exists()


def test_logout_needs_post(client, unit):
    login(client, unit.subject.name)
    assert client.get("/registry/logout/").status_code == 405
    client.post("/registry/logout/")
    assert "_auth_user_id" not in client.session


def test_the_operator_lands_on_the_admin(client, operator):
    response = login(client, operator.username)
    assert response["Location"] == "/admin/"


@pytest.mark.parametrize(
    "target", ["//evil.example/", "/\\evil.example/", "/\\/evil.example/", "https://evil.example/"]
)
def test_open_redirect_is_refused(client, unit, target):
    response = client.post(
        f"/registry/login/?{urlencode({'next': target})}", {"login": unit.subject.name, "password": PASSWORD}
    )
    assert response["Location"] == "/registry/"


def test_a_next_on_this_site_is_followed(client, unit):
    response = client.post(
        "/registry/login/?next=/registry/history/", {"login": unit.subject.name, "password": PASSWORD}
    )
    assert response["Location"] == "/registry/history/"


def test_ambiguous_name_asks_for_the_code(client, db):
    from tests.factories import make_unit

    make_unit(name="同名有限公司")
    make_unit(name="同名有限公司")
    body = login(client, "同名有限公司").content.decode()
    assert rules.LOGIN_AMBIGUOUS_NAME in body
    assert Account.objects.count() == 2
