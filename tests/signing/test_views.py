"""The electronic-seal pages over HTTP, as a unit's staff and the public use them: 电子印章, 签章文件,
sealing through the agent's two halves, 签章检测, and the public 签章验证 page."""

from __future__ import annotations

import base64
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from core.audit import Actor
from core.http import BAD_REQUEST
from democa import issuing
from pki import services as pki_services
from pki import verify as pki_verify
from registry import services as registry_services
from signing import rules, seal_images, services
from signing.models import Document, Seal, SealKind
from tests import pkiparts
from tests.factories import basic_record, unit_basic_data

from .conftest import LEGAL_REP_ID, UNIT_CODE, UNIT_NAME, commitment_create, spot_centre, token_signature

OPINION = "同意，以上承诺真实有效。"
SESSION = "a" * 64
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def html(response) -> str:
    return response.content.decode()


def image_upload(mode: str, fmt: str, name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new(mode, (200, 200), (200, 20, 30) if mode == "RGB" else (200, 20, 30, 255)).save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue())


def post_json(client: Client, url: str, body) -> tuple[int, dict]:
    raw = body if isinstance(body, str) else json.dumps(body)
    response = client.post(url, raw, content_type="application/json")
    return response.status_code, response.json()


def prepare(client: Client, document: Document, seal: Seal, key, opinion: str = "", **where):
    body = {"seal": seal.pk, "certificate": key.pem, "opinion": opinion, **(where or {"place": "unit"})}
    return post_json(client, reverse("signing:seal_prepare", args=[document.pk]), body)


def finish(client: Client, prepared: dict, key) -> tuple[int, dict]:
    signed = token_signature(key, base64.b64decode(prepared["signed_attributes"]))
    body = {"request_id": prepared["request_id"], "signature": base64.b64encode(signed).decode()}
    return post_json(client, reverse("signing:seal_finish"), body)


def seal_over_http(client: Client, document: Document, seal: Seal, key, **options) -> dict:
    status, prepared = prepare(client, document, seal, key, **options)
    assert status == 200, prepared
    status, finished = finish(client, prepared, key)
    assert status == 200, finished
    return finished


def bind(actor, account, key):
    holder = pki_services.certificate_check(certificate=key.pem)
    return pki_services.certificate_bind(actor=actor, subject=account.subject, holder=holder, how="manual")


# --- the unit, its keys, seals and a document ---------------------------------------------------


@pytest.fixture
def browser(account, certificate_client):
    return certificate_client(account)


@pytest.fixture
def unit_key(trusted, account):
    return pkiparts.holder(trusted["rsa"], name=UNIT_NAME, code=UNIT_CODE)


@pytest.fixture
def rep_key(trusted):
    return pkiparts.holder(trusted["p256"], name="张三", code=LEGAL_REP_ID, kind="person")


@pytest.fixture
def unit_seal(actor, account, unit_key):
    bind(actor, account, unit_key)
    return services.seal_create_unit(actor=actor, subject=account.subject)


@pytest.fixture
def bare_rep_seal(actor, account):
    return services.seal_create_personal(
        actor=actor, subject=account.subject, name="张三", id_number=LEGAL_REP_ID, role="法定代表人"
    )


@pytest.fixture
def rep_seal(actor, bare_rep_seal, rep_key):
    services.seal_certificate_add(actor=actor, seal=bare_rep_seal, certificate=rep_key.pem)
    return bare_rep_seal


@pytest.fixture
def commitment(actor, account):
    return commitment_create(actor, account.subject)


@pytest.fixture
def sealed_pdf(actor, commitment, unit_seal, unit_key) -> bytes:
    """A commitment sealed through the services, as another deployment's user would bring it."""
    pending = services.seal_request_prepare(
        actor=actor,
        session_hash=SESSION,
        document=commitment,
        seal=unit_seal,
        certificate=unit_key.pem,
        placement=services.Placement(**spot_centre(commitment, "unit")),
    )
    signature = token_signature(unit_key, bytes(pending.signed_attributes))
    services.seal_request_finish(
        actor=actor, session_hash=SESSION, request_id=pending.pk, signature=signature
    )
    commitment.refresh_from_db()
    return bytes(commitment.pdf)


# --- 电子印章 ----------------------------------------------------------------------------------


def test_seal_list_shows_each_seal_with_its_image(browser, unit_seal, rep_seal):
    page = html(browser.get(reverse("signing:seals")))
    for seal in (unit_seal, rep_seal):
        assert seal.label in page
        assert reverse("signing:seal_image", args=[seal.pk]) in page


def test_generating_the_unit_seal_opens_its_page_and_its_image_is_a_png(browser, account):
    response = browser.post(reverse("signing:seals"), {"kind": SealKind.UNIT})
    seal = Seal.objects.get(subject=account.subject, kind=SealKind.UNIT)
    assert response.status_code == 302 and response.url == reverse("signing:seal", args=[seal.pk])
    assert f"已生成单位公章「{UNIT_NAME}」。" in html(browser.get(response.url))
    image = browser.get(reverse("signing:seal_image", args=[seal.pk]))
    assert image["Content-Type"] == "image/png" and image.content.startswith(PNG_MAGIC)


def test_a_second_unit_seal_is_refused_on_the_same_page(browser, unit_seal):
    response = browser.post(reverse("signing:seals"), {"kind": SealKind.UNIT})
    assert response.status_code == 200
    assert rules.UNIT_SEAL_EXISTS in html(response)


def test_a_bound_certificate_that_is_not_a_number_is_not_found(browser, unit_seal):
    response = browser.post(reverse("signing:seal_certificate_add", args=[unit_seal.pk]), {"bound": "abc"})
    assert response.status_code == 404


def test_a_second_unit_seal_is_not_made(browser, account, unit_seal):
    browser.post(reverse("signing:seals"), {"kind": SealKind.UNIT})
    assert Seal.objects.filter(subject=account.subject, kind=SealKind.UNIT).count() == 1


def test_a_wrong_id_number_is_explained_and_the_typed_name_kept(browser, account):
    wrong = LEGAL_REP_ID[:17] + ("0" if LEGAL_REP_ID[17] != "0" else "1")
    response = browser.post(
        reverse("signing:seals"), {"kind": SealKind.PERSONAL, "name": "李小龙", "id_number": wrong}
    )
    assert response.status_code == 200
    page = html(response)
    assert f"第18位校验码应为“{LEGAL_REP_ID[17]}”，您输入的是“{wrong[17]}”" in page
    assert 'value="李小龙"' in page
    assert not Seal.objects.filter(subject=account.subject).exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: image_upload("RGB", "JPEG", "seal.jpg"), seal_images.UPLOAD_NOT_PNG),
        (lambda: image_upload("RGB", "PNG", "seal.png"), seal_images.UPLOAD_NOT_TRANSPARENT),
    ],
    ids=["jpeg", "opaque-png"],
)
def test_an_unusable_seal_image_is_refused_with_the_reason(browser, account, upload, message):
    response = browser.post(reverse("signing:seals"), {"kind": SealKind.UNIT, "image": upload()})
    assert response.status_code == 200
    assert message in html(response)
    assert not Seal.objects.filter(subject=account.subject).exists()


def test_the_personal_seal_form_starts_from_the_legal_representative(browser, account):
    record = basic_record(account)
    registry_services.record_save(
        actor=Actor(user=account, auth_method="certificate"),
        record=record,
        data=unit_basic_data(account),
        expected_revision=record.draft.revision,
    )
    page = html(browser.get(reverse("signing:seals")))
    assert 'value="王五"' in page and 'value="11010519491231002X"' in page


# --- one seal's page: its certificates ----------------------------------------------------------


def test_a_certificate_read_from_the_key_may_then_apply_the_personal_seal(browser, bare_rep_seal, rep_key):
    url = reverse("signing:seal_certificate_add", args=[bare_rep_seal.pk])
    page = html(browser.post(url, {"certificate": rep_key.pem}, follow=True))
    serial = pki_verify.serial_hex(issuing.serial_of(rep_key.pem))
    assert f"证书（序列号 {serial}）现在可以使用该印章。" in page
    assert bare_rep_seal.certificates.count() == 1


def test_another_holders_certificate_cannot_be_added_to_a_personal_seal(browser, bare_rep_seal, unit_key):
    url = reverse("signing:seal_certificate_add", args=[bare_rep_seal.pk])
    page = html(browser.post(url, {"certificate": unit_key.pem}, follow=True))
    assert rules.SEAL_CERT_OTHER_HOLDER.format(code=UNIT_CODE, own=LEGAL_REP_ID) in page
    assert not bare_rep_seal.certificates.exists()


def test_a_bound_certificate_is_offered_and_added_to_the_unit_seal(browser, actor, account, unit_key):
    seal = services.seal_create_unit(actor=actor, subject=account.subject)  # before any binding
    bound = bind(actor, account, unit_key)
    page = html(browser.get(reverse("signing:seal", args=[seal.pk])))
    assert f'<option value="{bound.pk}">' in page
    url = reverse("signing:seal_certificate_add", args=[seal.pk])
    page = html(browser.post(url, {"bound": bound.pk}, follow=True))
    assert "现在可以使用该印章" in page
    assert seal.certificates.get().fingerprint == bound.fingerprint


def test_removing_a_certificate_stops_it_using_the_seal(browser, unit_seal):
    tied = unit_seal.certificates.get()
    url = reverse("signing:seal_certificate_remove", args=[unit_seal.pk, tied.pk])
    page = html(browser.post(url, follow=True))
    assert "已移除该证书，它不能再使用此印章。" in page
    assert "该印章还没有可用的证书" in page
    assert not unit_seal.certificates.exists()


def test_a_retired_seal_cannot_seal_any_more(browser, unit_seal, unit_key, commitment):
    response = browser.post(reverse("signing:seal_retire", args=[unit_seal.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("signing:seals")
    assert f"印章「{unit_seal.name}」已停用" in html(response)
    status, body = prepare(browser, commitment, unit_seal, unit_key)
    assert (status, body["ok"], body["error"]) == (400, False, rules.SEAL_RETIRED)


# --- 签章文件 ----------------------------------------------------------------------------------


def test_the_documents_page_lists_the_units_documents_and_makes_none(browser, commitment):
    # The 诚信承诺书 is made at a center (centers.profiles.commitment_generate), never here.
    listing = html(browser.get(reverse("signing:documents")))
    assert commitment.title in listing and "生成诚信承诺书</button>" not in listing
    assert reverse("signing:document", args=[commitment.pk]) in listing
    page = html(browser.get(reverse("signing:document", args=[commitment.pk])))
    for number in range(1, commitment.pages + 1):
        assert f'src="{reverse("signing:document_page", args=[commitment.pk, number])}?v=1"' in page
    assert "验证结果" in page and rules.NO_SEALS in page
    browser.post(reverse("signing:documents"))
    assert Document.objects.filter(subject=commitment.subject).count() == 1


def test_a_documents_pages_and_pdf_can_be_fetched(browser, commitment):
    image = browser.get(reverse("signing:document_page", args=[commitment.pk, 1]))
    assert image["Content-Type"] == "image/png" and image.content.startswith(PNG_MAGIC)
    beyond = reverse("signing:document_page", args=[commitment.pk, commitment.pages + 1])
    assert browser.get(beyond).status_code == 404
    pdf = browser.get(reverse("signing:document_pdf", args=[commitment.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content == bytes(commitment.pdf)


# --- sealing through the agent: prepare, sign on the key, finish ---------------------------------


def test_sealing_at_a_named_place_shows_the_seal_valid_on_the_document(
    browser, commitment, unit_seal, unit_key
):
    status, prepared = prepare(browser, commitment, unit_seal, unit_key, opinion=OPINION, place="unit")
    assert status == 200 and prepared["ok"] is True
    assert prepared["title"] == commitment.title
    assert prepared["nonce"] == prepared["request_id"].replace("-", "")
    status, finished = finish(browser, prepared, unit_key)
    assert (status, finished) == (
        200,
        {"ok": True, "redirect": reverse("signing:document", args=[commitment.pk])},
    )
    page = html(browser.get(finished["redirect"]))
    assert UNIT_NAME in page and "签章有效" in page and OPINION in page
    assert rules.ALL_VALID.format(count=1) in page
    assert rules.SEALED.format(seal=unit_seal.label, page=commitment.places["unit"]["page"]) in page


def test_sealing_where_the_page_was_clicked(browser, commitment, rep_seal, rep_key):
    seal_over_http(browser, commitment, rep_seal, rep_key, **spot_centre(commitment, "legal_representative"))
    page = html(browser.get(reverse("signing:document", args=[commitment.pk])))
    assert "张三" in page and "签章有效" in page and rules.ALL_VALID.format(count=1) in page
    commitment.refresh_from_db()
    assert commitment.version == 2


def test_sealing_without_choosing_a_seal_is_refused(browser, commitment, unit_key, unit_seal):
    url = reverse("signing:seal_prepare", args=[commitment.pk])
    status, body = post_json(browser, url, {"certificate": unit_key.pem, "place": "unit"})
    assert (status, body["ok"], body["error"], body["field"]) == (400, False, "请选择印章。", "seal")


def test_a_certificate_not_tied_to_the_seal_is_refused(browser, commitment, unit_seal, rep_key):
    status, body = prepare(browser, commitment, unit_seal, rep_key)
    assert (status, body["error"]) == (400, rules.SEAL_CERT_NOT_ALLOWED.format(seal=unit_seal.name))


def test_a_signature_by_another_key_is_refused(browser, commitment, unit_seal, unit_key, rep_key):
    _, prepared = prepare(browser, commitment, unit_seal, unit_key)
    status, body = finish(browser, prepared, rep_key)
    assert (status, body) == (400, {"ok": False, "error": rules.SIGNATURE_MISMATCH, "field": None})
    status, body = post_json(
        browser, reverse("signing:seal_finish"), {"request_id": prepared["request_id"], "signature": "%%"}
    )
    assert (status, body["error"]) == (400, rules.SIGNATURE_MISMATCH)
    commitment.refresh_from_db()
    assert commitment.version == 1


def test_a_request_cannot_be_finished_from_another_session(
    browser, certificate_client, account, commitment, unit_seal, unit_key
):
    _, prepared = prepare(browser, commitment, unit_seal, unit_key)
    for other in (certificate_client(account), Client()):
        status, body = finish(other, prepared, unit_key)
        assert (status, body["error"]) == (400, rules.REQUEST_UNKNOWN)
    status, _ = finish(browser, prepared, unit_key)
    assert status == 200


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", '"seal"'])
def test_malformed_json_is_refused(browser, commitment, raw):
    for url in (reverse("signing:seal_prepare", args=[commitment.pk]), reverse("signing:seal_finish")):
        status, body = post_json(browser, url, raw)
        assert (status, body["ok"], body["error"]) == (400, False, BAD_REQUEST)


# --- who may see what ---------------------------------------------------------------------------


def _private_urls(seal: Seal, document: Document) -> list[str]:
    return [
        reverse("signing:seal", args=[seal.pk]),
        reverse("signing:seal_image", args=[seal.pk]),
        reverse("signing:document", args=[document.pk]),
        reverse("signing:document_page", args=[document.pk, 1]),
        reverse("signing:document_pdf", args=[document.pk]),
    ]


def test_another_unit_cannot_see_or_seal_this_units_seals_and_documents(
    outsider, certificate_client, commitment, unit_seal, unit_key
):
    intruder = certificate_client(outsider)
    for url in _private_urls(unit_seal, commitment):
        assert intruder.get(url).status_code == 404, url
    prepare_url = reverse("signing:seal_prepare", args=[commitment.pk])
    body = {"seal": unit_seal.pk, "certificate": unit_key.pem, "place": "unit"}
    assert intruder.post(prepare_url, body, content_type="application/json").status_code == 404
    assert intruder.post(reverse("signing:seal_retire", args=[unit_seal.pk])).status_code == 404
    assert Seal.objects.get(pk=unit_seal.pk).retired_at is None


def test_anonymous_visitors_are_sent_to_log_in(commitment, unit_seal):
    anonymous = Client()
    login = reverse("registry:login")
    urls = [*_private_urls(unit_seal, commitment), reverse("signing:seals"), reverse("signing:documents")]
    for url in urls:
        response = anonymous.get(url)
        assert response.status_code == 302 and response.url.startswith(f"{login}?next="), url
    response = anonymous.post(reverse("signing:seal_prepare", args=[commitment.pk]))
    assert response.status_code == 302 and response.url.startswith(login)


# --- 签章检测: anyone may try a certificate on a sample page --------------------------------------


def test_detection_seals_a_sample_this_browser_alone_can_fetch(unit_key):
    visitor = Client()
    status, prepared = post_json(visitor, reverse("signing:detect_prepare"), {"certificate": unit_key.pem})
    assert status == 200 and prepared["title"] == "电子签章检测样张"
    status, finished = finish(visitor, prepared, unit_key)
    assert status == 200 and finished["ok"] is True
    result = finished["result"]
    assert result["message"].startswith(f"签章成功：{UNIT_NAME}，签章有效，时间戳 ")
    preview, download = visitor.get(result["preview"]), visitor.get(result["download"])
    assert preview["Content-Type"] == "image/png" and preview.content.startswith(PNG_MAGIC)
    assert download["Content-Type"] == "application/pdf" and download.content.startswith(b"%PDF")
    stranger = Client()
    assert stranger.get(result["preview"]).status_code == 404
    assert stranger.get(result["download"]).status_code == 404


def test_detection_refuses_a_certificate_from_an_untrusted_issuer(trusted):
    stranger_ca = issuing.make_ca("陌生CA", "p256")
    key = pkiparts.holder(stranger_ca, name="冒名公司", code=UNIT_CODE)
    status, body = post_json(Client(), reverse("signing:detect_prepare"), {"certificate": key.pem})
    assert (status, body["error"]) == (400, pki_verify.UNTRUSTED_ISSUER.format(issuer="陌生CA"))


# --- the public 签章验证 page ----------------------------------------------------------------------


def _verify(data: bytes, name: str = "承诺书.pdf"):
    return Client().post(reverse("signing:verify"), {"file": SimpleUploadedFile(name, data)})


def test_the_verify_page_offers_an_upload_form(db):
    page = html(Client().get(reverse("signing:verify")))
    assert "电子签章验证" in page and 'type="file" name="file"' in page


def test_a_sealed_pdf_is_shown_valid_with_its_signer(sealed_pdf):
    page = html(_verify(sealed_pdf))
    assert "验证结果：承诺书.pdf" in page
    assert "签章有效" in page and UNIT_NAME in page and rules.ALL_VALID.format(count=1) in page


def test_a_changed_byte_in_a_sealed_pdf_is_shown_as_changed(sealed_pdf):
    data = bytearray(sealed_pdf)
    target = data.index(b"/Producer")  # inside the signed range: the first revision's metadata
    data[target + 1 : target + 2] = b"Q"
    page = html(_verify(bytes(data)))
    assert "文件已被修改" in page and "签章有效" not in page


def test_a_file_that_is_not_a_pdf_is_refused_on_the_same_page(db):
    response = _verify(b"hello, this is not a PDF", name="notes.txt")
    assert response.status_code == 200
    assert rules.NOT_A_PDF in html(response)


# --- the time-stamp service ---------------------------------------------------------------------


def test_the_tsa_answers_only_time_stamp_queries(db):
    response = Client().post(reverse("signing:tsa"), b"hello", content_type="text/plain")
    assert reverse("signing:tsa") == "/signing/tsa/"
    assert response.status_code == 415


# --- query counts stay flat as seals and signatures add up ----------------------------------------


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_seal_list_does_not_query_per_seal(
    browser, actor, account, unit_seal, rep_seal, django_assert_max_num_queries
):
    url = reverse("signing:seals")
    before = _queries(browser, url)
    for name, id_number in (("李四", "11010519491231002X"), ("王五", LEGAL_REP_ID)):
        services.seal_create_personal(actor=actor, subject=account.subject, name=name, id_number=id_number)
    assert _queries(browser, url) == before
    with django_assert_max_num_queries(6):  # session, account, subject, basic record, seals, certificates
        browser.get(url)


def test_the_document_page_does_not_query_per_seal_or_signature(
    browser, actor, account, commitment, unit_seal, unit_key, rep_seal, rep_key, django_assert_max_num_queries
):
    url = reverse("signing:document", args=[commitment.pk])
    seal_over_http(browser, commitment, unit_seal, unit_key, place="unit")
    browser.get(url)  # shows and consumes the success message
    one = _queries(browser, url)
    services.seal_create_personal(
        actor=actor, subject=account.subject, name="李四", id_number="11010519491231002X"
    )
    seal_over_http(browser, commitment, rep_seal, rep_key, place="legal_representative")
    browser.get(url)
    # Only the revocation lookups of the verification grow with the signatures (two per signature,
    # signing/verify.py repeats the one check_certificate made); seals and rows are fetched at once.
    assert _queries(browser, url) <= one + 2
    with django_assert_max_num_queries(12):
        browser.get(url)
