"""What RFC 5280 asks of each certificate on a path, beyond its signature and dates.

Pure functions over asn1crypto certificates, used by pki.verify.check_certificate for the holder's
certificate and for every CA certificate between it and the trust anchor, and by pki.trust when a
CA is loaded into the trust store.

- Extensions (RFC 5280 §4.2): a certificate with a critical extension we do not process is refused,
  so the list of extensions we process is explicit (RECOGNISED_EXTENSIONS). Name constraints,
  policy constraints and inhibitAnyPolicy are not processed here, so when critical they refuse.
- Extended key usage (§4.2.1.12): when present on the holder's certificate it must allow a use this
  platform makes of it (client login, signing documents, e-mail/document protection).
- CA constraints (§4.2.1.9, §4.2.1.3): every CA on the path has cA true, keyCertSign when key usage
  is present, and a pathLenConstraint no smaller than the number of CAs below it.
- Public keys: an elliptic-curve point must lie on its curve and an RSA key must load, or a
  signature check would fail with a server error instead of a message.
- Key policy: each issuer says the least RSA size and whether key usage must be present.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from asn1crypto import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from core.errors import DomainError

SM2_CURVE = "1.2.156.10197.1.301"

# --- messages (tests assert them) --------------------------------------------------------------

CRITICAL_UNKNOWN = "证书含有本平台无法处理的关键扩展（OID {oid}），按RFC 5280不能使用；请联系CA机构"
CA_CRITICAL_UNKNOWN = (
    "颁发机构「{name}」的证书含有本平台无法处理的关键扩展（OID {oid}），按RFC 5280不能使用；请联系平台管理员"
)
WRONG_EKU = (
    "此证书的扩展密钥用法（{usages}）不允许用于身份认证或签名（可能是服务器证书），"
    "请使用CA机构颁发的个人或单位签名证书"
)
BAD_PUBLIC_KEY = "证书中的公钥无效（{why}），证书可能被篡改或制作有误，不能使用；请联系CA机构"
KEY_TOO_SHORT = (
    "证书的RSA密钥只有{bits}位，颁发机构「{issuer}」在本平台要求至少{minimum}位，请到CA机构更换证书"
)
NO_KEY_USAGE = "证书没有密钥用法扩展，颁发机构「{issuer}」在本平台要求证书注明密钥用法，请到CA机构更换证书"
ALGORITHM_NOT_ALLOWED = "颁发机构「{issuer}」在本平台不接受{algorithm}算法的证书，请使用该机构其他算法的证书"
CA_NOT_CA = "颁发机构「{name}」的证书不是CA证书（{why}），不能用来签发证书；请联系平台管理员"
CA_PATH_LENGTH = (
    "颁发机构「{name}」的证书限制其下最多{limit}级下级CA，此证书的颁发路径超过了这个限制，不能使用"
)

POINT_OFF_CURVE = "椭圆曲线公钥点不在曲线上"
POINT_FORMAT = "椭圆曲线公钥点的格式不正确"
RSA_UNREADABLE = "RSA公钥无法读取"
KEY_UNREADABLE = "公钥无法读取"

# --- extensions --------------------------------------------------------------------------------

# The extensions this platform processes (asn1crypto names, or dotted OIDs for vendors' own).
RECOGNISED_EXTENSIONS = frozenset(
    {
        "basic_constraints",  # checked on every CA and on the holder (IS_CA)
        "key_usage",  # checked here and in check_certificate
        "extended_key_usage",  # checked on the holder below
        "key_identifier",  # subjectKeyIdentifier: chain building
        "authority_key_identifier",  # chain building
        "subject_alt_name",  # informational: the holder's code lives elsewhere (DOMAIN.md §2)
        "issuer_alt_name",
        "certificate_policies",  # no policy is required of a holder, so any policy is accepted
        "crl_distribution_points",  # CRLs are configured per issuer in the trust store
        "freshest_crl",
        "authority_information_access",
        "subject_information_access",
        "subject_directory_attributes",
        "1.2.156.10260.4.1.1",  # GM/T 0015: identity card number
        "1.2.156.10260.4.1.2",
        "1.2.156.10260.4.1.3",  # business registration number
        "1.2.156.10260.4.1.4",  # organisation code / 统一社会信用代码
        "1.2.156.10260.4.1.5",  # tax number
        "1.2.86.11.7.1",  # older RSA certificates: the same items
        "1.2.86.11.7.3",
        "1.2.86.11.7.4",
        "1.2.86.11.7.5",
    }
)

# Extended key usages that fit what the platform does with a certificate: log in (client auth),
# sign documents and seals (code/document signing, e-mail protection as pdfsig wants it).
ACCEPTED_EKUS = frozenset(
    {
        "client_auth",  # 1.3.6.1.5.5.7.3.2
        "email_protection",  # 1.3.6.1.5.5.7.3.4
        "code_signing",  # 1.3.6.1.5.5.7.3.3
        "any_extended_key_usage",  # 2.5.29.37.0
        "1.3.6.1.5.5.7.3.36",  # id-kp-documentSigning (RFC 9336)
        "1.3.6.1.4.1.311.10.3.12",  # Microsoft document signing
        "1.2.840.113583.1.1.5",  # Adobe Authentic Documents Trust
        "1.3.6.1.4.1.311.20.2.2",  # Microsoft smart-card logon
    }
)


def _extension_names(cert: x509.Certificate) -> list[tuple[str, str, bool]]:
    """(asn1crypto name or dotted OID, dotted OID, critical) for each extension."""
    found = []
    for extension in cert["tbs_certificate"]["extensions"]:
        extn_id = extension["extn_id"]
        found.append((extn_id.native, extn_id.dotted, bool(extension["critical"].native)))
    return found


def unknown_critical(cert: x509.Certificate, also: Iterable[str] = ()) -> str | None:
    """The OID of the first critical extension not processed here, if any."""
    known = RECOGNISED_EXTENSIONS | {place[4:] for place in also if place.startswith("ext:")}
    for name, dotted, critical in _extension_names(cert):
        if critical and name not in known and dotted not in known:
            return dotted
    return None


def check_extended_key_usage(cert: x509.Certificate) -> None:
    usage = cert.extended_key_usage_value
    if usage is None:
        return
    # asn1crypto gives a name for usages it knows and the dotted OID for the rest.
    wanted = {oid.native for oid in usage} | {oid.dotted for oid in usage}
    if not wanted & ACCEPTED_EKUS:
        raise DomainError(WRONG_EKU.format(usages="、".join(str(oid.native) for oid in usage)))


def ca_problem(cert: x509.Certificate) -> str:
    """Why this certificate cannot issue certificates (empty when it can)."""
    if not cert.ca:
        return "基本约束中cA不为真"
    usage = cert.key_usage_value
    if usage is not None and "key_cert_sign" not in usage.native:
        return "密钥用法中没有证书签名（keyCertSign）"
    return ""


def check_ca(cert: x509.Certificate, name: str, *, cas_below: int) -> None:
    """A CA on the path: a CA, with `cas_below` CA certificates between it and the holder."""
    why = ca_problem(cert)
    if why:
        raise DomainError(CA_NOT_CA.format(name=name, why=why))
    oid = unknown_critical(cert)
    if oid:
        raise DomainError(CA_CRITICAL_UNKNOWN.format(name=name, oid=oid))
    limit = cert.max_path_length
    if limit is not None and cas_below > limit:
        raise DomainError(CA_PATH_LENGTH.format(name=name, limit=limit))


# --- public keys -------------------------------------------------------------------------------

# SM2 recommended curve (GB/T 32918.5): y^2 = x^3 + ax + b over F_p, cofactor 1.
SM2_P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
SM2_A = SM2_P - 3
SM2_B = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93


def sm2_point_problem(point: bytes) -> str:
    """Why an SM2 public point (uncompressed, as certificates carry it) is unusable; empty if fine."""
    if len(point) != 65 or point[0] != 0x04:
        return POINT_FORMAT
    x, y = int.from_bytes(point[1:33], "big"), int.from_bytes(point[33:], "big")
    if x >= SM2_P or y >= SM2_P:
        return POINT_OFF_CURVE
    if (y * y - (x * x * x + SM2_A * x + SM2_B)) % SM2_P:
        return POINT_OFF_CURVE
    return ""  # on the curve; with cofactor 1 that is also the right group, and not the identity


def public_key_problem(cert: x509.Certificate, algorithm: str) -> str:
    """Why the certificate's public key cannot be used (empty when it can)."""
    info = cert.public_key
    if algorithm == "sm2":
        try:
            point = info["public_key"].native
        except (ValueError, TypeError):
            return POINT_FORMAT
        return sm2_point_problem(point if isinstance(point, bytes) else b"")
    try:
        # cryptography checks that an EC point is on its curve and that an RSA key is well formed.
        serialization.load_der_public_key(info.dump())
    except (ValueError, TypeError):
        return {"rsa": RSA_UNREADABLE, "p256": POINT_OFF_CURVE}.get(algorithm, KEY_UNREADABLE)
    return ""


def check_public_key(cert: x509.Certificate, algorithm: str) -> None:
    why = public_key_problem(cert, algorithm)
    if why:
        raise DomainError(BAD_PUBLIC_KEY.format(why=why))


def rsa_bits(cert: x509.Certificate) -> int:
    key = serialization.load_der_public_key(cert.public_key.dump())
    return key.key_size if isinstance(key, rsa.RSAPublicKey) else 0


# --- the key policy of an issuer ---------------------------------------------------------------


@dataclass(frozen=True)
class KeyPolicy:
    """What an issuer's holders' keys must be on this platform (TrustedIssuer's policy fields)."""

    min_rsa_bits: int = 2048
    require_key_usage: bool = True
    algorithms: tuple[str, ...] = ()  # empty: any the platform supports

    def check(self, cert: x509.Certificate, algorithm: str, issuer: str) -> None:
        if self.algorithms and algorithm not in self.algorithms:
            names = {"rsa": "RSA", "p256": "ECDSA P-256", "sm2": "SM2"}
            raise DomainError(ALGORITHM_NOT_ALLOWED.format(issuer=issuer, algorithm=names[algorithm]))
        if algorithm == "rsa":
            bits = rsa_bits(cert)
            if bits < self.min_rsa_bits:
                raise DomainError(KEY_TOO_SHORT.format(bits=bits, issuer=issuer, minimum=self.min_rsa_bits))
        if self.require_key_usage and cert.key_usage_value is None:
            raise DomainError(NO_KEY_USAGE.format(issuer=issuer))
