"""The platform's own RFC 3161 time-stamping authority (时间戳服务), and the time-stamper seals use.

A PAdES seal is only as good as the time it can prove, so every signature carries a signature
time-stamp from a TSA. Deployments may name any RFC 3161 TSA over HTTP (settings.GGZY_TSA_URL); with
none named, the platform's own TSA answers in-process, with the same `respond()` that serves
/signing/tsa/ to other deployments. The TSA's key and certificate live in settings.GGZY_TSA_DIR and
are made for the demo by `manage.py make_demo_tsa` (democa.tsa).

Replies follow RFC 3161 with the ESSCertIDv2 signing-certificate attribute of RFC 5816, and are
checked in the tests by pyHanko and by `openssl ts -verify`, two verifiers that share no code.
Bad requests get a rejection with the failInfo RFC 3161 names for them, never an exception: the
input comes from the network.

No Django at module level: settings are read inside the functions that need them, so the structures
and `respond()` can be used from a script or a benchmark.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from asn1crypto import algos, cms, core, pem, tsp, x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper

# The TSA policy under which our tokens are issued (TSTInfo.policy). 1.3.6.1.4.1.32473 is IANA's
# "Example Enterprise Number for Documentation Use" (RFC 5612): an arc that is clearly an example and
# can never collide with a real policy. A production TSA states its own policy, under its own
# organisation's arc, and sets it here.
POLICY_OID = "1.3.6.1.4.1.32473.1.1"

KEY_FILE = "tsa.key.pem"
CERT_FILE = "tsa.crt"
ROOT_FILE = "root.crt"
TSA_FILES = (KEY_FILE, CERT_FILE, ROOT_FILE)
TRUSTED_FOLDER = "trusted"
KEY_PASSWORD_ENV = "GGZY_TSA_KEY_PASSWORD"
ALGORITHMS = ("rsa", "p256")

# SHA-1 is refused (badAlg): a collision lets one token vouch for two documents.
DIGEST_SIZES = {"sha256": 32, "sha384": 48, "sha512": 64}

MISSING_FILE = "TSA file {path} is missing; create the demo TSA with `python manage.py make_demo_tsa`"


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def key_password() -> str:
    # Through settings (config.settings.env), so GGZY_TSA_KEY_PASSWORD_FILE works like every secret.
    from django.conf import settings

    return str(settings.GGZY_TSA_KEY_PASSWORD)


class Rejected(Exception):
    """A request the TSA will not stamp: becomes a `rejection` status, never leaves `respond()`."""

    def __init__(self, fail_info: str, text: str) -> None:
        super().__init__(text)
        self.fail_info = fail_info
        self.text = text


class TimeStampResp(tsp.TimeStampResp):
    """RFC 3161's TimeStampResp, whose timeStampToken is OPTIONAL: a rejection carries none.

    asn1crypto 1.5.1 marks the token as required, so it can neither write a rejection nor read one
    (wbond/asn1crypto#286, open); this is the same structure with the field optional.
    """

    _fields = [("status", tsp.PKIStatusInfo), ("time_stamp_token", cms.ContentInfo, {"optional": True})]


@dataclass
class TimeStampAuthority:
    """A TSA: its signing key, its certificate (EKU id-kp-timeStamping) and the chain it ships."""

    private_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    chain: list[x509.Certificate] = field(default_factory=list)
    policy: str = POLICY_OID
    clock: Callable[[], dt.datetime] = _utc_now

    def __post_init__(self) -> None:
        key = self.private_key
        if isinstance(key, ec.EllipticCurvePrivateKey) and not isinstance(key.curve, ec.SECP256R1):
            raise ValueError(f"TSA keys are RSA or ECDSA P-256, not {key.curve.name}")
        if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            raise ValueError(f"TSA keys are RSA or ECDSA P-256, not {type(key).__name__}")

    def respond(self, request_der: bytes) -> bytes:
        """The DER TimeStampResp for a DER TimeStampReq: a token, or a rejection saying why."""
        try:
            request = _parse_request(request_der)
            self._check(request)
            gen_time = self.clock().astimezone(dt.UTC).replace(microsecond=0)
            self._check_certificate_valid(gen_time)
        except Rejected as refusal:
            return _rejection(refusal).dump()
        token = self._token(request, gen_time)
        return TimeStampResp({"status": {"status": "granted"}, "time_stamp_token": token}).dump()

    # --- checks ---------------------------------------------------------------------------------

    def _check(self, request: tsp.TimeStampReq) -> None:
        if request["version"].native != "v1":
            raise Rejected("bad_request", "unsupported request version")
        imprint = request["message_imprint"]
        algorithm = imprint["hash_algorithm"]
        name = algorithm["algorithm"].native
        if name not in DIGEST_SIZES:
            raise Rejected("bad_alg", f"hash algorithm {name} is not accepted; use SHA-256, -384 or -512")
        # RFC 5754: the SHA-2 parameters are absent or NULL; anything else is another algorithm.
        if algorithm["parameters"].native is not None:
            raise Rejected("bad_alg", "unexpected hash algorithm parameters")
        if len(imprint["hashed_message"].native) != DIGEST_SIZES[name]:
            raise Rejected("bad_data_format", f"the message imprint is not a {name} digest")
        policy = request["req_policy"]
        if policy.native is not None and policy.dotted != self.policy:
            raise Rejected(
                "unaccepted_policy", f"policy {policy.dotted} is not offered; this TSA uses {self.policy}"
            )
        # RFC 3161 §2.4.1: an extension we do not know, critical or not, is refused.
        if request["extensions"].native:
            raise Rejected("unaccepted_extensions", "request extensions are not supported")

    def _check_certificate_valid(self, when: dt.datetime) -> None:
        # A token signed outside the certificate's validity is worthless to every verifier; saying so
        # now is kinder than handing it out.
        validity = self.certificate["tbs_certificate"]["validity"]
        if not validity["not_before"].native <= when <= validity["not_after"].native:
            raise Rejected("system_failure", "the TSA certificate is not valid at this time")

    # --- the token ------------------------------------------------------------------------------

    def _token(self, request: tsp.TimeStampReq, gen_time: dt.datetime) -> cms.ContentInfo:
        tst_info = self._tst_info(request, gen_time).dump()
        signed_attrs = cms.CMSAttributes(
            [
                _attribute("content_type", "tst_info"),
                _attribute("message_digest", hashlib.sha256(tst_info).digest()),
                _attribute("signing_certificate_v2", self._signing_certificate()),
            ]
        )
        signer = cms.SignerInfo(
            {
                "version": "v1",
                "sid": {
                    "issuer_and_serial_number": {
                        "issuer": self.certificate.issuer,
                        "serial_number": self.certificate.serial_number,
                    }
                },
                "digest_algorithm": {"algorithm": "sha256"},
                "signed_attrs": signed_attrs,
                "signature_algorithm": self._signature_algorithm(),
                # The signature covers the attributes' DER as a SET OF (RFC 5652 §5.4), which is how
                # asn1crypto dumps a CMSAttributes on its own.
                "signature": self._sign(signed_attrs.dump()),
            }
        )
        signed_data: dict[str, Any] = {
            # v3: the content is not id-data (RFC 5652 §5.1).
            "version": "v3",
            "digest_algorithms": [{"algorithm": "sha256"}],
            "encap_content_info": {
                "content_type": "tst_info",
                "content": core.ParsableOctetString(tst_info),
            },
            "signer_infos": [signer],
        }
        if request["cert_req"].native:
            signed_data["certificates"] = [self.certificate, *self.chain]
        return cms.ContentInfo({"content_type": "signed_data", "content": cms.SignedData(signed_data)})

    def _tst_info(self, request: tsp.TimeStampReq, gen_time: dt.datetime) -> tsp.TSTInfo:
        info: dict[str, Any] = {
            "version": "v1",
            "policy": self.policy,
            # Copied as received, so the parameters (absent or NULL) match the request byte for byte.
            "message_imprint": request["message_imprint"].copy(),
            # Unique without a counter to keep: 128 random bits (RFC 3161 allows up to 160).
            "serial_number": secrets.randbits(128) | 1,
            # Whole seconds, matching the stated accuracy; both pyHanko and OpenSSL read fractions too.
            "gen_time": gen_time,
            "accuracy": {"seconds": 1},
            # ordering is left out: its DEFAULT is false, and DER forbids encoding a default.
            "tsa": x509.GeneralName({"directory_name": self.certificate.subject}),
        }
        if request["nonce"].native is not None:
            info["nonce"] = request["nonce"].native
        return tsp.TSTInfo(info)

    def _signing_certificate(self) -> tsp.SigningCertificateV2:
        # RFC 5816: ESSCertIDv2, whose hashAlgorithm defaults to SHA-256 and is therefore omitted.
        return tsp.SigningCertificateV2(
            {
                "certs": [
                    {
                        "cert_hash": hashlib.sha256(self.certificate.dump()).digest(),
                        "issuer_serial": {
                            "issuer": [x509.GeneralName({"directory_name": self.certificate.issuer})],
                            "serial_number": self.certificate.serial_number,
                        },
                    }
                ]
            }
        )

    def _signature_algorithm(self) -> algos.SignedDigestAlgorithm:
        if isinstance(self.private_key, rsa.RSAPrivateKey):
            return algos.SignedDigestAlgorithm({"algorithm": "rsassa_pkcs1v15"})
        return algos.SignedDigestAlgorithm({"algorithm": "sha256_ecdsa"})

    def _sign(self, data: bytes) -> bytes:
        if isinstance(self.private_key, rsa.RSAPrivateKey):
            return self.private_key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        return self.private_key.sign(data, ec.ECDSA(hashes.SHA256()))


def _parse_request(request_der: bytes) -> tsp.TimeStampReq:
    try:
        request = tsp.TimeStampReq.load(request_der, strict=True)
        _ = request.native  # parse it all now, so a truncated request fails here and not later
    except Exception:  # asn1crypto raises many types for hostile input; all mean the same thing here
        raise Rejected("bad_data_format", "the request is not a DER TimeStampReq") from None
    return request


def _rejection(refusal: Rejected) -> TimeStampResp:
    return TimeStampResp(
        {
            "status": {
                "status": "rejection",
                "status_string": [refusal.text],
                "fail_info": tsp.PKIFailureInfo({refusal.fail_info}),
            }
        }
    )


def _attribute(name: str, value: Any) -> cms.CMSAttribute:
    return cms.CMSAttribute({"type": name, "values": [value]})


# --- files ---------------------------------------------------------------------------------------


def load_tsa(directory: Path) -> TimeStampAuthority:
    """The TSA kept in `directory`: tsa.key.pem (PKCS#8, encrypted if GGZY_TSA_KEY_PASSWORD is set),
    tsa.crt and root.crt."""
    key_pem, cert_pem, root_pem = (_read(directory / name) for name in TSA_FILES)
    password = key_password()
    try:
        key = serialization.load_pem_private_key(key_pem, password.encode() if password else None)
    except (TypeError, ValueError) as error:
        raise RuntimeError(
            f"cannot read {directory / KEY_FILE} ({error}); check {KEY_PASSWORD_ENV}"
        ) from None
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise RuntimeError(
            f"{directory / KEY_FILE} holds a {type(key).__name__}; the TSA signs with RSA or P-256"
        )
    certificate = _pem_certificates(cert_pem)[0]
    if _public_der(key) != certificate.public_key.dump():
        raise RuntimeError(f"{directory / KEY_FILE} is not the key of {directory / CERT_FILE}")
    try:
        return TimeStampAuthority(private_key=key, certificate=certificate, chain=_pem_certificates(root_pem))
    except ValueError as error:  # a curve the TSA does not sign with
        raise RuntimeError(f"{directory / KEY_FILE}: {error}") from None


def own_tsa() -> TimeStampAuthority:
    """Our TSA, from settings.GGZY_TSA_DIR; RuntimeError naming the fix when it is not set up."""
    from django.conf import settings

    directory = Path(settings.GGZY_TSA_DIR)
    return _cached_tsa(directory, _files_stamp(directory))


def _files_stamp(directory: Path) -> tuple[int, ...]:
    # Part of the cache key, so new files (make_demo_tsa --force) are picked up without a restart.
    paths = (directory / name for name in TSA_FILES)
    return tuple(path.stat().st_mtime_ns if path.exists() else 0 for path in paths)


@lru_cache(maxsize=8)
def _cached_tsa(directory: Path, stamp: tuple[int, ...]) -> TimeStampAuthority:
    return load_tsa(directory)


def tsa_roots() -> list[x509.Certificate]:
    """The certificates a verifier trusts for time-stamps.

    Our own root (GGZY_TSA_DIR/root.crt) when it exists, plus every certificate in the `*.crt` and
    `*.pem` files (PEM, several per file allowed, or DER) of GGZY_TSA_DIR/trusted/. A deployment that
    uses another TSA through GGZY_TSA_URL puts that TSA's root there.
    """
    from django.conf import settings

    directory = Path(settings.GGZY_TSA_DIR)
    files = [directory / ROOT_FILE] if (directory / ROOT_FILE).exists() else []
    trusted = directory / TRUSTED_FOLDER
    if trusted.is_dir():
        files += sorted(p for p in trusted.iterdir() if p.suffix in (".crt", ".pem") and p.is_file())
    return [cert for path in files for cert in _pem_certificates(path.read_bytes())]


def timestamper() -> TimeStamper:
    """The time-stamper seals use: the TSA at GGZY_TSA_URL, or our own answering in-process."""
    from django.conf import settings

    if settings.GGZY_TSA_URL:
        return RemoteTimeStamper(settings.GGZY_TSA_URL)
    return InProcessTimeStamper(own_tsa())


class InProcessTimeStamper(TimeStamper):
    """pyHanko's client talking to our TSA without a network hop: the same DER both ways."""

    def __init__(self, tsa: TimeStampAuthority) -> None:
        super().__init__()
        self.tsa = tsa

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        return TimeStampResp.load(self.tsa.respond(req.dump()))


class RemoteTimeStamper(HTTPTimeStamper):
    """pyHanko's HTTP client, reading the reply with our TimeStampResp.

    With asn1crypto's own class a TSA's refusal surfaces as "Field time_stamp_token is missing";
    with ours pyHanko raises TimestampRequestError carrying the TSA's status text and failInfo.
    """

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        response = await super().async_request_tsa_response(req)
        return TimeStampResp.load(response.dump())


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise RuntimeError(MISSING_FILE.format(path=path)) from None


def _pem_certificates(data: bytes) -> list[x509.Certificate]:
    if not pem.detect(data):
        return [x509.Certificate.load(data)]
    return [
        x509.Certificate.load(der)
        for kind, _, der in pem.unarmor(data, multiple=True)
        if kind == "CERTIFICATE"
    ]


def _public_der(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
