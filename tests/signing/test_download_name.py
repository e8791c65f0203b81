"""The sealed PDF downloads under the document's own name, not as document-1-v2.pdf."""

from __future__ import annotations

from urllib.parse import quote, unquote

from django.urls import reverse

from signing import services
from tests import pkiparts

from .conftest import UNIT_CODE, UNIT_NAME, commitment_create, spot_centre
from .test_views import SESSION, bind, token_signature


def commitment(actor, account, title="诚信承诺书"):
    return commitment_create(actor, account.subject, title=title)


def seal(actor, account, document, trusted):
    key = pkiparts.holder(trusted["rsa"], name=UNIT_NAME, code=UNIT_CODE)
    bind(actor, account, key)
    unit_seal = services.seal_create_unit(actor=actor, subject=account.subject)
    pending = services.seal_request_prepare(
        actor=actor,
        session_hash=SESSION,
        document=document,
        seal=unit_seal,
        certificate=key.pem,
        placement=services.Placement(**spot_centre(document, "unit")),
    )
    services.seal_request_finish(
        actor=actor,
        session_hash=SESSION,
        request_id=pending.pk,
        signature=token_signature(key, bytes(pending.signed_attributes)),
    )


def disposition(client, document) -> str:
    response = client.get(reverse("signing:document_pdf", args=[document.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    return response["Content-Disposition"]


def test_a_sealed_document_is_named_after_its_title(actor, account, trusted, certificate_client):
    document = commitment(actor, account)
    seal(actor, account, document, trusted)

    header = disposition(certificate_client(account), document)

    assert header.startswith("inline; ")
    assert f"filename*=UTF-8''{quote('诚信承诺书（已签章）.pdf')}" in header
    assert f'filename="document-{document.pk}-sealed.pdf"' in header  # for clients without filename*
    assert header.isascii()


def test_an_unsealed_document_has_its_title_alone(actor, account, certificate_client):
    document = commitment(actor, account)
    header = disposition(certificate_client(account), document)
    assert f"filename*=UTF-8''{quote('诚信承诺书.pdf')}" in header
    assert f'filename="document-{document.pk}.pdf"' in header


def test_characters_no_file_name_may_hold_are_replaced(actor, account, certificate_client):
    document = commitment(actor, account, title='承诺书 2026/05 "终稿"')
    header = disposition(certificate_client(account), document)
    name = unquote(header.split("filename*=UTF-8''", 1)[1])
    assert name == "承诺书 2026_05 _终稿_.pdf"


def test_an_ascii_title_is_its_own_fallback(actor, account, certificate_client):
    document = commitment(actor, account, title="Commitment 2026")
    header = disposition(certificate_client(account), document)
    assert 'filename="Commitment 2026.pdf"' in header
