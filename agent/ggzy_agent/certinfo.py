"""What the agent says about a certificate, and how it checks a signature against one."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import gmssl_pyx
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID

EC_PUBLIC_KEY = "1.2.840.10045.2.1"
SM2_CURVE = "1.2.156.10197.1.301"
P256_CURVE = "1.2.840.10045.3.1.7"
RSA_ENCRYPTION = "1.2.840.113549.1.1.1"
ALGORITHMS = ("rsa", "p256", "sm2")
# The algorithm names a signature carries back to the web page.
SIGNATURE_ALGORITHMS = {"rsa": "SHA256withRSA", "p256": "SHA256withECDSA", "sm2": "SM3withSM2"}


class UnsupportedCertificate(ValueError):
    """A certificate whose key the agent cannot sign with (e.g. RSA-less, P-384, DSA)."""


@dataclass(frozen=True)
class CertificateInfo:
    id: str
    der: bytes
    subject: str
    issuer: str
    serial: str
    not_before: str
    not_after: str
    algorithm: str
    label: str
    issuer_label: str

    @property
    def pem(self) -> str:
        return pem.armor("CERTIFICATE", self.der).decode("ascii")

    def as_json(self) -> dict[str, str]:
        return {
            "id": self.id,
            "pem": self.pem,
            "subject": self.subject,
            "issuer": self.issuer,
            "serial": self.serial,
            "not_before": self.not_before,
            "not_after": self.not_after,
            "algorithm": self.algorithm,
            "label": self.label,
        }


def certificate_id(der: bytes) -> str:
    return "sha256:" + hashlib.sha256(der).hexdigest()[:32]


def to_der(data: bytes) -> bytes:
    """A certificate as DER, whether it came as PEM or DER."""
    if pem.detect(data):
        _, _, der = pem.unarmor(data)
        return der
    return data


def key_algorithm(der: bytes) -> str:
    """rsa, p256 or sm2, read from the SubjectPublicKeyInfo with asn1crypto.

    cryptography parses SM2 certificates but refuses their public keys, so the curve OID is read here.
    """
    spki = asn1_x509.Certificate.load(der)["tbs_certificate"]["subject_public_key_info"]
    oid = spki["algorithm"]["algorithm"].dotted
    if oid == RSA_ENCRYPTION:
        return "rsa"
    if oid == SM2_CURVE:  # some vendors put the SM2 OID in place of id-ecPublicKey
        return "sm2"
    if oid == EC_PUBLIC_KEY:
        parameters = spki["algorithm"]["parameters"]
        curve = parameters.chosen.dotted if parameters.name == "named" else None
        if curve == P256_CURVE:
            return "p256"
        if curve == SM2_CURVE:
            return "sm2"
        raise UnsupportedCertificate(f"不支持的椭圆曲线：{curve or '显式参数'}")
    raise UnsupportedCertificate(f"不支持的公钥算法：{oid}")


def _common_name(name: x509.Name) -> str:
    names = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else name.rfc4514_string()


def _iso(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def describe(data: bytes) -> CertificateInfo:
    """Parses a certificate (PEM or DER); raises ValueError when it is not one the agent can use."""
    der = to_der(data)
    cert = x509.load_der_x509_certificate(der)
    return CertificateInfo(
        id=certificate_id(der),
        der=der,
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        serial=format(cert.serial_number, "X"),
        not_before=_iso(cert.not_valid_before_utc),
        not_after=_iso(cert.not_valid_after_utc),
        algorithm=key_algorithm(der),
        label=_common_name(cert.subject),
        issuer_label=_common_name(cert.issuer),
    )


def sm2_public_key(der: bytes) -> bytes:
    """The 64-byte x||y of an SM2 certificate's public key, as gmssl_pyx wants it."""
    point = asn1_x509.Certificate.load(der)["tbs_certificate"]["subject_public_key_info"]["public_key"].native
    return gmssl_pyx.normalize_sm2_public_key(point[1:] if len(point) == 65 else point)


def verify(info: CertificateInfo, data: bytes, signature: bytes) -> bool:
    """True if signature is the certificate holder's signature over data, in the agent's formats."""
    if info.algorithm == "sm2":
        try:
            return bool(
                gmssl_pyx.sm2_verify(
                    sm2_public_key(info.der), data, signature, signer_id=gmssl_pyx.SM2_DEFAULT_SIGNER_ID
                )
            )
        except (gmssl_pyx.InvalidValueError, gmssl_pyx.GmsslInnerError, ValueError):
            return False
    public_key = x509.load_der_x509_certificate(info.der).public_key()
    try:
        if isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        else:
            return False
    except (InvalidSignature, ValueError):
        return False
    return True
