"""/registry/attachments/<id>/ serves the owning subject only: no model permission lets staff in
(they open files through the back-office, bounded by their center), and the demo grants the
centers' staff group none."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import Client

from registry.auth import ACTING_PERSON_KEY
from registry.management.commands.load_demo import STAFF_USERNAME
from registry.models import Account, Attachment
from registry.operators import CENTER_STAFF_GROUP
from review.services_admin import STAFF_GROUP
from tests.factories import upload
from tests.review.parts import staff

pytestmark = pytest.mark.django_db


def url(pk) -> str:
    return f"/registry/attachments/{pk}/"


def as_account(account: Account, **session) -> Client:
    client = Client()
    client.force_login(account)
    if session:
        stored = client.session
        stored.update(session)
        stored.save()
    return client


@pytest.fixture
def letter(unit):
    return upload(unit, "解绑申请书.pdf")["id"]


def test_the_owner_and_a_practitioner_acting_for_the_unit_read_the_file(unit, letter):
    assert as_account(unit).get(url(letter)).status_code == 200
    acting = {ACTING_PERSON_KEY: {"practitioner": 1, "center": "hengyang", "label": "张三（身份证号）"}}
    assert as_account(unit, **acting).get(url(letter)).status_code == 200


def test_another_subject_gets_not_found(outsider, letter):
    assert as_account(outsider).get(url(letter)).status_code == 404


def test_staff_holding_view_permissions_get_not_found(letter, operator):
    """An account with registry.view_subject and registry.view_attachment (the platform operator of
    Django's admin, or a center's staff in a deployment that granted its group them) is no owner."""
    assert operator.has_perm("registry.view_subject") and operator.has_perm("registry.view_attachment")
    assert as_account(operator).get(url(letter)).status_code == 404
    reviewer = staff("changde_reviewer", "changde", "reviewer").account
    Group.objects.get(name=STAFF_GROUP).permissions.set(
        Permission.objects.filter(codename__startswith="view_")
    )
    reviewer = Account.objects.get(pk=reviewer.pk)  # no cached permissions
    assert reviewer.has_perm("registry.view_subject")
    assert as_account(reviewer).get(url(letter)).status_code == 404
    superuser = Account.objects.create_superuser("root", "Root2026pass")
    assert as_account(superuser).get(url(letter)).status_code == 404


def test_the_demo_grants_the_centers_staff_group_no_model_permission(settings):
    assert CENTER_STAFF_GROUP == STAFF_GROUP
    # A demo database loaded before: the group held every registry and core view permission.
    group, _ = Group.objects.get_or_create(name=STAFF_GROUP)
    group.permissions.set(Permission.objects.filter(codename__startswith="view_"))
    settings.DEBUG = True
    call_command("load_demo")
    call_command("load_demo_staff", quiet=True)
    assert not Group.objects.get(name=STAFF_GROUP).permissions.exists()
    for account in Account.objects.filter(staff_member__center__isnull=False):
        assert not account.get_all_permissions(), account.username
    # The demo's operator of Django's admin holds its read permissions itself, in no staff group.
    operator = Account.objects.get(username=STAFF_USERNAME)
    assert operator.has_perm("registry.view_subject") and not operator.groups.exists()
    # And reads no subject's file through the registry.
    first = Attachment.objects.first()
    assert first is not None
    assert as_account(operator).get(url(first.pk)).status_code == 404
