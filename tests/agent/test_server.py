"""The HTTP service as a web page, the user and an attacker's page meet it."""

from __future__ import annotations

import base64
import logging
import re

import pytest
from ggzy_agent import errors
from ggzy_agent.config import AgentConfig, ConfigError
from ggzy_agent.pending import MAX_PENDING
from ggzy_agent.server import AgentServer

from .conftest import FOREIGN, NONCE, OTHER_SITE, PIN, SITE, WRONG_PIN, form_token, verify_independently

HOLDERS = ["token-rsa", "token-p256", "file-rsa", "file-p256", "file-sm2"]


def _no_cors(response) -> None:
    assert response.header("Access-Control-Allow-Origin") is None
    assert response.header("Access-Control-Allow-Private-Network") is None


@pytest.mark.parametrize("key", HOLDERS)
def test_full_flow_signs_what_the_agent_built_for_the_asking_origin(world, client, key):
    holder = world.holders[key]
    certificate_id = client.certificate_id(holder.pem)

    created = client.create(certificate_id, origin=OTHER_SITE, purpose="bind")
    request_id = created["request_id"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", request_id)  # 128 random bits, urlsafe
    assert created["approve_url"] == f"{client.own_origin}/approve/{request_id}"
    expected = f"ggzy-signature-v1\norigin: {OTHER_SITE}\npurpose: bind\nnonce: {NONCE}\n"
    assert created["signed_text"] == expected

    pending = client.result(request_id, origin=OTHER_SITE)
    assert pending.status == 200 and pending.json["status"] == "pending"

    page = client.answer(request_id, pin=PIN)
    assert page.status == 200
    assert "签名完成，请回到原网页。" in page.text

    done = client.result(request_id, origin=OTHER_SITE)
    assert done.status == 200
    result = done.json
    assert result["status"] == "done"
    assert result["signed_text"] == expected
    assert result["algorithm"] == holder.algorithm
    assert result["certificate"].strip() == holder.pem.strip()
    verify_independently(
        result["certificate"], expected.encode("utf-8"), base64.b64decode(result["signature"])
    )
    assert done.header("Access-Control-Allow-Origin") == OTHER_SITE
    assert done.header("Vary") == "Origin"

    # Handed over once, then forgotten.
    assert client.result(request_id, origin=OTHER_SITE).status == 404


def test_certificates_listing_carries_cors_for_the_allowed_origin(world, client):
    response = client.request("GET", "/v1/certificates", origin=SITE)
    assert response.status == 200
    assert response.header("Access-Control-Allow-Origin") == SITE
    assert response.header("Vary") == "Origin"
    listed = {c["pem"].strip(): c for c in response.json["certificates"]}
    for holder in world.holders.values():
        assert listed[holder.pem.strip()]["source"] == holder.source
    assert listed[world.sm2_token_pem.strip()]["can_sign"] is False


def test_status_answers_local_tools_without_origin(client):
    response = client.request("GET", "/v1/status")
    assert response.status == 200
    _no_cors(response)
    status = response.json
    assert status["agent"] == "ggzy-agent"
    assert status["version"]
    assert status["modules"] == [{"path": "/usr/lib/softhsm/libsofthsm2.so", "loaded": True, "error": None}]
    assert {"key-rsa", "key-p256"} <= {token["label"] for token in status["tokens"]}
    assert set(status["tokens"][0]) == {"label", "manufacturer", "model", "serial", "module"}
    assert status["certificates"] >= 6
    assert status["soft_store"]["exists"] is True


def test_status_with_an_allowed_origin_has_cors(client):
    response = client.request("GET", "/v1/status", origin=SITE)
    assert response.status == 200
    assert response.header("Access-Control-Allow-Origin") == SITE


def test_listens_on_loopback_only(agent):
    assert agent.httpd.server_address[0] == "127.0.0.1"


def test_approve_page_shows_who_asks_what_and_with_which_certificate(world, client):
    holder = world.holders["file-rsa"]
    created = client.create(client.certificate_id(holder.pem), purpose="login")
    page = client.approve_page(created["request_id"])
    assert page.status == 200
    assert page.header("Content-Type") == "text/html; charset=utf-8"
    csp = page.header("Content-Security-Policy")
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp and "form-action 'self'" in csp
    assert "script-src" not in csp and "<script" not in page.text
    assert page.header("X-Frame-Options") == "DENY"
    assert page.header("Referrer-Policy") == "same-origin"
    html = page.text
    assert "证书助手 · 请输入PIN码" in html
    assert f'<p class="origin">{SITE}</p>' in html
    assert "登录" in html
    assert holder.name in html
    assert "演示RSA CA" in html
    assert f"<pre>{created['signed_text']}</pre>" in html
    assert re.search(r'<input id="pin" type="password" name="pin" autofocus autocomplete="off">', html)
    assert 'name="action" value="approve">确定</button>' in html
    assert 'name="action" value="reject" class="reject">拒绝</button>' in html
    assert "http://" not in html.replace(SITE, "").replace(created["signed_text"], "")  # nothing external


def test_done_page_closes_itself_with_a_script_its_csp_allows(world, client):
    created = client.create(client.certificate_id(world.holders["file-p256"].pem))
    page = client.answer(created["request_id"], pin=PIN)
    nonce = re.search(r'<script nonce="([^"]+)">window.close\(\);</script>', page.text).group(1)
    assert f"script-src 'nonce-{nonce}'" in page.header("Content-Security-Policy")


def test_wrong_pin_keeps_the_request_pending_until_the_key_locks(world, client):
    created = client.create(client.certificate_id(world.holders["token-rsa"].pem))
    request_id = created["request_id"]
    for left in (4, 3, 2, 1):
        page = client.answer(request_id, pin=WRONG_PIN)
        assert page.status == 200
        assert "PIN码错误，请重新输入。" in page.text
        assert f"还可以再试 {left} 次" in page.text
        assert 'name="pin"' in page.text  # asked again
        assert WRONG_PIN not in page.text
        assert client.result(request_id).json["status"] == "pending"
    page = client.answer(request_id, pin=WRONG_PIN)
    assert "PIN码已连续输错 5 次" in page.text and "锁定至" in page.text
    assert 'name="pin"' not in page.text
    failed = client.result(request_id).json
    assert failed["status"] == "failed" and failed["error"] == "pin_locked"
    assert failed["message"].startswith("PIN码已连续输错 5 次")
    # The right PIN no longer helps: the request is over.
    token_page = client.request("GET", f"/approve/{request_id}")
    assert 'name="pin"' not in token_page.text
    assert client.result(request_id).json["status"] == "failed"


def test_empty_pin_does_not_count_as_a_try(world, client):
    created = client.create(client.certificate_id(world.holders["file-rsa"].pem))
    for _ in range(6):
        assert "请输入PIN码。" in client.answer(created["request_id"], pin="").text
    assert "签名完成" in client.answer(created["request_id"], pin=PIN).text


def test_reject(world, client):
    created = client.create(client.certificate_id(world.holders["file-rsa"].pem))
    page = client.answer(created["request_id"], action="reject")
    assert "您已拒绝本次签名。" in page.text
    assert client.result(created["request_id"]).json == {
        "status": "rejected",
        "message": errors.REQUEST_REJECTED,
    }
    assert "您已拒绝" in client.answer(created["request_id"], pin=PIN, token="x").text


def test_form_token_from_another_page_is_refused(world, client):
    created = client.create(client.certificate_id(world.holders["file-rsa"].pem))
    other = client.create(client.certificate_id(world.holders["file-rsa"].pem))
    page = client.answer(
        created["request_id"], pin=PIN, token=form_token(client.approve_page(other["request_id"]).text)
    )
    assert errors.FORM_EXPIRED in page.text
    assert client.result(created["request_id"]).json["status"] == "pending"


def test_requests_expire_after_five_minutes(world, client, clock):
    created = client.create(client.certificate_id(world.holders["file-rsa"].pem))
    request_id = created["request_id"]
    token = form_token(client.approve_page(request_id).text)
    clock.advance(299)
    assert client.result(request_id).json["status"] == "pending"
    clock.advance(1)
    assert client.result(request_id).json == {"status": "expired", "message": errors.REQUEST_EXPIRED}
    page = client.answer(request_id, pin=PIN, token=token)
    assert errors.REQUEST_EXPIRED in page.text and "签名完成" not in page.text
    assert client.result(request_id).json["status"] == "expired"
    clock.advance(3600)
    assert client.result(request_id).status == 404  # eventually forgotten
    gone = client.approve_page(request_id)
    assert gone.status == 404 and errors.REQUEST_NOT_FOUND in gone.text


@pytest.mark.parametrize(
    ("method", "path", "kind"),
    [
        ("GET", "/v1/status", "api"),
        ("GET", "/v1/certificates", "api"),
        ("POST", "/v1/sign", "api"),
        ("GET", "/v1/sign/{id}", "api"),
        ("OPTIONS", "/v1/sign", "api"),
        ("GET", "/approve/{id}", "page"),
        ("POST", "/approve/{id}", "page"),
    ],
)
@pytest.mark.parametrize(
    "origin", [FOREIGN, "null", "http://127.0.0.1:8001", "http://127.0.0.1:8000.evil.example"]
)
def test_origin_not_allowed_is_refused_everywhere(world, client, method, path, kind, origin):
    created = client.create(client.certificate_id(world.holders["file-rsa"].pem))
    body = {
        "certificate_id": client.certificate_id(world.holders["file-rsa"].pem),
        "purpose": "login",
        "nonce": NONCE,
    }
    response = client.request(
        method,
        path.format(id=created["request_id"]),
        origin=origin,
        json_body=body if path == "/v1/sign" and method == "POST" else None,
        form={"action": "approve", "pin": PIN, "form_token": "x"}
        if kind == "page" and method == "POST"
        else None,
    )
    assert response.status == 403
    _no_cors(response)
    assert response.json["error"] == "origin_not_allowed"
    if kind == "api":
        assert response.json["message"] == f"此网站不在证书助手的允许列表中：{origin}"
    assert client.result(created["request_id"]).json["status"] == "pending"


@pytest.mark.parametrize(
    ("method", "path"), [("GET", "/v1/certificates"), ("POST", "/v1/sign"), ("GET", "/v1/sign/x")]
)
def test_pages_must_say_who_they_are(client, method, path):
    response = client.request(method, path, json_body={} if method == "POST" else None)
    assert response.status == 403
    assert response.json == {"error": "origin_required", "message": errors.ORIGIN_REQUIRED}


def test_result_is_only_for_the_origin_that_asked(world, client):
    created = client.create(client.certificate_id(world.holders["file-rsa"].pem), origin=SITE)
    client.answer(created["request_id"], pin=PIN)
    assert client.result(created["request_id"], origin=OTHER_SITE).status == 404
    assert client.result(created["request_id"], origin=SITE).json["status"] == "done"


@pytest.mark.parametrize("origin", [SITE, FOREIGN, None, "null"])
def test_approve_form_is_accepted_only_from_the_agent_itself(world, client, origin):
    created = client.create(client.certificate_id(world.holders["file-rsa"].pem))
    request_id = created["request_id"]
    response = client.request(
        "POST",
        f"/approve/{request_id}",
        origin=origin,
        form={
            "action": "approve",
            "pin": PIN,
            "form_token": form_token(client.approve_page(request_id).text),
        },
    )
    assert response.status == 403
    assert response.json["message"] == errors.APPROVE_FOREIGN_ORIGIN
    assert client.result(request_id).json["status"] == "pending"


def test_approve_via_localhost_origin(world, agent, client):
    created = client.create(client.certificate_id(world.holders["file-rsa"].pem))
    page = client.answer(created["request_id"], pin=PIN, origin=f"http://localhost:{agent.port}")
    assert "签名完成" in page.text


@pytest.mark.parametrize(
    "host", ["evil.example:{port}", "127.0.0.1:1", "localhost", "127.0.0.1", "attacker.example"]
)
def test_bad_host_header_is_refused(client, agent, host):
    for method, path in (("GET", "/v1/status"), ("GET", "/v1/certificates"), ("GET", "/approve/x")):
        response = client.request(method, path, origin=SITE, host=host.format(port=agent.port))
        assert response.status == 403
        assert response.json["error"] == "host_not_allowed"
        _no_cors(response)


def test_localhost_host_header_is_accepted(client, agent):
    assert client.request("GET", "/v1/status", host=f"localhost:{agent.port}").status == 200


@pytest.mark.parametrize("purpose", ["pay", "", "LOGIN", None, 1])
def test_purpose_is_validated(world, client, purpose):
    response = client.request(
        "POST",
        "/v1/sign",
        origin=SITE,
        json_body={
            "certificate_id": client.certificate_id(world.holders["file-rsa"].pem),
            "purpose": purpose,
            "nonce": NONCE,
        },
    )
    assert response.status == 400
    assert response.json["message"] == errors.INVALID_PURPOSE
    assert response.header("Access-Control-Allow-Origin") == SITE  # the page may read why


@pytest.mark.parametrize(
    ("nonce", "ok"),
    [
        ("a" * 15, False),
        ("a" * 16, True),
        ("A-z_0" * 25 + "abc", True),  # 128
        ("a" * 129, False),
        ("abcdefghijklmnop!", False),
        ("abcdefghijklmnop\n", False),
        ("abcdefgh ijklmnop", False),
        ("随机数随机数随机数随机数随机数随机数", False),
        (1234567890123456789, False),
        (None, False),
    ],
)
def test_nonce_is_validated(world, client, nonce, ok):
    response = client.request(
        "POST",
        "/v1/sign",
        origin=SITE,
        json_body={
            "certificate_id": client.certificate_id(world.holders["file-rsa"].pem),
            "purpose": "detect",
            "nonce": nonce,
        },
    )
    if ok:
        assert response.status == 201
        assert response.json["signed_text"].endswith(f"\nnonce: {nonce}\n")
    else:
        assert response.status == 400
        assert response.json["message"] == errors.INVALID_NONCE


def test_unknown_certificate(client):
    response = client.request(
        "POST",
        "/v1/sign",
        origin=SITE,
        json_body={"certificate_id": "sha256:" + "0" * 32, "purpose": "login", "nonce": NONCE},
    )
    assert response.status == 404
    assert response.json == {"error": "certificate_not_found", "message": errors.CERTIFICATE_NOT_FOUND}


def test_sm2_certificate_on_a_token_is_refused_before_asking_for_a_pin(world, client):
    response = client.request(
        "POST",
        "/v1/sign",
        origin=SITE,
        json_body={
            "certificate_id": client.certificate_id(world.sm2_token_pem),
            "purpose": "login",
            "nonce": NONCE,
        },
    )
    assert response.status == 422
    assert response.json == {"error": "certificate_unusable", "message": errors.TOKEN_NO_SM2}


def test_sign_request_must_be_json(world, client):
    # text/plain would make this a "simple" cross-origin request that needs no preflight.
    response = client.request(
        "POST",
        "/v1/sign",
        origin=SITE,
        body=b'{"certificate_id":"x","purpose":"login","nonce":"abcdefghijklmnop"}',
        headers={"Content-Type": "text/plain"},
    )
    assert response.status == 415
    bad = client.request(
        "POST", "/v1/sign", origin=SITE, body=b"{", headers={"Content-Type": "application/json"}
    )
    assert bad.status == 400 and bad.json["error"] == "invalid_json"


def test_preflight_with_private_network_access(client):
    response = client.request(
        "OPTIONS",
        "/v1/sign",
        origin=SITE,
        headers={
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
            "Access-Control-Request-Private-Network": "true",
        },
    )
    assert response.status == 204
    assert response.header("Access-Control-Allow-Origin") == SITE
    assert response.header("Vary") == "Origin"
    assert "POST" in response.header("Access-Control-Allow-Methods")
    assert response.header("Access-Control-Allow-Headers") == "Content-Type"
    assert response.header("Access-Control-Allow-Private-Network") == "true"

    plain = client.request(
        "OPTIONS", "/v1/sign", origin=SITE, headers={"Access-Control-Request-Method": "POST"}
    )
    assert plain.status == 204
    assert plain.header("Access-Control-Allow-Private-Network") is None


def test_pending_requests_are_limited(world, client):
    certificate_id = client.certificate_id(world.holders["file-rsa"].pem)
    for _ in range(MAX_PENDING):
        client.create(certificate_id)
    response = client.request(
        "POST",
        "/v1/sign",
        origin=SITE,
        json_body={"certificate_id": certificate_id, "purpose": "login", "nonce": NONCE},
    )
    assert response.status == 429
    assert response.json["message"] == errors.TOO_MANY_REQUESTS


def test_pin_never_appears_in_responses_or_logs(world, client, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    for key in ("token-p256", "file-sm2"):
        created = client.create(client.certificate_id(world.holders[key].pem))
        client.answer(created["request_id"], pin=WRONG_PIN)
        client.answer(created["request_id"], pin=PIN)
        assert client.result(created["request_id"]).json["status"] == "done"
    captured = capfd.readouterr()
    assert caplog.records, "the agent logs its requests"
    everything = [captured.out, captured.err, caplog.text]
    everything += [r.body.decode("utf-8", "replace") + str(r.headers) for r in client.responses]
    for text in everything:
        assert PIN not in text
        assert WRONG_PIN not in text


def test_unknown_paths_and_methods(client):
    assert client.request("GET", "/", origin=SITE).status == 404
    assert client.request("DELETE", "/v1/certificates", origin=SITE).status == 405
    assert client.request("PUT", "/approve/x").status == 405


def test_config_with_wildcard_never_reaches_the_server():
    with pytest.raises(ConfigError, match="通配符"):
        AgentServer(AgentConfig.build(port=0, allowed_origins=["*"]))
