"""Our RFC 3161 TSA, checked by two verifiers that share no code: pyHanko and `openssl ts -verify`.

Each TSA is real (keys and certificates made by make_demo_tsa in a temporary folder) and every
token goes through DER both ways, in-process or over HTTP. RSA and P-256 TSAs are both exercised.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from asn1crypto import cms, tsp, x509
from cryptography import x509 as cx509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.core.management import call_command
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.timestamps import HTTPTimeStamper, TimestampRequestError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
from pyhanko.sign.validation.status import TimestampSignatureStatus
from pyhanko_certvalidator import ValidationContext

from democa import tsa as demo_tsa
from signing import tsa
from signing.tsa_views import NOT_A_QUERY, NOT_SET_UP, TOO_LARGE

DATA = "公共资源交易 招标文件 第1版".encode()
openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="the openssl CLI is not installed")


@pytest.fixture(scope="module")
def tsa_dirs(tmp_path_factory) -> dict[str, Path]:
    """One demo TSA per key type, made once for the module (RSA key generation is the slow part)."""
    dirs = {}
    for algorithm in tsa.ALGORITHMS:
        dirs[algorithm] = tmp_path_factory.mktemp(f"tsa-{algorithm}")
        demo_tsa.make_demo_tsa(dirs[algorithm], algorithm=algorithm)
    return dirs


@pytest.fixture(params=tsa.ALGORITHMS)
def each_tsa_dir(request, settings, tsa_dirs) -> Path:
    """Our TSA as the settings name it, once with an RSA key and once with a P-256 key."""
    settings.GGZY_TSA_DIR = tsa_dirs[request.param]
    settings.GGZY_TSA_URL = ""
    return tsa_dirs[request.param]


@pytest.fixture
def rsa_tsa_dir(settings, tsa_dirs) -> Path:
    settings.GGZY_TSA_DIR = tsa_dirs["rsa"]
    settings.GGZY_TSA_URL = ""
    return tsa_dirs["rsa"]


def request_der(
    *,
    digest: bytes | None = None,
    algorithm: str = "sha256",
    nonce: int | None = None,
    cert_req: bool = True,
    policy: str | None = None,
    version: int = 1,
    extensions: list | None = None,
) -> bytes:
    spec: dict = {
        "version": version,
        "message_imprint": {
            "hash_algorithm": {"algorithm": algorithm},
            "hashed_message": hashlib.new(algorithm, DATA).digest() if digest is None else digest,
        },
        "cert_req": cert_req,
    }
    if nonce is not None:
        spec["nonce"] = nonce
    if policy is not None:
        spec["req_policy"] = policy
    if extensions is not None:
        spec["extensions"] = extensions
    return tsp.TimeStampReq(spec).dump()


def granted(response_der: bytes) -> tuple[cms.ContentInfo, tsp.TSTInfo]:
    response = tsa.TimeStampResp.load(response_der)
    assert response["status"]["status"].native == "granted", response["status"].native
    token = response["time_stamp_token"]
    return token, token["content"]["encap_content_info"]["content"].parsed


def validate_token(
    token: cms.ContentInfo, digest: bytes, roots: list[x509.Certificate]
) -> TimestampSignatureStatus:
    """pyHanko's own check of a time-stamp token, as it runs inside PDF signature validation."""
    context = ValidationContext(trust_roots=roots)
    kwargs = asyncio.run(validate_tst_signed_data(token["content"], context, lambda algorithm: digest))
    return TimestampSignatureStatus(**kwargs)


# --- pyHanko ---------------------------------------------------------------------------------------


def blank_pdf() -> bytes:
    writer = PdfFileWriter()
    contents = writer.add_object(generic.StreamObject(stream_data=b""))
    writer.insert_page(PageObject(contents=contents, media_box=[0, 0, 595, 842]))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def throwaway_signer(directory: Path) -> tuple[signers.SimpleSigner, x509.Certificate]:
    """A self-signed seal holder: the PDF signature is not what is tested here, its time-stamp is."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = cx509.Name([cx509.NameAttribute(NameOID.COMMON_NAME, "测试签章单位")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        cx509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(cx509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            cx509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
        )
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = directory / "signer.key.pem", directory / "signer.crt"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    signer = signers.SimpleSigner.load(str(key_file), str(cert_file))
    assert signer is not None
    return signer, x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def test_pyhanko_seals_a_pdf_with_our_timestamp_and_trusts_it(each_tsa_dir, tmp_path):
    stamper = tsa.timestamper()
    assert isinstance(stamper, tsa.InProcessTimeStamper)
    signer, signer_cert = throwaway_signer(tmp_path)
    sealed = signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(blank_pdf())),
        signers.PdfSignatureMetadata(field_name="Seal", subfilter=SigSeedSubFilter.PADES),
        signer=signer,
        timestamper=stamper,
    )

    embedded = PdfFileReader(sealed).embedded_signatures[0]
    status = validate_pdf_signature(
        embedded,
        signer_validation_context=ValidationContext(trust_roots=[signer_cert]),
        ts_validation_context=ValidationContext(trust_roots=tsa.tsa_roots()),
    )

    assert status.intact and status.valid
    assert status.timestamp_validity is not None
    assert status.timestamp_validity.intact and status.timestamp_validity.valid
    assert status.timestamp_validity.trusted
    assert status.timestamp_validity.timestamp.tzinfo is not None


def test_a_token_is_not_trusted_under_another_tsa_root(tsa_dirs, rsa_tsa_dir):
    digest = hashlib.sha256(DATA).digest()
    token = asyncio.run(tsa.timestamper().async_timestamp(digest, "sha256"))
    other_root = tsa._pem_certificates((tsa_dirs["p256"] / tsa.ROOT_FILE).read_bytes())

    assert validate_token(token, digest, tsa.tsa_roots()).trusted
    status = validate_token(token, digest, other_root)
    assert status.intact and not status.trusted


def test_a_token_for_other_data_is_not_intact(rsa_tsa_dir):
    digest = hashlib.sha256(DATA).digest()
    token = asyncio.run(tsa.timestamper().async_timestamp(digest, "sha256"))

    assert not validate_token(token, hashlib.sha256(b"other").digest(), tsa.tsa_roots()).intact


# --- OpenSSL -------------------------------------------------------------------------------------


def run_openssl(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run(["openssl", *map(str, args)], capture_output=True, text=True, check=False)


@openssl
@pytest.mark.parametrize(
    ("digest_option", "nonce_option"), [("-sha256", "-no_nonce"), ("-sha256", None), ("-sha512", None)]
)
def test_openssl_verifies_our_reply(each_tsa_dir, tmp_path, digest_option, nonce_option):
    data, query, reply = tmp_path / "data.bin", tmp_path / "q.tsq", tmp_path / "r.tsr"
    data.write_bytes(DATA)
    made = run_openssl(
        "ts",
        "-query",
        "-data",
        data,
        digest_option,
        "-cert",
        *([nonce_option] if nonce_option else []),
        "-out",
        query,
    )
    assert made.returncode == 0, made.stderr
    reply.write_bytes(tsa.own_tsa().respond(query.read_bytes()))
    root = each_tsa_dir / tsa.ROOT_FILE

    by_data = run_openssl("ts", "-verify", "-data", data, "-in", reply, "-CAfile", root)
    # -queryfile also compares the nonce, when the query has one.
    by_query = run_openssl("ts", "-verify", "-queryfile", query, "-in", reply, "-CAfile", root)
    assert by_data.returncode == 0 and "Verification: OK" in by_data.stdout, by_data.stderr
    assert by_query.returncode == 0 and "Verification: OK" in by_query.stdout, by_query.stderr


@openssl
def test_openssl_refuses_our_reply_for_other_data(rsa_tsa_dir, tmp_path):
    data, other, reply = tmp_path / "data.bin", tmp_path / "other.bin", tmp_path / "r.tsr"
    data.write_bytes(DATA)
    other.write_bytes(b"something else")
    reply.write_bytes(tsa.own_tsa().respond(request_der()))

    result = run_openssl(
        "ts", "-verify", "-data", other, "-in", reply, "-CAfile", rsa_tsa_dir / tsa.ROOT_FILE
    )
    assert result.returncode != 0


@openssl
def test_without_cert_req_the_token_carries_no_certificates(rsa_tsa_dir, tmp_path):
    """RFC 3161 §2.4.1: certificates only on request; OpenSSL then needs the TSA certificate given."""
    data, reply = tmp_path / "data.bin", tmp_path / "r.tsr"
    data.write_bytes(DATA)
    response = tsa.own_tsa().respond(request_der(cert_req=False))
    token, _ = granted(response)
    assert not token["content"]["certificates"]
    reply.write_bytes(response)

    root, cert = rsa_tsa_dir / tsa.ROOT_FILE, rsa_tsa_dir / tsa.CERT_FILE
    result = run_openssl("ts", "-verify", "-data", data, "-in", reply, "-CAfile", root, "-untrusted", cert)
    assert result.returncode == 0, result.stderr


# --- the token's contents ------------------------------------------------------------------------


def test_the_nonce_comes_back_and_the_serial_is_fresh(rsa_tsa_dir):
    authority = tsa.own_tsa()
    _, first = granted(authority.respond(request_der(nonce=0x1234_5678_9ABC_DEF0)))
    _, second = granted(authority.respond(request_der()))

    assert first["nonce"].native == 0x1234_5678_9ABC_DEF0
    assert second["nonce"].native is None
    assert first["serial_number"].native != second["serial_number"].native


def test_tst_info_fields(each_tsa_dir):
    fixed = dt.datetime.now(dt.UTC).replace(microsecond=987654)
    authority = tsa.own_tsa()
    authority = tsa.TimeStampAuthority(
        authority.private_key, authority.certificate, authority.chain, clock=lambda: fixed
    )
    token, info = granted(authority.respond(request_der(algorithm="sha384", policy=tsa.POLICY_OID)))

    assert info["version"].native == "v1"
    assert info["policy"].dotted == tsa.POLICY_OID
    assert info["message_imprint"]["hash_algorithm"]["algorithm"].native == "sha384"
    assert info["message_imprint"]["hashed_message"].native == hashlib.sha384(DATA).digest()
    assert info["gen_time"].native == fixed.replace(microsecond=0)
    assert info["accuracy"].native == {"seconds": 1, "millis": None, "micros": None}
    assert info["ordering"].native is False
    assert info["tsa"].chosen == authority.certificate.subject
    assert 0 < info["serial_number"].native < 2**128

    signed_data = token["content"]
    assert signed_data["encap_content_info"]["content_type"].native == "tst_info"
    # CertificateSet is a SET OF: DER sorts it, so compare without order.
    shipped = {c.chosen.dump() for c in signed_data["certificates"]}
    assert shipped == {c.dump() for c in [authority.certificate, *authority.chain]}
    attributes = {a["type"].native: a["values"][0] for a in signed_data["signer_infos"][0]["signed_attrs"]}
    assert set(attributes) == {"content_type", "message_digest", "signing_certificate_v2"}
    ess_cert_id = attributes["signing_certificate_v2"]["certs"][0]
    assert ess_cert_id["hash_algorithm"]["algorithm"].native == "sha256"
    assert ess_cert_id["cert_hash"].native == hashlib.sha256(authority.certificate.dump()).digest()


def test_no_token_outside_the_certificate_validity(rsa_tsa_dir):
    authority = tsa.own_tsa()
    later = authority.certificate["tbs_certificate"]["validity"]["not_after"].native + dt.timedelta(days=1)
    authority = tsa.TimeStampAuthority(authority.private_key, authority.certificate, clock=lambda: later)

    response = tsa.TimeStampResp.load(authority.respond(request_der()))
    assert response["status"]["status"].native == "rejection"
    assert response["status"]["fail_info"].native == {"system_failure"}


# --- bad requests ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_bytes", "fail_info"),
    [
        pytest.param(b"", "bad_data_format", id="empty"),
        pytest.param(b"\x30\x82\xff\xff garbage", "bad_data_format", id="garbage"),
        pytest.param(os.urandom(64), "bad_data_format", id="random"),
        pytest.param(request_der() + b"\x00", "bad_data_format", id="trailing-bytes"),
        pytest.param(request_der()[:-5], "bad_data_format", id="truncated"),
        pytest.param(request_der(algorithm="sha1"), "bad_alg", id="sha1"),
        pytest.param(request_der(algorithm="md5"), "bad_alg", id="md5"),
        pytest.param(request_der(digest=b"\x00" * 20), "bad_data_format", id="short-digest"),
        pytest.param(request_der(algorithm="sha512", digest=b"\x00" * 32), "bad_data_format", id="long-name"),
        pytest.param(request_der(policy="1.3.6.1.4.1.32473.9.9"), "unaccepted_policy", id="policy"),
        pytest.param(request_der(version=2), "bad_request", id="version"),
        pytest.param(
            request_der(extensions=[{"extn_id": "1.3.6.1.4.1.32473.7", "extn_value": b"\x05\x00"}]),
            "unaccepted_extensions",
            id="extension",
        ),
    ],
)
def test_bad_requests_are_rejected_not_raised(rsa_tsa_dir, request_bytes, fail_info):
    response = tsa.TimeStampResp.load(tsa.own_tsa().respond(request_bytes))

    assert response["status"]["status"].native == "rejection"
    assert response["status"]["fail_info"].native == {fail_info}
    assert response["status"]["status_string"].native
    assert not response["time_stamp_token"].native


def test_pyhanko_reports_a_rejection(rsa_tsa_dir):
    with pytest.raises(TimestampRequestError) as caught:
        asyncio.run(tsa.timestamper().async_timestamp(hashlib.sha1(DATA).digest(), "sha1"))
    assert "bad_alg" in str(caught.value)


# --- files, cache and the command ----------------------------------------------------------------


def test_demo_tsa_certificate_is_a_tsa_certificate(tsa_dirs):
    for algorithm, directory in tsa_dirs.items():
        cert = cx509.load_pem_x509_certificate((directory / tsa.CERT_FILE).read_bytes())
        eku = cert.extensions.get_extension_for_class(cx509.ExtendedKeyUsage)
        usage = cert.extensions.get_extension_for_class(cx509.KeyUsage).value
        assert eku.critical and list(eku.value) == [ExtendedKeyUsageOID.TIME_STAMPING]
        assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
        assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == demo_tsa.TSA_NAME
        assert cert.not_valid_after_utc - cert.not_valid_before_utc > dt.timedelta(days=9 * 365)
        key_type = rsa.RSAPublicKey if algorithm == "rsa" else ec.EllipticCurvePublicKey
        assert isinstance(cert.public_key(), key_type)
        assert (directory / tsa.KEY_FILE).stat().st_mode & 0o777 == 0o600


def test_make_demo_tsa_keeps_existing_files_unless_forced(tmp_path):
    demo_tsa.make_demo_tsa(tmp_path, algorithm="p256")
    first = (tmp_path / tsa.CERT_FILE).read_bytes()
    demo_tsa.make_demo_tsa(tmp_path, algorithm="p256")
    assert (tmp_path / tsa.CERT_FILE).read_bytes() == first
    demo_tsa.make_demo_tsa(tmp_path, algorithm="p256", force=True)
    assert (tmp_path / tsa.CERT_FILE).read_bytes() != first


def test_missing_files_name_the_command(tmp_path, settings):
    settings.GGZY_TSA_DIR = tmp_path
    with pytest.raises(RuntimeError, match=r"tsa\.key\.pem.*make_demo_tsa"):
        tsa.own_tsa()
    demo_tsa.make_demo_tsa(tmp_path, algorithm="p256")
    (tmp_path / tsa.ROOT_FILE).unlink()
    with pytest.raises(RuntimeError, match=r"root\.crt.*make_demo_tsa"):
        tsa.load_tsa(tmp_path)


def test_a_key_that_is_not_the_certificates_is_refused(tsa_dirs, tmp_path):
    for name in tsa.TSA_FILES:
        shutil.copy(tsa_dirs["rsa"] / name, tmp_path / name)
    shutil.copy(tsa_dirs["p256"] / tsa.KEY_FILE, tmp_path / tsa.KEY_FILE)

    with pytest.raises(RuntimeError, match="is not the key of"):
        tsa.load_tsa(tmp_path)


def test_key_password_from_the_settings(tmp_path, settings):
    # config/settings.py reads GGZY_TSA_KEY_PASSWORD (or its *_FILE) through env().
    settings.GGZY_TSA_KEY_PASSWORD = "演示口令"
    demo_tsa.make_demo_tsa(tmp_path, algorithm="p256")
    assert b"ENCRYPTED PRIVATE KEY" in (tmp_path / tsa.KEY_FILE).read_bytes()
    granted(tsa.load_tsa(tmp_path).respond(request_der()))

    settings.GGZY_TSA_KEY_PASSWORD = ""
    with pytest.raises(RuntimeError, match=tsa.KEY_PASSWORD_ENV):
        tsa.load_tsa(tmp_path)


def test_own_tsa_follows_the_settings_and_new_files(tsa_dirs, settings, tmp_path):
    settings.GGZY_TSA_DIR = tsa_dirs["rsa"]
    rsa_tsa = tsa.own_tsa()
    assert tsa.own_tsa() is rsa_tsa
    settings.GGZY_TSA_DIR = tsa_dirs["p256"]
    assert isinstance(tsa.own_tsa().private_key, ec.EllipticCurvePrivateKey)

    settings.GGZY_TSA_DIR = tmp_path
    demo_tsa.make_demo_tsa(tmp_path)
    before = tsa.own_tsa()
    demo_tsa.make_demo_tsa(tmp_path, force=True)
    # On a file system with coarse timestamps both writes could share an mtime; make it plain.
    os.utime(tmp_path / tsa.CERT_FILE, ns=(0, (tmp_path / tsa.CERT_FILE).stat().st_mtime_ns + 10**9))
    assert tsa.own_tsa().certificate != before.certificate


def test_tsa_roots_are_ours_and_the_trusted_folder(tsa_dirs, settings, tmp_path):
    trusted = tmp_path / tsa.TRUSTED_FOLDER
    trusted.mkdir()
    for name in tsa.TSA_FILES:
        shutil.copy(tsa_dirs["rsa"] / name, tmp_path / name)
    shutil.copy(tsa_dirs["p256"] / tsa.ROOT_FILE, trusted / "other-tsa.pem")
    (trusted / "notes.txt").write_text("not a certificate")
    settings.GGZY_TSA_DIR = tmp_path

    roots = tsa.tsa_roots()
    expected = [tsa_dirs["rsa"] / tsa.ROOT_FILE, tsa_dirs["p256"] / tsa.ROOT_FILE]
    assert [r.dump() for r in roots] == [tsa._pem_certificates(p.read_bytes())[0].dump() for p in expected]


def test_timestamper_uses_the_url_when_set(settings):
    settings.GGZY_TSA_URL = "https://tsa.example.org/tsr"
    stamper = tsa.timestamper()
    assert isinstance(stamper, HTTPTimeStamper) and stamper.url == "https://tsa.example.org/tsr"


def test_make_demo_tsa_command(settings, tmp_path):
    settings.GGZY_TSA_DIR = tmp_path / "tsa"
    out = io.StringIO()
    call_command("make_demo_tsa", "--algorithm", "p256", stdout=out)
    assert "created a p256 TSA" in out.getvalue() and str(tmp_path / "tsa") in out.getvalue()
    assert isinstance(tsa.own_tsa().private_key, ec.EllipticCurvePrivateKey)

    out = io.StringIO()
    call_command("make_demo_tsa", stdout=out)
    assert "kept the existing TSA" in out.getvalue()


# --- over HTTP -----------------------------------------------------------------------------------

QUERY = "application/timestamp-query"


@pytest.mark.urls("tests.signing.tsa_urls")
def test_view_answers_a_query(client, rsa_tsa_dir):
    response = client.post("/signing/tsa/", request_der(nonce=42), content_type=QUERY)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/timestamp-reply"
    _, info = granted(response.content)
    assert info["nonce"].native == 42


@pytest.mark.urls("tests.signing.tsa_urls")
def test_view_answers_garbage_with_a_rejection(client, rsa_tsa_dir):
    response = client.post("/signing/tsa/", b"not a request", content_type=QUERY)

    assert response.status_code == 200
    assert tsa.TimeStampResp.load(response.content)["status"]["status"].native == "rejection"


@pytest.mark.urls("tests.signing.tsa_urls")
def test_view_refuses_what_is_not_a_query(client, rsa_tsa_dir):
    assert client.get("/signing/tsa/").status_code == 405
    wrong_type = client.post("/signing/tsa/", request_der(), content_type="application/octet-stream")
    assert wrong_type.status_code == 415 and wrong_type.content.decode() == NOT_A_QUERY
    too_big = client.post("/signing/tsa/", b"\x30" * (64 * 1024 + 1), content_type=QUERY)
    assert too_big.status_code == 413 and too_big.content.decode() == TOO_LARGE


@pytest.mark.urls("tests.signing.tsa_urls")
def test_view_says_when_the_tsa_is_not_set_up(client, settings, tmp_path):
    settings.GGZY_TSA_DIR = tmp_path / "nothing-here"

    response = client.post("/signing/tsa/", request_der(), content_type=QUERY)
    assert response.status_code == 503 and response.content.decode() == NOT_SET_UP


@pytest.mark.django_db(transaction=True)
@pytest.mark.urls("tests.signing.tsa_urls")
def test_http_round_trip_with_pyhankos_client(live_server, settings, each_tsa_dir):
    """pyHanko's HTTPTimeStamper (aiohttp) against the view on a real server socket."""
    settings.GGZY_TSA_URL = f"{live_server.url}/signing/tsa/"
    stamper = tsa.timestamper()
    assert isinstance(stamper, HTTPTimeStamper)
    digest = hashlib.sha256(DATA).digest()

    token = asyncio.run(stamper.async_timestamp(digest, "sha256"))

    status = validate_token(token, digest, tsa.tsa_roots())
    assert status.intact and status.valid and status.trusted
    # A refusal reaches pyHanko's caller as its own error, with the TSA's reason.
    with pytest.raises(TimestampRequestError, match="bad_alg"):
        asyncio.run(stamper.async_timestamp(hashlib.sha1(DATA).digest(), "sha1"))
