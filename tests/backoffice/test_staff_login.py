"""Staff log in with their own certificate: the certificate's ID number finds the active staff
account (review/staff_login.py, asked by pki's one certificate login), and the session goes to
the queue marked as a certificate login."""

import pytest
from django.core.management import call_command

from core.models import AuditEntry
from registry.auth import AUTH_METHOD_KEY, CERTIFICATE
from review import rules
from tests.factories import PASSWORD
from tests.pkiparts import holder

pytestmark = pytest.mark.django_db


def login(client, body):
    return client.post("/pki/login/", body, content_type="application/json")


@pytest.mark.parametrize("algorithm", ["rsa", "sm2"])
def test_a_staff_certificate_opens_the_queue(client, trusted, challenge, reviewer, algorithm):
    key = holder(trusted[algorithm], name="李娟", code=reviewer.id_number, kind="person")

    response = login(client, key.signed(nonce=challenge()))

    assert response.json() == {"ok": True, "redirect": "/backoffice/queue/"}
    assert int(client.session["_auth_user_id"]) == reviewer.account_id
    assert client.session[AUTH_METHOD_KEY] == CERTIFICATE
    entry = AuditEntry.objects.get(action="review.staff_certificate_login", target_id=str(reviewer.pk))
    assert entry.auth_method == CERTIFICATE and entry.actor == reviewer.account
    assert entry.data["holder_name"] == "李娟" and entry.data["serial"]
    page = client.get("/backoffice/queue/").content.decode()
    assert rules.STAFF_LOGGED_IN.format(name="李娟") in page and "审核队列" in page


def test_a_deactivated_members_certificate_does_not_open_the_back_office(
    client, trusted, challenge, reviewer
):
    reviewer.account.is_active = False
    reviewer.account.save(update_fields=["is_active"])
    key = holder(trusted["rsa"], name="李娟", code=reviewer.id_number, kind="person")

    response = login(client, key.signed(nonce=challenge()))

    # Not a staff login: the person's certificate goes on to the registry's own login, which
    # offers registration to an unknown holder.
    assert response.json()["redirect"] != "/backoffice/queue/"
    assert client.session.get("_auth_user_id") != str(reviewer.account_id)
    assert not AuditEntry.objects.filter(action="review.staff_certificate_login").exists()


def test_a_certificate_for_another_id_number_is_not_a_staff_login(client, trusted, challenge, reviewer):
    other = reviewer.id_number[:-4] + ("0000" if reviewer.id_number[-4:] != "0000" else "1111")
    key = holder(trusted["rsa"], name="李娟", code=other, kind="person")
    response = login(client, key.signed(nonce=challenge()))
    assert response.json().get("redirect") != "/backoffice/queue/"
    assert client.session.get("_auth_user_id") != str(reviewer.account_id)


def test_staff_password_login_with_next_lands_in_the_back_office(client, reviewer):
    first = client.get("/backoffice/queue/")
    response = client.post(first["Location"], {"login": "hengyang_reviewer", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/backoffice/queue/"


def test_demo_staff_load_twice_and_print_their_logins(capsys, settings):
    settings.DEBUG = True  # `make run` loads them with DEBUG=1
    call_command("load_demo_staff")
    call_command("load_demo_staff", "--quiet")
    from review.models import StaffMember

    members = {m.account.username: m for m in StaffMember.objects.select_related("account", "center")}
    assert set(members) == {
        "changde_reviewer",
        "changde_support",
        "hengyang_reviewer",
        "hengyang_support",
        "fengtai_reviewer",
        "fengtai_support",
        "ggzy_admin",
    }
    assert members["hengyang_reviewer"].department == "市场主体科"
    assert members["ggzy_admin"].center is None and members["ggzy_admin"].roles == ["admin"]
    assert members["changde_reviewer"].account.check_password("Staff2026ggzy")
    printed = capsys.readouterr().out
    assert (
        printed.count("hengyang_reviewer") == 1 and "Staff2026ggzy" in printed and "/backoffice/" in printed
    )


def test_demo_staff_are_refused_without_debug_unless_forced(settings):
    """Their password is published: a production site must not get them by a stray command."""
    from django.core.management.base import CommandError

    from backoffice.management.commands.load_demo_staff import NOT_DEBUG
    from review.models import StaffMember

    settings.DEBUG = False
    with pytest.raises(CommandError) as refused:
        call_command("load_demo_staff", "--quiet")
    assert str(refused.value) == NOT_DEBUG
    assert not StaffMember.objects.exists()
    call_command("load_demo_staff", "--quiet", "--force")
    assert StaffMember.objects.count() == 7
