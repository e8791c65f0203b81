"""The agent signs PDF signed attributes for a seal, with keys on SoftHSM2 tokens, and nothing else.

The signed attributes come from the platform's own first half (signing.pdfsign.seal_prepare), so
these tests also show that what the agent returns completes a PDF that pyHanko accepts.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io

import pytest
from asn1crypto import cms
from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from ggzy_agent import errors
from PIL import Image
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from reportlab.pdfgen import canvas

from signing import pdfsign

from .conftest import PIN, SITE, verify_independently

TITLE = "衡阳市某学校教学设备采购项目招标公告"


def _pdf() -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, "announcement")
    page.save()
    return buffer.getvalue()


def _seal_image() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (120, 120), (220, 20, 30, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def _certificate(pem: str) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(asn1_pem.unarmor(pem.encode())[2])


def _prepare(holder, ca) -> pdfsign.Prepared:
    return pdfsign.seal_prepare(
        pdf=_pdf(),
        certificate=_certificate(holder.pem),
        chain=[asn1_x509.Certificate.load(ca.certificate)],
        algorithm=holder.algorithm,
        image_png=_seal_image(),
        page=1,
        box=(300, 100, 420, 220),
        field_name="seal-1",
        signer_name=holder.name,
    )


def _ask(client, certificate_id: str, data: bytes | str, title: object = TITLE, purpose: str = "seal"):
    """Asks the agent to sign signed attributes: a seal, or (purpose detect) a detection's seal test."""
    encoded = data if isinstance(data, str) else base64.b64encode(data).decode()
    return client.request(
        "POST",
        "/v1/sign",
        origin=SITE,
        json_body={
            "certificate_id": certificate_id,
            "purpose": purpose,
            "nonce": f"{purpose}-request-0123456789",
            "signed_attributes": encoded,
            "title": title,
        },
    )


def completes_a_valid_pdf(holder, ca, prepared: pdfsign.Prepared, signature: bytes) -> None:
    """The agent's signature, embedded by the platform's second half, makes a PDF pyHanko trusts."""
    verify_independently(holder.pem, prepared.signed_attributes, signature)
    ca_cert = asn1_x509.Certificate.load(ca.certificate)
    signed = pdfsign.seal_finish(
        prepared=prepared,
        certificate=_certificate(holder.pem),
        chain=[ca_cert],
        algorithm=holder.algorithm,
        signature=signature,
        timestamper=None,
    )
    (embedded,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    status = validate_pdf_signature(embedded, ValidationContext(trust_roots=[ca_cert]))
    assert status.intact and status.valid and status.trusted


@pytest.mark.parametrize("key", ["token-rsa", "token-p256", "file-rsa", "file-p256"])
def test_agent_signs_the_signed_attributes_and_the_pdf_verifies(world, cas, client, key):
    holder = world.holders[key]
    prepared = _prepare(holder, cas[holder.algorithm])
    created = _ask(client, client.certificate_id(holder.pem), prepared.signed_attributes)
    assert created.status == 201, created.text

    page = client.approve_page(created.json["request_id"])
    # The PIN window names the document and shows the digest read from the attributes themselves.
    digest = pdfsign.message_digest(prepared.signed_attributes).hex().upper()
    assert TITLE in page.text and digest[:8] in page.text and "电子签章" in page.text

    client.answer(created.json["request_id"], pin=PIN)
    result = client.result(created.json["request_id"]).json
    assert result["status"] == "done"
    assert base64.b64decode(result["signed_attributes"]) == prepared.signed_attributes
    assert "signed_text" not in result
    completes_a_valid_pdf(holder, cas[holder.algorithm], prepared, base64.b64decode(result["signature"]))


def test_seal_attributes_for_another_certificate_are_refused(world, cas, client):
    """The attributes name the certificate they were made for; the agent signs only with that one."""
    rsa_holder, other = world.holders["token-rsa"], world.holders["file-rsa"]
    prepared = _prepare(rsa_holder, cas["rsa"])
    response = _ask(client, client.certificate_id(other.pem), prepared.signed_attributes)
    assert response.status == 400
    assert response.json["message"] == errors.INVALID_SEAL_DATA


def _attributes(*extra) -> bytes:
    base = [
        {"type": "content_type", "values": ["data"]},
        {"type": "message_digest", "values": [hashlib.sha256(b"doc").digest()]},
    ]
    return cms.CMSAttributes([*base, *extra]).dump()


@pytest.mark.parametrize(
    "data",
    [
        "not base64!",
        base64.b64encode(b"ggzy-signature-v1\norigin: https://evil\npurpose: login\nnonce: x\n").decode(),
        base64.b64encode(b"\x31\x03\x02\x01\x00").decode(),  # a DER SET, but not of attributes
        _attributes(
            {
                "type": "signing_time",
                "values": [cms.Time({"utc_time": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)})],
            }
        ),
        cms.CMSAttributes([{"type": "content_type", "values": ["data"]}]).dump(),  # no digest
    ],
    ids=["garbage", "login-text", "not-attributes", "unknown-attribute", "no-digest"],
)
def test_anything_but_seal_attributes_is_refused(world, client, data):
    holder = world.holders["token-p256"]
    response = _ask(client, client.certificate_id(holder.pem), data)
    assert response.status == 400
    assert response.json["message"] == errors.INVALID_SEAL_DATA


@pytest.mark.parametrize("title", ["", "  ", "x" * 201, "两行\n标题", None])
def test_a_seal_needs_a_one_line_title(world, client, title):
    holder = world.holders["token-p256"]
    response = _ask(client, client.certificate_id(holder.pem), _attributes(), title=title)
    assert response.status == 400
    assert response.json["message"] == errors.INVALID_DOCUMENT_TITLE


# --- 一键检测: a detection carries a seal test, signed under the same PIN ----------------------------


def _detect(client, certificate_id: str, data: bytes | str, title: object = TITLE):
    return _ask(client, certificate_id, data, title, purpose="detect")


@pytest.mark.parametrize("key", ["token-p256", "file-rsa"])
def test_a_detection_signs_its_text_and_the_seal_test_with_one_pin(world, cas, client, key):
    holder = world.holders[key]
    prepared = _prepare(holder, cas[holder.algorithm])
    created = _detect(client, client.certificate_id(holder.pem), prepared.signed_attributes)
    assert created.status == 201, created.text
    assert created.json["signed_text"].startswith("ggzy-signature-v1\n")
    assert created.json["seal_text"].startswith(f"文件：{TITLE}\n")

    page = client.approve_page(created.json["request_id"]).text
    # Both things to be signed, each under its own heading, in the one PIN window.
    digest = pdfsign.message_digest(prepared.signed_attributes).hex().upper()
    assert "<dt>用途</dt><dd>证书检测</dd>" in page
    assert "1. 登录签名检测" in page and f"<pre>{created.json['signed_text']}</pre>" in page
    assert "2. 签章签名检测" in page and TITLE in page and digest[:8] in page

    client.answer(created.json["request_id"], pin=PIN)
    result = client.result(created.json["request_id"]).json
    assert result["status"] == "done"
    assert result["signed_text"] == created.json["signed_text"]
    verify_independently(holder.pem, result["signed_text"].encode(), base64.b64decode(result["signature"]))
    assert base64.b64decode(result["seal"]["signed_attributes"]) == prepared.signed_attributes
    verify_independently(
        holder.pem, prepared.signed_attributes, base64.b64decode(result["seal"]["signature"])
    )
    # Handed over once, both signatures together.
    assert client.result(created.json["request_id"]).status == 404


def test_a_detection_without_a_seal_test_signs_the_text_only(world, client):
    holder = world.holders["file-p256"]
    created = client.create(client.certificate_id(holder.pem), purpose="detect")
    assert "seal_text" not in created
    page = client.approve_page(created["request_id"]).text
    assert "将要签名的内容" in page and "签章签名检测" not in page
    client.answer(created["request_id"], pin=PIN)
    result = client.result(created["request_id"]).json
    assert result["status"] == "done" and "seal" not in result


def test_a_detection_seal_test_is_checked_as_a_seal(world, cas, client):
    """The same refusals as for a seal: another certificate's attributes, a login text, no title."""
    holder, other = world.holders["token-rsa"], world.holders["file-rsa"]
    prepared = _prepare(holder, cas["rsa"])
    foreign = _detect(client, client.certificate_id(other.pem), prepared.signed_attributes)
    assert foreign.status == 400 and foreign.json["message"] == errors.INVALID_SEAL_DATA
    text = b"ggzy-signature-v1\norigin: https://evil\npurpose: login\nnonce: x\n"
    login_text = _detect(client, client.certificate_id(holder.pem), text)
    assert login_text.status == 400 and login_text.json["message"] == errors.INVALID_SEAL_DATA
    untitled = _detect(client, client.certificate_id(holder.pem), prepared.signed_attributes, title=None)
    assert untitled.status == 400 and untitled.json["message"] == errors.INVALID_DOCUMENT_TITLE


def test_only_a_detection_may_carry_a_seal_test(world, cas, client):
    """A login signs its own text; attributes sent along are not signed behind the user's back."""
    holder = world.holders["file-p256"]
    prepared = _prepare(holder, cas["p256"])
    response = _ask(client, client.certificate_id(holder.pem), prepared.signed_attributes, purpose="login")
    assert response.status == 201
    assert "seal_text" not in response.json
    page = client.approve_page(response.json["request_id"]).text
    assert TITLE not in page
    client.answer(response.json["request_id"], pin=PIN)
    assert "seal" not in client.result(response.json["request_id"]).json
