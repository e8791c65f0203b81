"""The CA company's callback: its bearer token, and answers it may and may not give."""

import json

import pytest
from django.test import Client

from registry import ca_applications as ca
from registry.models import CAApplicationStatus
from tests.conftest import actor

from .conftest import CALLBACK_TOKEN

pytestmark = pytest.mark.django_db

CALLBACK = "/registry/ca-applications/callback/"


@pytest.fixture
def ca_client():
    # CSRF is enforced as in production: the callback must not need a token of the site's forms.
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def application(ready_unit):
    return ca.ca_application_submit(actor=actor(ready_unit), subject=ready_unit.subject)


def answer(client, body, token=CALLBACK_TOKEN, raw=None):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    data = raw if raw is not None else json.dumps(body)
    return client.post(CALLBACK, data, content_type="application/json", headers=headers)


def test_an_accepted_answer_is_recorded(ca_client, application):
    response = answer(
        ca_client, {"reference": application.reference, "result": "accepted", "message": "请领取"}
    )
    assert response.status_code == 200
    assert response.json() == {"reference": application.reference, "status": "accepted"}
    application.refresh_from_db()
    assert application.status == CAApplicationStatus.ACCEPTED
    assert application.answer_message == "请领取"


@pytest.mark.parametrize("token", [None, "wrong-token", ""])
def test_without_the_right_token_nothing_changes(ca_client, application, token):
    response = answer(ca_client, {"reference": application.reference, "result": "accepted"}, token=token)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    application.refresh_from_db()
    assert application.status == CAApplicationStatus.PENDING


def test_an_unset_token_admits_nobody(ca_client, application, settings):
    settings.GGZY_CA_CALLBACK_TOKEN = ""
    assert (
        answer(ca_client, {"reference": application.reference, "result": "accepted"}, token="").status_code
        == 401
    )


def test_an_unknown_reference_is_404(ca_client, application):
    assert answer(ca_client, {"reference": "nope", "result": "accepted"}).status_code == 404


def test_a_conflicting_answer_is_409_and_a_repeat_is_200(ca_client, application):
    assert (
        answer(
            ca_client, {"reference": application.reference, "result": "rejected", "message": "不全"}
        ).status_code
        == 200
    )
    again = answer(ca_client, {"reference": application.reference, "result": "rejected", "message": "不全"})
    assert again.status_code == 200
    conflict = answer(ca_client, {"reference": application.reference, "result": "accepted"})
    assert conflict.status_code == 409
    assert conflict.json()["error"] == ca.ANSWER_CONFLICT.format(status="已驳回", answer="已受理")


def test_an_answer_to_a_withdrawn_application_is_409(ca_client, application, ready_unit):
    ca.ca_application_withdraw(actor=actor(ready_unit), subject=ready_unit.subject)
    response = answer(ca_client, {"reference": application.reference, "result": "accepted"})
    assert response.status_code == 409
    assert response.json()["error"] == ca.ANSWER_WITHDRAWN


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        "[1, 2]",
        json.dumps({"reference": "x", "result": "maybe"}),
        json.dumps({"result": "accepted"}),
    ],
)
def test_a_malformed_answer_is_400(ca_client, application, raw):
    assert answer(ca_client, None, raw=raw).status_code == 400
    application.refresh_from_db()
    assert application.status == CAApplicationStatus.PENDING


def test_only_post_is_allowed(ca_client):
    assert ca_client.get(CALLBACK, headers={"Authorization": f"Bearer {CALLBACK_TOKEN}"}).status_code == 405
