"""Certificate and signature checks: chain to a trusted issuer, validity, key usage, revocation.

Pure functions over asn1crypto structures, so the login view, the detection page and the benchmark
measure the same code. RSA and ECDSA go through cryptography; SM2-with-SM3 through gmssl_pyx, because
cryptography parses SM2 certificates but cannot verify SM2 signatures (DOMAIN.md §7).

What is signed at login binds the page's origin (which the agent reads from the browser's Origin
header, never from the page) and the server's single-use nonce, so a signature made for one site is
useless to another.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import gmssl_pyx
from asn1crypto import core, crl, pem, x509
from cryptography import x509 as crypto_x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from django.utils import timezone

from core.errors import DomainError
from pki import checks
from registry import identifiers

SM2_CURVE = checks.SM2_CURVE
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
NOT_DER = "证书不是规范的DER编码（可能被重新编码或改动过），不能使用；请从USB Key或CA机构重新导出证书"
ALGORITHM_MISMATCH = "证书内外两处签名算法不一致，证书可能被改动过，不能使用；请从USB Key或CA机构重新导出证书"
TRAILING_DATA = "证书文件在证书之外还有多余的内容，可能被改动过；请重新导出证书，只提交证书本身"
PEM_OTHER_BLOCK = "证书文件中含有证书以外的内容（{kind}），请只提交证书；如包含私钥，请勿再发送给任何人"
ONE_CERTIFICATE = "此处只能使用一张证书，文件中有{count}张"
CHAIN_EXTRA = (
    "证书文件中附带的证书「{name}」不是本平台信任列表中此证书的上级CA证书，请只提交您本人或本单位的证书"
)
CA_EXPIRED = "颁发机构「{name}」的证书已于{when}过期，该机构签发的证书暂不能使用；请联系CA机构或平台管理员"
CA_NOT_YET_VALID = "颁发机构「{name}」的证书尚未生效（生效时间{when}），该机构签发的证书暂不能使用"
CA_REVOKED = (
    "颁发机构「{name}」的证书已于{when}被上级CA「{parent}」吊销，该机构签发的证书不能使用；请联系CA机构"
)
CA_FORGED = "颁发机构「{name}」的证书签名与上级CA「{parent}」不符，请联系平台管理员"
CODE_CHECK_DIGIT = (
    "证书中的持有人代码「{code}」校验位不正确，不是有效的统一社会信用代码或身份证号，请联系CA机构核对证书"
)
CODE_INVALID = (
    "证书中的持有人代码「{code}」不是有效的统一社会信用代码或身份证号（{why}），请联系CA机构核对证书"
)

CERT_ALGORITHMS = {"rsa": "RSA", "p256": "ECDSA P-256", "sm2": "SM2"}


def signed_text(*, origin: str, purpose: str, nonce: str) -> bytes:
    """The exact bytes the agent signs; the server rebuilds them rather than trusting the client's copy."""
    return f"{SIGNED_TEXT_VERSION}\norigin: {origin}\npurpose: {purpose}\nnonce: {nonce}\n".encode()


_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END ([A-Z0-9 ]+)-----", re.S)
_CERTIFICATE_LABELS = (b"CERTIFICATE", b"X509 CERTIFICATE")


def _der_blocks(raw: bytes) -> list[bytes]:
    """The certificates in a PEM text, refusing anything else in it: other blocks (a private key
    pasted along) and text before, between or after the blocks."""
    blocks, end = [], 0
    for match in _PEM_BLOCK.finditer(raw):
        if raw[end : match.start()].strip():
            raise DomainError(TRAILING_DATA)
        label, body, closing = match.groups()
        if label != closing:
            raise DomainError(NOT_A_CERTIFICATE)
        if label not in _CERTIFICATE_LABELS:
            raise DomainError(PEM_OTHER_BLOCK.format(kind=label.decode()))
        try:
            blocks.append(base64.b64decode(b"".join(body.split()), validate=True))
        except (binascii.Error, ValueError):
            raise DomainError(NOT_A_CERTIFICATE) from None
        end = match.end()
    if not blocks:
        raise DomainError(NOT_A_CERTIFICATE)
    if raw[end:].strip():
        raise DomainError(TRAILING_DATA)
    return blocks


def _parse_der(der: bytes) -> x509.Certificate:
    """One certificate in canonical DER. A BER or otherwise re-encoded copy has another SHA-256 and
    could pass for another certificate, so only the canonical encoding is accepted."""
    try:
        cert = x509.Certificate.load(der, strict=True)  # strict: no bytes after the certificate
        _ = cert.native  # parse it all now, so a truncated certificate fails here and not later
    except ValueError as error:
        if "trailing" in str(error).lower() or "extra data" in str(error).lower():
            raise DomainError(TRAILING_DATA) from None
        raise DomainError(NOT_A_CERTIFICATE) from None
    except (TypeError, KeyError):
        raise DomainError(NOT_A_CERTIFICATE) from None
    # RFC 5280 §4.1.1.2: the algorithm outside the signed part must be the one inside it. Only the
    # inside one is signed, so a copy with the outside one re-spelt (NULL parameters dropped, say)
    # would still verify while being other bytes.
    if cert["signature_algorithm"].dump() != cert["tbs_certificate"]["signature"].dump():
        raise DomainError(ALGORITHM_MISMATCH)
    # asn1crypto reads BER too; cryptography's parser takes DER only (minimal lengths, no
    # indefinite lengths, no encoded defaults), and does so ten times faster than re-encoding.
    try:
        crypto_x509.load_der_x509_certificate(der)
    except ValueError:
        raise DomainError(NOT_DER) from None
    return cert


def load_chain(data: bytes | str) -> tuple[x509.Certificate, list[x509.Certificate]]:
    """A holder's certificate and the CA certificates sent along with it (a PEM bundle, holder first).

    The extra certificates add no trust: check_certificate accepts them only when each is a CA
    certificate on the holder's path in the trust store, and refuses the whole file otherwise, so a
    bundle can never bring in a CA the platform does not already trust.
    """
    raw = data.encode() if isinstance(data, str) else data
    ders = _der_blocks(raw) if pem.detect(raw) else [raw]
    first, *rest = [_parse_der(der) for der in ders]
    return first, rest


def load_certificate(data: bytes | str) -> x509.Certificate:
    """Exactly one certificate, DER or PEM, in canonical DER and with nothing after it."""
    cert, rest = load_chain(data)
    if rest:
        raise DomainError(ONE_CERTIFICATE.format(count=len(rest) + 1))
    return cert


def fingerprint(cert: x509.Certificate) -> str:
    """SHA-256 of the certificate's DER (load_chain accepts canonical DER only)."""
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
    try:
        key = _public_key(cert.public_key.dump())
    except ValueError:  # a point off its curve, a malformed RSA key: no signature holds
        return False
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
    (None when the CRL is missing or stale, with `crl_problem` saying which).

    An intermediate CA names its issuer in the trust store as `parent` (whose CRL decides whether the
    intermediate itself is revoked); a root has none."""

    key: Any  # the trust store's id for the issuer
    name: str
    certificate: x509.Certificate
    code_fields: tuple[str, ...]
    name_fields: tuple[str, ...]
    revoked: Callable[[int], dt.datetime | None]
    crl_problem: str = ""  # "尚未获取" / "已过期" — revocation cannot be decided
    parent: Anchor | None = None
    policy: checks.KeyPolicy = field(default_factory=checks.KeyPolicy)

    @property
    def path(self) -> list[Anchor]:
        """This CA and those above it, up to the root."""
        chain: list[Anchor] = []
        anchor: Anchor | None = self
        while anchor is not None and anchor not in chain:
            chain.append(anchor)
            anchor = anchor.parent
        return chain


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
    # The platform's time (settings.TIME_ZONE, Asia/Shanghai), the only one its users read.
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@lru_cache(maxsize=256)
def signed_by(child_der: bytes, parent_der: bytes) -> bool:
    child, parent = x509.Certificate.load(child_der), x509.Certificate.load(parent_der)
    oid = child["signature_algorithm"]["algorithm"].native
    try:
        return verify_raw(parent, child["tbs_certificate"].dump(), child["signature_value"].native, oid)
    except (DomainError, ValueError):
        return False


def _check_path(anchor: Anchor, *, at: dt.datetime) -> None:
    """Every CA from the holder's issuer up to the root: a CA allowed to sign this deep, valid at `at`,
    signed by and not revoked by its own issuer in the trust store (RFC 5280 §6.1)."""
    for cas_below, ca in enumerate(anchor.path):
        checks.check_ca(ca.certificate, ca.name, cas_below=cas_below)
        validity = ca.certificate["tbs_certificate"]["validity"]
        not_before, not_after = validity["not_before"].native, validity["not_after"].native
        if at > not_after:
            raise DomainError(CA_EXPIRED.format(name=ca.name, when=local_time(not_after)))
        if at < not_before:
            raise DomainError(CA_NOT_YET_VALID.format(name=ca.name, when=local_time(not_before)))
        parent = ca.parent
        if parent is None:
            continue
        if not signed_by(ca.certificate.dump(), parent.certificate.dump()):
            raise DomainError(CA_FORGED.format(name=ca.name, parent=parent.name))
        if parent.crl_problem:
            raise DomainError(CRL_MISSING.format(issuer=parent.name, why=parent.crl_problem))
        revoked_at = parent.revoked(ca.certificate.serial_number)
        if revoked_at is not None and revoked_at <= at:
            raise DomainError(
                CA_REVOKED.format(name=ca.name, when=local_time(revoked_at), parent=parent.name)
            )


def _check_bundled(chain: Sequence[x509.Certificate], anchor: Anchor) -> None:
    on_path = {ca.certificate.dump() for ca in anchor.path}
    for extra in chain:
        if extra.dump() not in on_path:
            raise DomainError(CHAIN_EXTRA.format(name=common_name(extra.subject)))


def check_code(code: str) -> str:
    """The holder's code when it is a valid 统一社会信用代码 or 居民身份证号码 (DOMAIN.md §1)."""
    normal = identifiers.normalize_code(code)
    results = [identifiers.check_uscc(normal), identifiers.check_resident_id(normal)]
    if any(result.ok for result in results):
        return normal
    if len(normal) == 18 and any(result.error.startswith("第18位校验码") for result in results):
        raise DomainError(CODE_CHECK_DIGIT.format(code=code))
    likely = results[1] if normal[:17].isdigit() else results[0]
    raise DomainError(CODE_INVALID.format(code=code, why=likely.error))


def check_certificate(
    cert: x509.Certificate,
    anchors: Iterable[Anchor],
    *,
    at: dt.datetime,
    chain: Sequence[x509.Certificate] = (),
) -> Holder:
    """Chain, the CAs on the path, validity, key usage, key, revocation, in the order a person would
    fix them; then the holder. `chain` is what came in a PEM bundle after the holder's certificate."""
    anchor = find_anchor(cert, anchors)
    signature_oid = cert["signature_algorithm"]["algorithm"].native
    if not verify_raw(
        anchor.certificate, cert["tbs_certificate"].dump(), cert["signature_value"].native, signature_oid
    ):
        raise DomainError(FORGED.format(issuer=anchor.name))
    _check_bundled(chain, anchor)
    _check_path(anchor, at=at)
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
    checks.check_extended_key_usage(cert)
    oid = checks.unknown_critical(cert, also=anchor.code_fields)
    if oid:
        raise DomainError(checks.CRITICAL_UNKNOWN.format(oid=oid))
    algorithm = algorithm_of(cert)
    checks.check_public_key(cert, algorithm)
    anchor.policy.check(cert, algorithm, anchor.name)
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
        algorithm=algorithm,
        name=holder_field(cert, anchor.name_fields) or common_name(cert.subject),
        code=check_code(code.strip().upper()),
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
