"""One lockout for every login form: Django's admin login, the registry's (which is also the
back-office's) and Django's authenticate() count toward the same lock, and a locked account gets
in nowhere with the same words until the lock ends or the password is reset by e-mail."""

import re

import pytest
from django.contrib.auth import authenticate
from django.test import Client

from core.models import AuditEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

WRONG = "Wrong2026pass"
LOCKED = re.compile(r"账号已锁定，请在1[45]分\d+秒后再试")


@pytest.fixture(autouse=True)
def _five_failures(settings):
    settings.LOGIN_MAX_FAILURES = 5
    settings.LOGIN_LOCK_MINUTES = 15


def admin_login(client: Client, username: str, password: str):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password})


def backoffice_login(client: Client, username: str, password: str):
    # The back-office sends staff to the registry's login with ?next=/backoffice/ (backoffice/access.py).
    return client.post("/registry/login/?next=/backoffice/", {"login": username, "password": password})


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_at_the_admin_lock_the_account_everywhere(operator):
    client = Client()
    for _ in range(4):
        assert admin_login(client, operator.username, WRONG).status_code == 200
    fifth = admin_login(client, operator.username, WRONG).content.decode()
    assert LOCKED.search(fifth), fifth
    operator.refresh_from_db()
    assert operator.locked_until is not None
    assert (
        AuditEntry.objects.filter(action="registry.account_locked", target_id=str(operator.pk)).count() == 1
    )

    # The right password is refused at the admin, with the registry's words …
    right = admin_login(client, operator.username, PASSWORD)
    assert right.status_code == 200 and LOCKED.search(right.content.decode())
    assert not logged_in(client)
    # … at the back-office's (the registry's) login …
    refused = backoffice_login(client, operator.username, PASSWORD)
    assert refused.status_code == 200 and LOCKED.search(refused.content.decode())
    assert not logged_in(client)
    # … and by anything asking Django's authenticate().
    assert authenticate(None, username=operator.username, password=PASSWORD) is None
    assert not Client().login(username=operator.username, password=PASSWORD)


def test_failures_at_one_form_count_toward_the_other(reviewer):
    client = Client()
    for _ in range(3):
        admin_login(client, reviewer.account.username, WRONG)
    fourth = backoffice_login(client, reviewer.account.username, WRONG).content.decode()
    assert "再错1次账号将被锁定15分钟" in fourth
    fifth = backoffice_login(client, reviewer.account.username, WRONG).content.decode()
    assert LOCKED.search(fifth)
    # A center's staff member may not use the admin at all; locked, they are told so first.
    assert LOCKED.search(admin_login(client, reviewer.account.username, PASSWORD).content.decode())
    assert not logged_in(client)


def test_failures_through_authenticate_count_too(operator):
    for _ in range(5):
        assert authenticate(None, username=operator.username, password=WRONG) is None
    operator.refresh_from_db()
    assert operator.locked_until is not None
    assert LOCKED.search(admin_login(Client(), operator.username, PASSWORD).content.decode())


def test_the_right_password_at_the_admin_logs_in_and_clears_the_count(operator):
    client = Client()
    for _ in range(4):
        admin_login(client, operator.username, WRONG)
    response = admin_login(client, operator.username, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert logged_in(client)
    operator.refresh_from_db()
    assert operator.failed_logins == 0 and operator.locked_until is None
    assert AuditEntry.objects.filter(action="registry.account_logged_in", target_id=str(operator.pk)).exists()
    # The count started again: four more failures do not lock.
    for _ in range(4):
        admin_login(Client(), operator.username, WRONG)
    operator.refresh_from_db()
    assert operator.locked_until is None


def test_a_reset_by_email_lifts_the_lock_for_the_admin_too(operator, client):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    for _ in range(5):
        admin_login(client, operator.username, WRONG)
    uid = urlsafe_base64_encode(force_bytes(operator.pk))
    token = default_token_generator.make_token(operator)
    form_page = client.get(f"/registry/password/reset/{uid}/{token}/", follow=True)
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": "Fresh2026pass", "new_password2": "Fresh2026pass"})
    assert done.status_code == 302
    response = admin_login(Client(), operator.username, "Fresh2026pass")
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_the_admins_change_password_form_counts_toward_the_lock(operator):
    client = Client()
    client.force_login(operator)

    def change(old: str):
        new = {"new_password1": "Another2026pass", "new_password2": "Another2026pass"}
        return client.post("/admin/password_change/", {"old_password": old, **new})

    for _ in range(4):
        assert change(WRONG).status_code == 200
    assert LOCKED.search(change(WRONG).content.decode())
    refused = change(PASSWORD)  # the right old password, while locked
    assert LOCKED.search(refused.content.decode())
    operator.refresh_from_db()
    assert operator.check_password(PASSWORD)  # unchanged


def test_the_admins_change_password_form_still_changes_it(operator):
    client = Client()
    client.force_login(operator)
    new = {"new_password1": "Another2026pass", "new_password2": "Another2026pass"}
    response = client.post("/admin/password_change/", {"old_password": PASSWORD, **new})
    assert response.status_code == 302 and response["Location"].endswith("/admin/password_change/done/")
    operator.refresh_from_db()
    assert operator.check_password("Another2026pass")
