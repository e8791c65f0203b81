"""The whole exchange over real HTTP: the platform and the demo CA on pytest-django's live server.

A unit applies (统一注册平台 §4.1); the first post to the CA is refused (its token is not set up
yet) and the worker delivers it once it is; the CA's clerk accepts on the demo CA's page; the
answer comes back on the callback and the unit sees 已受理 on its basic information page.
"""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client

from core.models import OutboxMessage, OutboxStatus
from core.outbox import outbox_deliver_due
from democa.models import ReceivedApplication, ReceivedStatus
from democa.services import application_answer
from registry import ca_applications as ca
from registry.models import CAApplication, CAApplicationStatus
from tests.conftest import actor

from .conftest import INTAKE_TOKEN

pytestmark = pytest.mark.django_db(transaction=True)


def test_application_accepted_through_the_demo_ca(
    live_server, settings, demo_ca_urls, ready_unit, operator, password_client
):
    settings.GGZY_CA_INTAKE_URL = f"{live_server.url}/democa/intake/"
    settings.GGZY_CA_CALLBACK_URL = f"{live_server.url}/registry/ca-applications/callback/"
    settings.GGZY_CA_INTAKE_TOKEN = ""  # the CA's intake admits nobody until the token is set

    unit_client = password_client(ready_unit)
    assert "确定</button>" in unit_client.get("/registry/basic/ca-application/").content.decode()
    unit_client.post("/registry/basic/ca-application/")
    page = unit_client.get("/registry/basic/").content.decode()
    assert ca.APPLIED_QUEUED in page and "待审核" in page
    message = OutboxMessage.objects.get()
    assert message.status == OutboxStatus.PENDING and message.last_error.startswith("HTTP 401")
    assert not ReceivedApplication.objects.exists()

    settings.GGZY_CA_INTAKE_TOKEN = INTAKE_TOKEN
    assert outbox_deliver_due(now=message.next_attempt_at + timedelta(seconds=1)) == 1
    application = CAApplication.objects.get()
    received = ReceivedApplication.objects.get()
    assert received.reference == application.reference
    assert received.payload["applicant"]["legal_rep_name"] == "王五"

    clerk = Client()
    clerk.force_login(operator)  # the demo CA's clerk: any staff account of the site
    desk = clerk.get("/democa/").content.decode()
    assert ready_unit.subject.name in desk and "法定代表人：王五" in desk
    clerk.post(f"/democa/{received.pk}/answer/", {"result": "accepted", "message": "请到CA服务窗口领取CA锁"})
    assert "已受理，结果已发送给交易平台" in clerk.get("/democa/").content.decode()
    received.refresh_from_db()
    assert received.status == ReceivedStatus.ACCEPTED

    out = io.StringIO()
    call_command("run_worker", "--once", stdout=out)
    assert "outbox: 0" in out.getvalue()  # everything was delivered
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}

    application.refresh_from_db()
    assert application.status == CAApplicationStatus.ACCEPTED
    page = unit_client.get("/registry/basic/").content.decode()
    assert "已受理" in page and "请到CA服务窗口领取CA锁" in page
    assert 'value="submit">提交</button>' in page


def test_withdrawal_reaches_the_demo_ca_and_a_late_answer_is_refused(
    live_server, settings, demo_ca_urls, ready_unit, operator, password_client
):
    settings.GGZY_CA_INTAKE_URL = f"{live_server.url}/democa/intake/"
    settings.GGZY_CA_CALLBACK_URL = f"{live_server.url}/registry/ca-applications/callback/"
    unit_client = password_client(ready_unit)
    unit_client.post("/registry/basic/ca-application/")
    assert ca.APPLIED_SENT in unit_client.get("/registry/basic/").content.decode()
    received = ReceivedApplication.objects.get()

    unit_client.post("/registry/basic/ca-application/withdraw/")
    received.refresh_from_db()
    assert received.status == ReceivedStatus.WITHDRAWN
    clerk = Client()
    clerk.force_login(operator)
    assert "申请人已撤销" in clerk.get("/democa/").content.decode()

    # Had the clerk answered before the withdrawal arrived, the platform refuses: 409, given up.
    ReceivedApplication.objects.filter(pk=received.pk).update(status=ReceivedStatus.RECEIVED)
    answered = application_answer(actor=actor(operator), application=received, accepted=True, message="")
    answered.answer_outbox.refresh_from_db()
    assert answered.answer_outbox.status == OutboxStatus.FAILED
    assert "409" in answered.answer_outbox.last_error
    assert CAApplication.objects.get().status == CAApplicationStatus.WITHDRAWN
