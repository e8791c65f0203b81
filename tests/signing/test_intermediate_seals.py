"""Seals by holders under an intermediate CA, with a hierarchy made by the OpenSSL command line
(root → intermediate → holder, keys in files): the CMS and the DSS carry the whole path and every
CA's CRL, so a reader that trusts only the root verifies the seal (poppler's pdfsig, pyHanko's
certificate validator checking revocation offline from the DSS), and the platform's own check gives
the same answer; a revocation of the intermediate before the seal undoes it, one after does not."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import io
import shutil

import pytest
from asn1crypto import cms, crl, pem, x509
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import CertificateValidator, ValidationContext

from core.audit import Actor
from pki import services as pki_services
from pki import verify as pki_verify
from pki.models import TrustedIssuer
from signing import rules as signing_rules
from signing import services, tsa
from signing import verify as signing_verify
from signing.models import SealRequest
from tests.factories import make_unit
from tests.pdftools import pdfsig
from tests.pki import opensslset
from tests.signing.conftest import commitment_create, spot_centre

SESSION = "b" * 64
LABELS = {"rsa": "RSA", "p256": "P-256"}


@pytest.fixture(scope="session")
def hierarchy(tmp_path_factory) -> opensslset.OpenSSLSet:
    """Per algorithm a root, an intermediate under it and a holder under that, with every CA's
    CRL, all by the openssl CLI."""
    make = opensslset.Builder(tmp_path_factory.mktemp("seal-hierarchy"), sm2=False)
    built = opensslset.OpenSSLSet(make.folder, False, make=make)
    for number, (algorithm, label) in enumerate(LABELS.items()):
        root = make.root(f"s-{algorithm}-root", f"签章根CA（{label}）", algorithm)
        middle = make.intermediate(root, f"s-{algorithm}-int", f"签章中级CA（{label}）")
        built.roots[algorithm], built.intermediates[algorithm] = root, middle
        built.good[algorithm] = make.leaf(
            middle, "holder", name=f"{label}中级签章有限公司", code=opensslset.uscc(f"MA4Q0000{number}")
        )
    built.crls = {ca.slug: make.crl(ca) for ca in [*built.roots.values(), *built.intermediates.values()]}
    return built


@pytest.fixture
def store(db, hierarchy):
    hierarchy.trust()
    return hierarchy


def _der(pem_text: str | bytes) -> bytes:
    data = pem_text.encode() if isinstance(pem_text, str) else pem_text
    return pem.unarmor(data)[2] if pem.detect(data) else data


def seal(leaf: opensslset.Leaf) -> bytes:
    """The unit's 公章 on an 诚信承诺书, through the services, signed with the holder's key file."""
    account = make_unit(name=leaf.name, code=leaf.code)
    actor = Actor(user=account, auth_method="certificate")
    holder = pki_services.certificate_check(certificate=leaf.pem)
    pki_services.certificate_bind(actor=actor, subject=account.subject, holder=holder, how="manual")
    unit_seal = services.seal_create_unit(actor=actor, subject=account.subject)
    document = commitment_create(actor, account.subject)
    pending = services.seal_request_prepare(
        actor=actor,
        session_hash=SESSION,
        document=document,
        seal=unit_seal,
        certificate=leaf.pem,
        placement=services.Placement(**spot_centre(document, "unit")),
    )
    # What the agent does: the token signs the DER of the signed attributes.
    signature = base64.b64decode(leaf.sign(bytes(pending.signed_attributes)))
    services.seal_request_finish(
        actor=actor, session_hash=SESSION, request_id=pending.pk, signature=signature
    )
    document.refresh_from_db()
    return bytes(document.pdf)


def revoke_intermediate(built: opensslset.OpenSSLSet, algorithm: str, when: dt.datetime) -> None:
    """The root's CRL, by `openssl ca -gencrl`, listing the intermediate as revoked at `when`, made
    from a copy of the root's database so the session's set stays as it was."""
    root, middle = built.roots[algorithm], built.intermediates[algorithm]
    assert built.make is not None
    work = built.folder / f"revoke-{algorithm}-{int(when.timestamp())}"
    shutil.copytree(root.folder / "db", work)
    serial = format(x509.Certificate.load(_der(middle.pem)).serial_number, "X")
    index = work / "index.txt"
    lines = []
    for line in index.read_text().splitlines():
        status, expiry, revoked, number, *rest = line.split("\t")
        if number.lstrip("0") == serial.lstrip("0"):
            # `openssl ca -revoke` would date it now; the index holds the date as a UTCTime.
            status, revoked = "R", when.astimezone(dt.UTC).strftime("%y%m%d%H%M%SZ")
        lines.append("\t".join([status, expiry, revoked, number, *rest]))
    index.write_text("\n".join(lines) + "\n")
    assert "R\t" in index.read_text()
    config = work / "ca.cnf"
    config.write_text(opensslset.CA_CNF.format(db=work, cert=root.cert_path, key=root.key_path, md="sha256"))
    out = work / "crl.pem"
    built.make.run("ca", "-config", config, "-gencrl", "-out", out)
    pki_services.crl_install(
        issuer=TrustedIssuer.objects.get(slug=root.slug), data=out.read_bytes(), source="openssl"
    )


def _root(built: opensslset.OpenSSLSet, algorithm: str) -> x509.Certificate:
    return x509.Certificate.load(_der(built.roots[algorithm].pem))


def _dss(pdf: bytes) -> tuple[set[bytes], set[bytes]]:
    dss = PdfFileReader(io.BytesIO(pdf)).root["/DSS"]
    certs = {bytes(stream.get_object().data) for stream in dss["/Certs"]}
    crls = {bytes(stream.get_object().data) for stream in dss["/CRLs"]}
    return certs, crls


def _cms_certificates(pdf: bytes) -> set[bytes]:
    embedded = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    signed_data: cms.SignedData = embedded.signed_data
    return {choice.chosen.dump() for choice in signed_data["certificates"]}


# --- what travels with the seal -------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["rsa", "p256"])
def test_cms_and_dss_carry_the_whole_path_and_every_crl_on_it(store, algorithm):
    root, middle = store.roots[algorithm], store.intermediates[algorithm]
    sealed = seal(store.good[algorithm])

    path = {_der(middle.pem), _der(root.pem)}
    assert path <= _cms_certificates(sealed)
    certs, crls = _dss(sealed)
    assert path | {_der(store.good[algorithm].pem)} <= certs
    # The intermediate's CRL covers the holder, the root's covers the intermediate.
    assert crls == {_der(store.crls[middle.slug]), _der(store.crls[root.slug])}
    assert {crl.CertificateList.load(der).issuer.dump() for der in crls} == {
        x509.Certificate.load(_der(ca.pem)).subject.dump() for ca in (root, middle)
    }


@pytest.mark.parametrize("algorithm", ["rsa", "p256"])
def test_a_reader_trusting_only_the_root_checks_revocation_from_the_dss_alone(store, algorithm):
    """Offline and strict: every certificate on the path needs its issuer's CRL, from the document."""
    sealed = seal(store.good[algorithm])
    certs, crls = _dss(sealed)
    context = ValidationContext(
        trust_roots=[_root(store, algorithm)],
        other_certs=[x509.Certificate.load(der) for der in certs],
        crls=list(crls),
        allow_fetching=False,
        revocation_mode="require",
    )
    holder = x509.Certificate.load(_der(store.good[algorithm].pem))
    path = asyncio.run(CertificateValidator(holder, validation_context=context).async_validate_usage(set()))
    assert [cert.subject.native["common_name"] for cert in path] == [
        store.roots[algorithm].name,
        store.intermediates[algorithm].name,
        store.good[algorithm].name,
    ]


@pytest.mark.parametrize("algorithm", ["rsa", "p256"])
def test_the_platform_pyhanko_and_pdfsig_trusting_only_the_root_all_find_the_seal_valid(
    store, algorithm, tmp_path
):
    sealed = seal(store.good[algorithm])

    check = signing_verify.pdf_verify(sealed).checks[0]
    assert check.status == signing_verify.VALID, check.problems
    assert (check.signer_code, check.issuer_name) == (
        store.good[algorithm].code,
        f"签章中级CA（{LABELS[algorithm]}）",
    )
    assert check.time_trusted and not check.notes

    embedded = PdfFileReader(io.BytesIO(sealed)).embedded_signatures[0]
    status = validate_pdf_signature(
        embedded,
        ValidationContext(trust_roots=[_root(store, algorithm)], allow_fetching=False),
        ts_validation_context=ValidationContext(trust_roots=tsa.tsa_roots(), allow_fetching=False),
    )
    assert status.bottom_line, status.pretty_print_details()

    path = tmp_path / "sealed.pdf"
    path.write_bytes(sealed)
    output = pdfsig(path, [_der(store.roots[algorithm].pem)], tmp_path)
    assert "Signature Validation: Signature is Valid." in output, output
    assert "Certificate Validation: Certificate is Trusted." in output, output


def test_the_sample_seal_of_the_detection_page_carries_the_path_too(store):
    leaf = store.good["p256"]
    pending = services.detect_request_prepare(
        session_hash=SESSION, certificate=leaf.pem, checked_at=timezone.now()
    )
    signature = base64.b64decode(leaf.sign(bytes(pending.signed_attributes)))
    account = make_unit(name=leaf.name, code=leaf.code)
    services.seal_request_finish(
        actor=Actor(user=account, auth_method="certificate"),
        session_hash=SESSION,
        request_id=pending.pk,
        signature=signature,
    )
    sample = bytes(SealRequest.objects.get(pk=pending.pk).result_pdf)
    root, middle = store.roots["p256"], store.intermediates["p256"]
    assert {_der(middle.pem), _der(root.pem)} <= _cms_certificates(sample)
    assert _der(store.crls[root.slug]) in _dss(sample)[1]


# --- the intermediate revoked ---------------------------------------------------------------------


def test_a_seal_whose_intermediate_was_revoked_before_it_is_invalid(store):
    sealed = seal(store.good["rsa"])
    when = timezone.now().replace(microsecond=0) - dt.timedelta(days=1)
    revoke_intermediate(store, "rsa", when)

    check = signing_verify.pdf_verify(sealed).checks[0]
    assert check.status == signing_verify.INVALID
    assert check.problems == [
        pki_verify.CA_REVOKED.format(
            name="签章中级CA（RSA）", when=pki_verify.local_time(when), parent="签章根CA（RSA）"
        )
    ]


def test_a_seal_made_before_its_intermediate_was_revoked_still_holds_and_says_so(store):
    sealed = seal(store.good["p256"])
    when = timezone.now().replace(microsecond=0) + dt.timedelta(minutes=1)
    revoke_intermediate(store, "p256", when)

    check = signing_verify.pdf_verify(sealed, now=when + dt.timedelta(minutes=5)).checks[0]
    assert check.status == signing_verify.VALID, check.problems
    assert check.notes == [
        signing_rules.CA_REVOKED_LATER.format(
            name="签章中级CA（P-256）", when=pki_verify.local_time(when), parent="签章根CA（P-256）"
        )
    ]


def test_pyhanko_in_the_platform_check_trusts_the_root_not_the_intermediate(store):
    """The platform's pyHanko context, as a reader's: the path runs from the holder through the
    intermediate up to the root, so the intermediate is a certificate on the path, not an anchor."""
    sealed = seal(store.good["rsa"])
    signer, stamps = signing_verify._contexts(signing_verify.pki_selectors.anchors(now=timezone.now()))
    embedded = PdfFileReader(io.BytesIO(sealed)).embedded_signatures[0]
    status = validate_pdf_signature(embedded, signer, ts_validation_context=stamps)

    assert status.trusted and status.validation_path is not None, status.pretty_print_details()
    path = [cert.dump() for cert in status.validation_path.iter_certs(include_root=True)]
    root, middle, holder = (
        _der(x.pem) for x in (store.roots["rsa"], store.intermediates["rsa"], store.good["rsa"])
    )
    assert path == [root, middle, holder]
