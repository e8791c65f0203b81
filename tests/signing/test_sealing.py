"""Sealing documents in two halves and verifying them, through the services, with real keys, the
platform's own TSA, and verifiers nobody here wrote (poppler's pdfsig, pyHanko's validator)."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from pathlib import Path

import pytest
from asn1crypto import x509
from django.utils import timezone
from PIL import Image
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from core.errors import DomainError
from core.models import AuditEntry
from democa import issuing
from pki import services as pki_services
from pki import verify as pki_verify
from pki.models import TrustedIssuer
from signing import pdfsign, previews, rules, services, tsa
from signing import verify as signing_verify
from signing.models import Document, SealRequest, Signature
from tests import pkiparts
from tests.pdftools import pdfsig

from .conftest import LEGAL_REP_ID, UNIT_CODE, commitment_create, spot_centre, token_signature

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SESSION = "a" * 64


@pytest.fixture
def subject(account):
    """The sealing unit as a Subject (the suite's `unit` is an Account)."""
    return account.subject


@pytest.fixture
def unit_key(trusted, subject):
    return pkiparts.holder(trusted["rsa"], name=subject.name, code=UNIT_CODE)


@pytest.fixture
def rep_key(trusted):
    return pkiparts.holder(trusted["p256"], name="张三", code=LEGAL_REP_ID, kind="person")


@pytest.fixture
def seals(actor, subject, unit_key, rep_key):
    """The unit's 公章 (every bound certificate may apply it) and the legal representative's seal."""
    holder = pki_services.certificate_check(certificate=unit_key.pem)
    pki_services.certificate_bind(actor=actor, subject=subject, holder=holder, how="manual")
    unit_seal = services.seal_create_unit(actor=actor, subject=subject)
    assert unit_seal.certificates.get().fingerprint == holder.fingerprint
    rep_seal = services.seal_create_personal(
        actor=actor, subject=subject, name="张三", id_number=LEGAL_REP_ID, role="法定代表人"
    )
    services.seal_certificate_add(actor=actor, seal=rep_seal, certificate=rep_key.pem)
    return unit_seal, rep_seal


@pytest.fixture
def commitment(actor, subject):
    return commitment_create(actor, subject)


def _at(document: Document, place: str) -> services.Placement:
    return services.Placement(**spot_centre(document, place))


def prepare(actor, document, seal, key, place, opinion=""):
    return services.seal_request_prepare(
        actor=actor,
        session_hash=SESSION,
        document=document,
        seal=seal,
        certificate=key.pem,
        placement=_at(document, place),
        opinion=opinion,
    )


def finish(actor, pending, key):
    """The second half with `key`'s signature over the request's signed attributes."""
    signature = token_signature(key, bytes(pending.signed_attributes))
    return services.seal_request_finish(
        actor=actor, session_hash=SESSION, request_id=pending.pk, signature=signature
    )


def seal_with(actor, document, seal, key, place, opinion=""):
    pending = prepare(actor, document, seal, key, place, opinion)
    finish(actor, pending, key)
    document.refresh_from_db()
    return pending


@pytest.fixture
def sealed(actor, commitment, seals, unit_key, rep_key):
    unit_seal, rep_seal = seals
    seal_with(actor, commitment, unit_seal, unit_key, "unit", opinion="同意，以上承诺真实有效。")
    seal_with(actor, commitment, rep_seal, rep_key, "legal_representative")
    return commitment


# --- the happy path, and what others' verifiers say -----------------------------------------------


def test_unit_and_legal_representative_seals_both_stay_valid(sealed, unit_key):
    assert sealed.version == 3 and sealed.versions.count() == 3
    report = signing_verify.pdf_verify(bytes(sealed.pdf))
    assert report.ok, [c.problems for c in report.checks]
    assert report.summary == rules.ALL_VALID.format(count=2)
    unit_check, rep_check = report.checks
    assert (unit_check.signer_name, unit_check.signer_code) == ("衡阳示例建设工程有限公司", UNIT_CODE)
    assert (rep_check.signer_name, rep_check.signer_code) == ("张三", LEGAL_REP_ID)
    assert unit_check.opinion == "同意，以上承诺真实有效。"
    assert unit_check.time_trusted and unit_check.tsa_name
    assert abs(unit_check.signed_at - timezone.now()) < dt.timedelta(minutes=1)
    assert unit_check.algorithm == "rsa" and rep_check.algorithm == "p256"

    rows = list(Signature.objects.filter(document=sealed).order_by("version"))
    assert [r.version for r in rows] == [2, 3]
    assert rows[0].opinion == "同意，以上承诺真实有效。"
    assert rows[0].certificate_serial == pki_verify.serial_hex(issuing.serial_of(unit_key.pem))
    assert AuditEntry.objects.filter(action="signing.document_sealed").count() == 2
    # Each version contains the previous one byte for byte (incremental updates).
    versions = [bytes(v.pdf) for v in sealed.versions.order_by("number")]
    assert versions[2].startswith(versions[1]) and versions[1].startswith(versions[0])


def test_pyhanko_validator_accepts_both_seals_with_their_time_stamps(sealed, trusted, settings):
    roots = [x509.Certificate.load(ca.certificate) for ca in trusted.values()]
    reader = PdfFileReader(io.BytesIO(bytes(sealed.pdf)))
    assert len(reader.embedded_signatures) == 2
    for embedded in reader.embedded_signatures:
        status = validate_pdf_signature(
            embedded,
            ValidationContext(trust_roots=roots, allow_fetching=False),
            ts_validation_context=ValidationContext(trust_roots=tsa.tsa_roots(), allow_fetching=False),
        )
        assert status.intact and status.valid and status.trusted, status.pretty_print_details()
        assert status.timestamp_validity is not None and status.timestamp_validity.trusted
        assert status.bottom_line
    # PAdES B-LT: the chain and the issuers' CRLs travel with the document.
    dss = reader.root["/DSS"]
    assert len(dss["/Certs"]) >= 3 and len(dss["/CRLs"]) >= 1


def test_pdfsig_finds_both_seals_valid_and_trusted(sealed, trusted, tmp_path):
    path = tmp_path / "commitment.pdf"
    path.write_bytes(bytes(sealed.pdf))
    output = pdfsig(path, [ca.certificate for ca in trusted.values()], tmp_path)
    assert output.count("Signature Validation: Signature is Valid.") == 2, output
    assert output.count("Certificate Validation: Certificate is Trusted.") == 2, output
    assert "衡阳示例建设工程有限公司" in output and "张三" in output
    assert output.count("ETSI.CAdES.detached") == 2


def test_pdftoppm_shows_the_seal_where_it_was_placed(sealed):
    """The sealed last page, rendered by poppler; the unit seal's box is red, the page around it is not."""
    ARTIFACTS.mkdir(exist_ok=True)
    stem = ARTIFACTS / "sealed-commitment"
    path = stem.with_suffix(".pdf")
    path.write_bytes(bytes(sealed.pdf))
    spot = sealed.places["unit"]
    resolution = 72  # one pixel per point
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            str(resolution),
            "-f",
            str(spot["page"]),
            "-l",
            str(spot["page"]),
            "-singlefile",
            str(path),
            str(stem),
        ],
        check=True,
    )
    image = Image.open(stem.with_suffix(".png")).convert("RGB")
    height = image.height

    def red_share(x1: float, y1: float, x2: float, y2: float) -> float:
        box = image.crop((int(x1), int(height - y2), int(x2), int(height - y1)))
        pixels = list(box.get_flattened_data())
        return sum(1 for r, g, b in pixels if r > 150 and g < 110 and b < 110) / len(pixels)

    cx, cy = spot["x"] + spot["width"] / 2, spot["y"] + spot["height"] / 2
    half = rules.SEAL_BOX_MM * 72 / 25.4 / 2
    assert red_share(cx - half, cy - half, cx + half, cy + half) > 0.05
    assert red_share(0, 0, image.width, 40) == 0  # nothing red at the page's foot


# --- changed after sealing ----------------------------------------------------------------------


def test_a_byte_changed_inside_the_sealed_range_is_reported_as_changed(sealed):
    data = bytearray(bytes(sealed.pdf))
    target = data.index(b"/Producer")  # inside every byte range: the first revision's metadata
    data[target + 1 : target + 2] = b"Q"
    report = signing_verify.pdf_verify(bytes(data))
    assert not report.ok
    assert all(c.status == signing_verify.CHANGED for c in report.checks)
    assert rules.CHANGED_INSIDE in report.checks[0].problems


def test_content_added_after_sealing_is_reported_as_changed(sealed):
    writer = IncrementalPdfFileWriter(io.BytesIO(bytes(sealed.pdf)))
    page_ref = writer.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 700 Td (PAID) Tj ET")
    contents = page["/Contents"]
    existing = list(contents) if isinstance(contents, generic.ArrayObject) else [page.raw_get("/Contents")]
    page["/Contents"] = generic.ArrayObject([*existing, writer.add_object(stream)])
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    report = signing_verify.pdf_verify(out.getvalue())
    # Both seals still hold cryptographically; what changed after them is named.
    assert [c.status for c in report.checks] == [signing_verify.LATER, signing_verify.LATER]
    assert report.checks[-1].problems == [rules.CHANGED_AFTER_SEALING.format(what="第1页的页面内容")]


def test_not_a_pdf_is_refused_with_a_message():
    with pytest.raises(DomainError) as error:
        signing_verify.pdf_verify(b"hello, this is not a PDF")
    assert error.value.message == rules.NOT_A_PDF


# --- certificates: revoked, untrusted, not tied, SM2 ------------------------------------------


def _revoke(ca, pem: str, when: dt.datetime) -> None:
    crl = pkiparts.fresh_crl(ca, [(issuing.serial_of(pem), when)])
    issuer = TrustedIssuer.objects.get(slug="rsa" if ca.algorithm == "rsa" else "p256")
    pki_services.crl_install(issuer=issuer, data=crl, source="test")


def test_a_seal_made_before_revocation_stays_valid_and_says_so(sealed, trusted, unit_key):
    _revoke(trusted["rsa"], unit_key.pem, timezone.now() + dt.timedelta(seconds=1))
    later = timezone.now() + dt.timedelta(minutes=5)
    report = signing_verify.pdf_verify(bytes(sealed.pdf), now=later)
    unit_check = report.checks[0]
    assert unit_check.status == signing_verify.VALID
    assert any(note.startswith("签章人证书已于") for note in unit_check.notes)


def test_a_seal_by_a_certificate_revoked_before_it_sealed_is_invalid(sealed, trusted, unit_key):
    when = timezone.now() - dt.timedelta(days=1)
    _revoke(trusted["rsa"], unit_key.pem, when)
    unit_check = signing_verify.pdf_verify(bytes(sealed.pdf)).checks[0]
    assert unit_check.status == signing_verify.INVALID
    assert unit_check.problems == [
        pki_verify.REVOKED.format(when=pki_verify.local_time(when.replace(microsecond=0)))
    ]


def test_a_revoked_certificate_cannot_seal(actor, commitment, seals, trusted, unit_key):
    _revoke(trusted["rsa"], unit_key.pem, timezone.now() - dt.timedelta(hours=1))
    with pytest.raises(DomainError) as error:
        seal_with(actor, commitment, seals[0], unit_key, "unit")
    assert error.value.message.startswith("证书已于")
    assert not SealRequest.objects.exists()


def test_a_seal_by_an_untrusted_issuer_is_reported_as_such(trusted, commitment):
    stranger = issuing.make_ca("陌生CA", "p256")
    key = pkiparts.holder(stranger, name="冒名公司", code=UNIT_CODE)
    cert = pki_verify.load_certificate(key.pem)
    prepared = pdfsign.seal_prepare(
        pdf=bytes(commitment.pdf),
        certificate=cert,
        chain=[x509.Certificate.load(stranger.certificate)],
        algorithm="p256",
        image_png=_red_png(),
        page=1,
        box=(100, 100, 200, 200),
        field_name="seal-x",
        signer_name="冒名公司",
    )
    sealed_pdf = pdfsign.seal_finish(
        prepared=prepared,
        certificate=cert,
        chain=[x509.Certificate.load(stranger.certificate)],
        algorithm="p256",
        signature=token_signature(key, prepared.signed_attributes),
        timestamper=tsa.timestamper(),
    )
    (check,) = signing_verify.pdf_verify(sealed_pdf).checks
    assert check.status == signing_verify.INVALID
    assert pki_verify.UNTRUSTED_ISSUER.format(issuer="陌生CA") in check.problems


def _red_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (100, 100), (220, 20, 30, 255)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_certificate_not_tied_to_the_seal_cannot_apply_it(actor, commitment, seals, rep_key):
    unit_seal, _ = seals
    with pytest.raises(DomainError) as error:
        seal_with(actor, commitment, unit_seal, rep_key, "unit")
    assert error.value.message == rules.SEAL_CERT_NOT_ALLOWED.format(seal=unit_seal.name)


def test_only_the_holders_own_certificate_can_be_tied_to_a_personal_seal(actor, seals, unit_key):
    _, rep_seal = seals
    with pytest.raises(DomainError) as error:
        services.seal_certificate_add(actor=actor, seal=rep_seal, certificate=unit_key.pem)
    assert error.value.message == rules.SEAL_CERT_OTHER_HOLDER.format(code=UNIT_CODE, own=LEGAL_REP_ID)


def test_sm2_certificates_are_refused_with_the_reason(db, actor, commitment, seals, tmp_path):
    sm2 = issuing.make_ca("国密CA", "sm2")
    trust_cas = {"sm2": sm2}
    from democa.trust import trust_folder_write
    from pki.trust import trust_load

    trust_load(trust_folder_write(tmp_path / "sm2-trust", trust_cas))
    pki_services.crl_install(
        issuer=TrustedIssuer.objects.get(slug="sm2"), data=pkiparts.fresh_crl(sm2), source="t"
    )
    key = pkiparts.holder(sm2, name="衡阳示例建设工程有限公司", code=UNIT_CODE)
    unit_seal, _ = seals
    services.seal_certificate_add(actor=actor, seal=unit_seal, certificate=key.pem)
    with pytest.raises(DomainError) as error:
        seal_with(actor, commitment, unit_seal, key, "unit")
    assert error.value.message == pdfsign.SM2_NOT_SUPPORTED


# --- the second half refuses what it must -------------------------------------------------------


def test_a_signature_by_another_key_is_refused_and_nothing_is_saved(
    actor, commitment, seals, unit_key, rep_key
):
    pending = prepare(actor, commitment, seals[0], unit_key, "unit")
    with pytest.raises(DomainError) as error:
        finish(actor, pending, rep_key)
    assert error.value.message == rules.SIGNATURE_MISMATCH
    commitment.refresh_from_db()
    assert commitment.version == 1 and not Signature.objects.exists()


def test_a_request_is_finished_once_in_its_own_session_and_in_time(actor, commitment, seals, unit_key):
    pending = prepare(actor, commitment, seals[0], unit_key, "unit")
    signature = token_signature(unit_key, bytes(pending.signed_attributes))
    with pytest.raises(DomainError) as other:
        services.seal_request_finish(
            actor=actor, session_hash="b" * 64, request_id=pending.pk, signature=signature
        )
    assert other.value.message == rules.REQUEST_UNKNOWN
    # Time travel: the request's expiry moved into the past rather than waiting it out.
    SealRequest.objects.filter(pk=pending.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(DomainError) as late:
        services.seal_request_finish(
            actor=actor, session_hash=SESSION, request_id=pending.pk, signature=signature
        )
    assert late.value.message == rules.REQUEST_EXPIRED


def test_two_seals_prepared_on_one_version_cannot_both_land(actor, commitment, seals, unit_key, rep_key):
    first = prepare(actor, commitment, seals[0], unit_key, "unit")
    second = prepare(actor, commitment, seals[1], rep_key, "legal_representative")
    finish(actor, first, unit_key)
    with pytest.raises(DomainError) as error:
        finish(actor, second, rep_key)
    assert error.value.message == rules.DOCUMENT_CHANGED_MEANWHILE


def test_a_place_off_the_page_is_refused(actor, commitment, seals, unit_key):
    with pytest.raises(DomainError) as error:
        services.seal_request_prepare(
            actor=actor,
            session_hash=SESSION,
            document=commitment,
            seal=seals[0],
            certificate=unit_key.pem,
            placement=services.Placement(page=1, x=-5, y=100),
        )
    assert error.value.message == rules.PLACE_OUTSIDE
    with pytest.raises(DomainError) as error:
        services.seal_request_prepare(
            actor=actor,
            session_hash=SESSION,
            document=commitment,
            seal=seals[0],
            certificate=unit_key.pem,
            placement=services.Placement(page=9, x=100, y=100),
        )
    assert error.value.message == previews.NO_SUCH_PAGE.format(pages=commitment.pages, page=9)
