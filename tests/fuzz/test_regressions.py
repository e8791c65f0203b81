"""The six causes of server errors the request fuzz found, one plain test each: every one is now
a 4xx with a message in Chinese (see test_every_endpoint.py for the fuzz itself)."""

import json

import pytest
from django.test import Client

from core import http
from core.audit import Actor
from registry.recordforms import ATTACHMENT_NOT_FOUND
from signing import rules as signing_rules
from signing import services as signing_services
from signing import views as signing_views
from tests.centers.factories import center
from tests.centers.people_factories import make_agency
from tests.review import parts

pytestmark = pytest.mark.django_db

HUGE_IDS = [str(2**63), str(2**64), "9" * 40, "²", "١٢"]


def quiet_client() -> Client:
    return Client(raise_request_exception=False)


def post_json(client: Client, url: str, body: bytes | str):
    return client.post(url, body, content_type="application/json")


# --- 1. deeply nested JSON -------------------------------------------------------------------

JSON_URLS = ["/pki/challenge/", "/pki/login/", "/pki/check/", "/signing/seal/finish/", "/signing/detect/"]


@pytest.mark.parametrize("url", JSON_URLS)
@pytest.mark.parametrize(
    "nested",
    ["[" * 15_000, '{"a":' * 3_000, '{"certificate": ' + "[" * 900 + "]" * 900 + "}"],
    ids=["array", "object", "inside"],
)
def test_deeply_nested_json_is_a_bad_request_not_a_recursion_error(url, nested):
    response = post_json(quiet_client(), url, nested)
    if url == "/pki/check/":  # the doctor's check answers with a failed check, not an error
        assert response.status_code == 200 and response.json()["checks"][0]["message"] == http.BAD_REQUEST
    else:
        assert response.status_code == 400 and response.json()["error"] == http.BAD_REQUEST


def test_nesting_within_the_limit_is_still_read(rf):
    body = {"a": json.loads("[" * (http.JSON_DEPTH_MAX - 1) + "]" * (http.JSON_DEPTH_MAX - 1))}
    request = rf.post("/", json.dumps(body), content_type="application/json")
    assert http.json_body(request) == body


def test_nesting_past_the_limit_is_refused(rf):
    nested = "[" * http.JSON_DEPTH_MAX + "]" * http.JSON_DEPTH_MAX
    request = rf.post("/", '{"a": ' + nested + "}", content_type="application/json")
    with pytest.raises(http.RequestRefused) as refused:
        http.json_body(request)
    assert refused.value.message == http.BAD_REQUEST and refused.value.status == 400


# --- 2. the challenge endpoint: null, cut-off JSON, a form without a purpose ---------------------


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("null", "application/json"),
        ("[]", "application/json"),
        ('{"purpose": "log', "application/json"),
        ("", "application/json"),
        ("\xff\xfe", "application/json"),
        ("foo=bar", "application/x-www-form-urlencoded"),
        ("purpose", "application/x-www-form-urlencoded"),
    ],
)
def test_the_challenge_answers_a_broken_body_with_a_chinese_400(body, content_type):
    response = quiet_client().post("/pki/challenge/", body, content_type=content_type)
    assert response.status_code == 400
    assert response.json() == {"ok": False, "error": http.BAD_REQUEST}


def test_the_challenge_refuses_a_multipart_form_without_a_purpose():
    response = quiet_client().post("/pki/challenge/", {"other": "x"})  # multipart, read as POST first
    assert response.status_code == 400
    assert response.json()["error"] == http.BAD_REQUEST


def test_the_challenge_still_issues_for_a_form_and_for_json():
    assert quiet_client().post("/pki/challenge/", {"purpose": "login"}).status_code == 200
    assert post_json(quiet_client(), "/pki/challenge/", '{"purpose": "login"}').status_code == 200


# --- 3. seal placement: wrong types and huge numbers ---------------------------------------------


@pytest.fixture
def sealing(unit, certificate_client):
    """A unit's certificate session, its unit seal and a document to seal. The placement is read
    before any certificate is checked, so none is needed to reach it."""
    actor = Actor(user=unit, auth_method="certificate")
    seal = signing_services.seal_create_unit(actor=actor, subject=unit.subject)
    context = {
        "center_name": "交易中心",
        "subject_name": unit.subject.name,
        "subject_code": unit.subject.code,
    }
    document = signing_services.document_create(
        actor=actor, subject=unit.subject, kind="integrity_commitment", title="诚信承诺书", context=context
    )
    return certificate_client(unit), document, seal


# What the page sends is a number (or digits in a string); none of these is a place or a seal.
NOT_A_NUMBER = ["abc", "NaN", "Infinity", "-Infinity", "1e309", [], [1], {}, None, True]
# A page or a seal is a whole number from 1; a coordinate out of the page is the service's to refuse.
NOT_A_WHOLE_NUMBER = [*NOT_A_NUMBER, -1, 0, 2**70, 1e308, 1.5, "1.5", "-1", " 1", "²"]
# JSON a browser never sends but Python's json reads: past a float, or not numbers at all.
BAD_LITERALS = ["1e309", "-1e309", "1" + "0" * 400, "NaN", "Infinity", "-Infinity"]

EXPECTED = {
    "page": signing_rules.PLACE_OUTSIDE,
    "x": signing_rules.PLACE_OUTSIDE,
    "y": signing_rules.PLACE_OUTSIDE,
    "seal": signing_views.SEAL_REQUIRED,
}


def seal_body(own_seal, **changes) -> dict:
    return {"seal": str(own_seal.pk), "certificate": "", "page": 1, "x": 300, "y": 400, **changes}


@pytest.mark.parametrize(
    ("field", "value"),
    [(f, v) for f in ("page", "seal") for v in NOT_A_WHOLE_NUMBER]
    + [(f, v) for f in ("x", "y") for v in NOT_A_NUMBER],
    ids=repr,
)
def test_a_seal_placement_of_the_wrong_type_is_a_chinese_400(sealing, field, value):
    client, document, seal = sealing
    body = json.dumps(seal_body(seal, **{field: value}))
    response = post_json(client, f"/signing/documents/{document.pk}/seal/", body)
    assert response.status_code == 400, response.content
    assert response.json()["error"] == EXPECTED[field]


@pytest.mark.parametrize("literal", BAD_LITERALS)
@pytest.mark.parametrize("field", ["page", "x", "y", "seal"])
def test_json_numbers_past_a_float_are_refused(sealing, field, literal):
    client, document, seal = sealing
    body = json.dumps(seal_body(seal, **{field: "@"})).replace('"@"', literal)
    response = post_json(client, f"/signing/documents/{document.pk}/seal/", body)
    assert response.status_code == 400, response.content
    assert response.json()["error"] == EXPECTED[field]


@pytest.mark.parametrize("where", [{"page": "1", "x": "300.5", "y": 400}, {"page": 1.0, "x": 0, "y": 841.5}])
def test_a_placement_as_the_page_sends_it_is_read(sealing, where):
    client, document, seal = sealing
    response = post_json(
        client, f"/signing/documents/{document.pk}/seal/", json.dumps(seal_body(seal, **where))
    )
    # Past the placement: what stops it now is the missing certificate.
    assert response.status_code == 400
    assert response.json()["error"] not in EXPECTED.values()


# --- 4. attachment ids past 64 bits ----------------------------------------------------------------


@pytest.mark.parametrize("value", HUGE_IDS)
def test_a_huge_attachment_id_on_a_record_form_is_a_field_error(unit, certificate_client, value):
    response = certificate_client(unit).post(
        "/registry/basic/", {"licence_scan": value, "action": "save", "revision": "1"}
    )
    assert response.status_code == 200
    assert ATTACHMENT_NOT_FOUND in response.content.decode()


@pytest.mark.parametrize("value", HUGE_IDS)
def test_a_huge_attachment_id_on_the_practitioner_form_is_a_field_error(password_client, value):
    account, _ = make_agency(center())
    data = {"name": "张三", "id_number": "360426199101010071", "id_card": value, "action": "save"}
    response = password_client(account).post("/centers/changde/practitioners/construction/new/", data)
    assert response.status_code == 200
    assert ATTACHMENT_NOT_FOUND in response.content.decode()


# --- 5. a back-office `next` that is no path -------------------------------------------------------


@pytest.mark.parametrize("target", ["foo", "backoffice:queue", "foo/bar", "?x=1", "http://evil.example/"])
def test_a_back_office_next_that_is_no_path_goes_back_to_the_item(target):
    member = parts.staff("hengyang_reviewer", "hengyang", "reviewer", name="李娟")
    item = parts.open_item(parts.center_subject("hengyang"))
    client = quiet_client()
    client.force_login(member.account)
    for action in ("claim", "release"):
        response = client.post(f"/backoffice/queue/{item.pk}/{action}/", {"next": target})
        assert response.status_code == 302
        assert response["Location"] == f"/backoffice/queue/{item.pk}/"
    # Losing a race goes back through `next` as well: the item is someone else's now.
    refused = client.post(f"/backoffice/queue/{item.pk}/release/", {"next": target})
    assert refused.status_code == 302 and refused["Location"] == f"/backoffice/queue/{item.pk}/"


def test_a_back_office_next_on_this_site_is_followed():
    member = parts.staff("hengyang_reviewer", "hengyang", "reviewer", name="李娟")
    item = parts.open_item(parts.center_subject("hengyang"))
    client = quiet_client()
    client.force_login(member.account)
    response = client.post(f"/backoffice/queue/{item.pk}/release/", {"next": "/backoffice/queue/?kind=x"})
    assert response.status_code == 302 and response["Location"] == "/backoffice/queue/?kind=x"


def test_safe_next_takes_only_a_path_on_this_site(rf):
    request = rf.get("/")
    assert http.safe_next(request, "/registry/", "/d/") == "/registry/"
    for target in ("foo", "registry:home", "//evil.example/", "/\\evil.example/", "", None):
        assert http.safe_next(request, target, "/d/") == "/d/"


# --- 6. small JSON body limits, refused with 413 -------------------------------------------------


def test_a_certificate_body_over_64_kb_is_refused_with_413():
    body = json.dumps({"purpose": "login", "pad": "x" * http.CERTIFICATE_BODY_MAX})
    response = post_json(quiet_client(), "/pki/challenge/", body)
    assert response.status_code == 413
    assert response.json()["error"] == http.BODY_TOO_LARGE.format(limit=64)


def test_a_seal_finish_body_over_its_limit_is_refused_with_413():
    from signing.views import SEAL_FINISH_BODY_MAX

    body = json.dumps({"request_id": "x", "signature": "A" * SEAL_FINISH_BODY_MAX})
    response = post_json(quiet_client(), "/signing/seal/finish/", body)
    assert response.status_code == 413
    assert "请求内容过大" in response.json()["error"]


def test_the_declared_length_is_refused_before_the_body_is_read(rf):
    request = rf.post("/", "{}", content_type="application/json")
    request.META["CONTENT_LENGTH"] = str(5 * 1024 * 1024)
    with pytest.raises(http.BodyTooLarge) as refused:
        http.json_body(request, max_bytes=1024)
    assert refused.value.status == 413 and refused.value.message == http.BODY_TOO_LARGE.format(limit=1)


def test_a_body_within_the_limit_is_read(rf):
    request = rf.post("/", json.dumps({"a": "x" * 1000}), content_type="application/json")
    assert http.json_body(request, max_bytes=2048) == {"a": "x" * 1000}


def test_a_view_that_does_not_catch_a_broken_body_still_answers_400(rf):
    """json_body's refusal is Django's BadRequest too: a view that lets it through answers 400
    with the Chinese page, never 500."""
    from django.core.handlers.exception import response_for_exception

    from core.http import RequestRefused

    response = response_for_exception(rf.post("/any/"), RequestRefused("请求格式不正确"))
    assert response.status_code == 400
    assert "请求无法处理" in response.content.decode()
