"""Certificate and signature checks: chain to a trusted issuer, validity, key usage, revocation.

Pure functions over asn1crypto structures, so the login view, the detection page and the benchmark
measure the same code. RSA and ECDSA go through cryptography; SM2-with-SM3 through gmssl_pyx, because
cryptography parses SM2 certificates but cannot verify SM2 signatures (DOMAIN.md §7).

What is signed at login binds the page's origin (which the agent reads from the browser's Origin
header, never from the page) and the server's single-use nonce, so a signature made for one site is
useless to another.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import gmssl_pyx
from asn1crypto import core, crl, pem, x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from core.errors import DomainError

SM2_CURVE = "1.2.156.10197.1.301"
SM3_WITH_SM2 = "1.2.156.10197.1.501"
SIGNED_TEXT_VERSION = "ggzy-signature-v1"

# Messages a person can act on; tests assert them.
NOT_A_CERTIFICATE = "无法读取证书，请确认选择的是数字证书（.cer/.crt/PEM）"
UNTRUSTED_ISSUER = "证书颁发机构「{issuer}」不在本平台的信任列表中，请使用平台支持的CA机构颁发的证书"
FORGED = "证书签名与颁发机构「{issuer}」不符，证书可能被篡改，不能使用"
EXPIRED = "证书已于{when}过期，请到CA机构办理证书更新（续期）后再使用"
NOT_YET_VALID = "证书尚未生效（生效时间{when}），请在生效后再使用或检查电脑时间"
IS_CA = "所选的是CA机构证书而不是持有人证书，请选择您本人或本单位的证书"
NOT_FOR_SIGNING = "此证书的密钥用法不允许数字签名（可能是加密证书），请选择USB Key中的签名证书"
REVOKED = "证书已于{when}被CA机构吊销，不能使用；如有疑问请联系CA机构"
CRL_MISSING = "暂时无法确认证书是否被吊销（颁发机构「{issuer}」的吊销列表{why}），请稍后再试或联系平台管理员"
NO_CODE = "证书中没有找到持有人的统一社会信用代码或身份证号，请联系CA机构核对证书信息"
BAD_SIGNATURE = "签名验证失败：签名与证书不匹配，请重新签名"
UNSUPPORTED_ALGORITHM = "不支持的签名算法：{name}"

CERT_ALGORITHMS = {"rsa": "RSA", "p256": "ECDSA P-256", "sm2": "SM2"}


def signed_text(*, origin: str, purpose: str, nonce: str) -> bytes:
    """The exact bytes the agent signs; the server rebuilds them rather than trusting the client's copy."""
    return f"{SIGNED_TEXT_VERSION}\norigin: {origin}\npurpose: {purpose}\nnonce: {nonce}\n".encode()


def load_certificate(data: bytes | str) -> x509.Certificate:
    raw = data.encode() if isinstance(data, str) else data
    try:
        if pem.detect(raw):
            _, _, raw = pem.unarmor(raw)
        cert = x509.Certificate.load(raw)
        _ = cert.native  # parse it all now, so a truncated certificate fails here and not later
    except (ValueError, TypeError, KeyError):
        raise DomainError(NOT_A_CERTIFICATE) from None
    return cert


def fingerprint(cert: x509.Certificate) -> str:
    return hashlib.sha256(cert.dump()).hexdigest()


def serial_hex(serial: int) -> str:
    return format(serial, "X")


def algorithm_of(cert: x509.Certificate) -> str:
    info = cert.public_key
    if info.algorithm == "rsa":
        return "rsa"
    curve = info["algorithm"]["parameters"].chosen.native if info.algorithm == "ec" else None
    if curve in ("secp256r1",):
        return "p256"
    if curve in (SM2_CURVE, "sm2p256v1"):
        return "sm2"
    raise DomainError(UNSUPPORTED_ALGORITHM.format(name=f"{info.algorithm} {curve or ''}".strip()))


def common_name(name: x509.Name) -> str:
    native = name.native
    return str(native.get("common_name") or native.get("organization_name") or name.human_friendly)


@lru_cache(maxsize=256)
def _public_key(spki_der: bytes) -> Any:
    return serialization.load_der_public_key(spki_der)


def verify_raw(cert: x509.Certificate, data: bytes, signature: bytes, algorithm_oid: str) -> bool:
    """Whether `signature` over `data` was made by the key of `cert`, with the named algorithm."""
    kind = algorithm_of(cert)
    if kind == "sm2":
        if algorithm_oid not in (SM3_WITH_SM2, "sm3_sm2"):
            return False
        point = cert.public_key["public_key"].native
        try:
            return bool(
                gmssl_pyx.sm2_verify(point[1:], data, signature, signer_id=gmssl_pyx.SM2_DEFAULT_SIGNER_ID)
            )
        except (ValueError, gmssl_pyx.InvalidValueError, gmssl_pyx.GmsslInnerError):
            return False
    digests: dict[str, hashes.HashAlgorithm] = {
        "sha256_rsa": hashes.SHA256(),
        "sha384_rsa": hashes.SHA384(),
        "sha512_rsa": hashes.SHA512(),
        "sha256_ecdsa": hashes.SHA256(),
        "sha384_ecdsa": hashes.SHA384(),
        "sha512_ecdsa": hashes.SHA512(),
    }
    digest = digests.get(algorithm_oid)
    if digest is None:
        raise DomainError(UNSUPPORTED_ALGORITHM.format(name=algorithm_oid))
    key = _public_key(cert.public_key.dump())
    try:
        if isinstance(key, rsa.RSAPublicKey) and algorithm_oid.endswith("_rsa"):
            key.verify(signature, data, padding.PKCS1v15(), digest)
        elif isinstance(key, ec.EllipticCurvePublicKey) and algorithm_oid.endswith("_ecdsa"):
            key.verify(signature, data, ec.ECDSA(digest))
        else:
            return False
    except InvalidSignature:
        return False
    return True


# What the agent's signature over the login text uses, per key algorithm.
LOGIN_SIGNATURE_ALGORITHM = {"rsa": "sha256_rsa", "p256": "sha256_ecdsa", "sm2": SM3_WITH_SM2}


def verify_signature(cert: x509.Certificate, data: bytes, signature: bytes) -> None:
    if not verify_raw(cert, data, signature, LOGIN_SIGNATURE_ALGORITHM[algorithm_of(cert)]):
        raise DomainError(BAD_SIGNATURE)


@dataclass(frozen=True)
class Anchor:
    """A trusted issuer as the checks need it. `revoked(serial)` answers from the issuer's current CRL
    (None when the CRL is missing or stale, with `crl_problem` saying which)."""

    key: Any  # the trust store's id for the issuer
    name: str
    certificate: x509.Certificate
    code_fields: tuple[str, ...]
    name_fields: tuple[str, ...]
    revoked: Callable[[int], dt.datetime | None]
    crl_problem: str = ""  # "尚未获取" / "已过期" — revocation cannot be decided


@dataclass(frozen=True)
class Holder:
    """A checked certificate and who holds it."""

    certificate: x509.Certificate
    anchor: Anchor
    fingerprint: str
    serial: str
    algorithm: str
    name: str
    code: str
    not_before: dt.datetime
    not_after: dt.datetime

    @property
    def pem(self) -> str:
        return pem.armor("CERTIFICATE", self.certificate.dump()).decode()

    @property
    def subject_text(self) -> str:
        return self.certificate.subject.human_friendly

    @property
    def issuer_text(self) -> str:
        return common_name(self.certificate.issuer)


def _issued_by(cert: x509.Certificate, anchor: Anchor) -> bool:
    if cert.issuer.dump() != anchor.certificate.subject.dump():
        return False
    wanted = cert.authority_key_identifier
    own = anchor.certificate.key_identifier
    return wanted is None or own is None or wanted == own


def find_anchor(cert: x509.Certificate, anchors: Iterable[Anchor]) -> Anchor:
    for anchor in anchors:
        if _issued_by(cert, anchor):
            return anchor
    raise DomainError(UNTRUSTED_ISSUER.format(issuer=common_name(cert.issuer)))


def local_time(moment: dt.datetime) -> str:
    # China Standard Time, the only one the platform's users read.
    return (moment + dt.timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")


def check_certificate(cert: x509.Certificate, anchors: Iterable[Anchor], *, at: dt.datetime) -> Holder:
    """Chain, validity, key usage and revocation, in the order a person would fix them; then the holder."""
    anchor = find_anchor(cert, anchors)
    signature_oid = cert["signature_algorithm"]["algorithm"].native
    if not verify_raw(
        anchor.certificate, cert["tbs_certificate"].dump(), cert["signature_value"].native, signature_oid
    ):
        raise DomainError(FORGED.format(issuer=anchor.name))
    validity = cert["tbs_certificate"]["validity"]
    not_before, not_after = validity["not_before"].native, validity["not_after"].native
    if at > not_after:
        raise DomainError(EXPIRED.format(when=local_time(not_after)))
    if at < not_before:
        raise DomainError(NOT_YET_VALID.format(when=local_time(not_before)))
    if cert.ca:
        raise DomainError(IS_CA)
    usage = cert.key_usage_value
    if usage is not None and not ({"digital_signature", "non_repudiation"} & set(usage.native)):
        raise DomainError(NOT_FOR_SIGNING)
    if anchor.crl_problem:
        raise DomainError(CRL_MISSING.format(issuer=anchor.name, why=anchor.crl_problem))
    revoked_at = anchor.revoked(cert.serial_number)
    # A revocation after `at` does not undo what the certificate signed before it (a seal's time).
    if revoked_at is not None and revoked_at <= at:
        raise DomainError(REVOKED.format(when=local_time(revoked_at)))
    code = holder_field(cert, anchor.code_fields)
    if not code:
        raise DomainError(NO_CODE)
    return Holder(
        certificate=cert,
        anchor=anchor,
        fingerprint=fingerprint(cert),
        serial=serial_hex(cert.serial_number),
        algorithm=algorithm_of(cert),
        name=holder_field(cert, anchor.name_fields) or common_name(cert.subject),
        code=code.strip().upper(),
        not_before=not_before,
        not_after=not_after,
    )


def holder_field(cert: x509.Certificate, fields: Iterable[str]) -> str:
    """The first value found among `subject:<attribute>` and `ext:<OID>` places (per issuer, DOMAIN.md §2)."""
    subject = cert.subject.native
    for place in fields:
        where, _, which = place.partition(":")
        if where == "subject":
            value = subject.get(which)
            if isinstance(value, list):
                value = value[0] if value else None
            if value:
                return str(value).strip()
        elif where == "ext":
            for extension in cert["tbs_certificate"]["extensions"]:
                if extension["extn_id"].dotted == which:
                    return _string_value(extension["extn_value"].contents)
    return ""


def _string_value(contents: bytes) -> str:
    # Vendors put the code in an OCTET STRING holding a UTF8String, PrintableString or IA5String,
    # and some put the bare characters; accept each.
    try:
        value = core.Asn1Value.load(contents).native
    except (ValueError, TypeError):
        value = None
    if isinstance(value, str):
        return value.strip()
    try:
        return contents.decode("utf-8").strip()
    except UnicodeDecodeError:
        return ""


# --- CRLs -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RevocationList:
    number: int | None
    this_update: dt.datetime
    next_update: dt.datetime | None
    revoked: list[tuple[int, dt.datetime]]
    der: bytes = b""


CRL_UNREADABLE = "吊销列表无法读取"
CRL_WRONG_ISSUER = "吊销列表不是由颁发机构「{issuer}」签发的"
CRL_FORGED = "吊销列表的签名不正确"


def load_crl(data: bytes, issuer: x509.Certificate, issuer_name: str) -> RevocationList:
    """Parses a CRL (DER or PEM) and checks that the issuer signed it."""
    try:
        if pem.detect(data):
            _, _, data = pem.unarmor(data)
        parsed = crl.CertificateList.load(data)
        tbs = parsed["tbs_cert_list"]
        _ = tbs.native  # parse it all now
    except (ValueError, TypeError, KeyError):
        raise DomainError(CRL_UNREADABLE) from None
    if tbs["issuer"].dump() != issuer.subject.dump():
        raise DomainError(CRL_WRONG_ISSUER.format(issuer=issuer_name))
    oid = parsed["signature_algorithm"]["algorithm"].native
    if not verify_raw(issuer, tbs.dump(), parsed["signature"].native, oid):
        raise DomainError(CRL_FORGED)
    revoked = [
        (entry["user_certificate"].native, entry["revocation_date"].native)
        for entry in (tbs["revoked_certificates"] or [])
    ]
    next_update = tbs["next_update"].native if tbs["next_update"] else None
    return RevocationList(
        number=parsed.crl_number_value.native if parsed.crl_number_value else None,
        this_update=tbs["this_update"].native,
        next_update=next_update,
        revoked=revoked,
        der=parsed.dump(),
    )
