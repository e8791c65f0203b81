"""The demo CA company: its intake, its clerk's page, and when it is mounted at all."""

import importlib
import json

import pytest
from django.conf import settings as django_settings
from django.test import Client, override_settings
from django.urls import clear_url_caches

import config.urls
from core.models import AuditEntry, OutboxMessage
from democa import services
from democa.models import ReceivedApplication, ReceivedStatus

from .conftest import INTAKE_TOKEN

pytestmark = pytest.mark.django_db

INTAKE = "/democa/intake/"


def intake(body, token=INTAKE_TOKEN):
    client = Client(enforce_csrf_checks=True)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(INTAKE, json.dumps(body), content_type="application/json", headers=headers)


SUBMIT = {
    "action": "submit",
    "reference": "ref-1",
    "applicant": {"name": "衡阳测试建设有限公司", "legal_rep_name": "王五", "code": "91430400MA4L1G2B7X"},
}


@pytest.fixture
def clerk_client(operator):
    """The demo CA's clerk: any staff account of the site may play it (democa/views.py); here the
    platform operator."""
    client = Client()
    client.force_login(operator)
    return client


@pytest.fixture
def received(demo_ca_urls):
    assert intake(SUBMIT).status_code == 200
    return ReceivedApplication.objects.get(reference="ref-1")


@pytest.fixture
def restore_urls():
    """Reload the site's URLs as the real settings have them, whatever the test changed."""
    original = django_settings.GGZY_DEMO_CA
    yield
    with override_settings(GGZY_DEMO_CA=original):
        importlib.reload(config.urls)
    clear_url_caches()


@pytest.mark.parametrize("on", [True, False])
def test_the_demo_ca_is_mounted_only_when_turned_on(settings, restore_urls, on):
    settings.GGZY_DEMO_CA = on
    importlib.reload(config.urls)
    clear_url_caches()
    mounted = any(getattr(p, "namespace", None) == "democa" for p in config.urls.urlpatterns)
    assert mounted is on


def test_intake_stores_an_application_once(demo_ca_urls):
    response = intake(SUBMIT)
    assert response.status_code == 200
    assert response.json() == {"reference": "ref-1", "status": "received"}
    assert intake(SUBMIT).status_code == 200  # a repeated delivery
    application = ReceivedApplication.objects.get()
    assert application.payload == SUBMIT
    assert application.status == ReceivedStatus.RECEIVED
    assert application.applicant_rows()[:2] == [
        ("名称/姓名", "衡阳测试建设有限公司"),
        ("代码/证件号", "91430400MA4L1G2B7X"),
    ]
    assert AuditEntry.objects.filter(action="democa.submit_received").count() == 1


@pytest.mark.parametrize("token", ["", "wrong"])
def test_intake_needs_the_token(demo_ca_urls, token):
    assert intake(SUBMIT, token=token).status_code == 401
    assert not ReceivedApplication.objects.exists()


def test_intake_refuses_a_malformed_message(demo_ca_urls):
    assert intake({"action": "delete", "reference": "ref-1"}).status_code == 400
    assert intake(["not", "an", "object"]).status_code == 400
    assert not ReceivedApplication.objects.exists()


def test_a_withdrawal_marks_the_application(received):
    assert intake({"action": "withdraw", "reference": "ref-1"}).json()["status"] == "withdrawn"
    received.refresh_from_db()
    assert received.status == ReceivedStatus.WITHDRAWN
    assert received.withdrawn_at is not None


def test_a_withdrawal_that_overtakes_its_application_still_wins(demo_ca_urls):
    intake({"action": "withdraw", "reference": "ref-1"})
    intake(SUBMIT)
    application = ReceivedApplication.objects.get()
    assert application.status == ReceivedStatus.WITHDRAWN
    assert application.payload == SUBMIT  # the details arrive, for the record


def test_the_clerk_page_is_for_staff_only(received, password_client, unit, client):
    assert client.get("/democa/")["Location"].startswith("/admin/login/")
    assert password_client(unit).get("/democa/")["Location"].startswith("/admin/login/")


def test_the_clerk_page_lists_applications_with_their_buttons(received, clerk_client):
    page = clerk_client.get("/democa/").content.decode()
    assert "衡阳测试建设有限公司" in page and "法定代表人：王五" in page
    assert 'value="accepted">受理</button>' in page
    assert 'value="rejected">驳回</button>' in page


def test_accepting_sends_the_answer_to_the_platform_callback(received, clerk_client, operator, settings):
    response = clerk_client.post(
        f"/democa/{received.pk}/answer/", {"result": "accepted", "message": "请领取"}
    )
    assert response["Location"] == "/democa/"
    received.refresh_from_db()
    assert received.status == ReceivedStatus.ACCEPTED
    message = OutboxMessage.objects.get()
    assert message == received.answer_outbox
    assert message.url == settings.GGZY_CA_CALLBACK_URL
    assert message.token_setting == "GGZY_CA_CALLBACK_TOKEN"
    assert message.payload == {"reference": "ref-1", "result": "accepted", "message": "请领取"}
    assert AuditEntry.objects.get(action="democa.accepted").actor == operator
    page = clerk_client.get("/democa/").content.decode()
    assert services.NOT_DELIVERED in page  # nothing commits inside this test's transaction
    assert "受理</button>" not in page


def test_a_rejection_needs_a_reason(received, clerk_client):
    clerk_client.post(f"/democa/{received.pk}/answer/", {"result": "rejected", "message": " "})
    assert services.REASON_REQUIRED in clerk_client.get("/democa/").content.decode()
    received.refresh_from_db()
    assert received.status == ReceivedStatus.RECEIVED
    assert not OutboxMessage.objects.exists()


def test_an_application_is_answered_once(received, clerk_client):
    clerk_client.post(f"/democa/{received.pk}/answer/", {"result": "accepted"})
    clerk_client.post(f"/democa/{received.pk}/answer/", {"result": "rejected", "message": "重复"})
    assert services.ALREADY_HANDLED.format(status="已受理") in clerk_client.get("/democa/").content.decode()
    assert OutboxMessage.objects.count() == 1
