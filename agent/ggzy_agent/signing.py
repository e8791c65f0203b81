"""What the agent signs: a text it builds itself, or the signed attributes of a PDF seal.

For login, binding and detection the agent signs a text it builds itself, binding the asking site
and the server's nonce.
The page never supplies the message. It names a purpose and passes on the nonce its server issued;
the origin comes from the browser's Origin header, which a page cannot forge. A signature made for
one site therefore cannot be replayed to another, nor reused on the same site once the nonce is
spent. The server rebuilds this text byte for byte and verifies the signature over it.

For a seal (purpose "seal") the page passes the CMS signed attributes of a PDF signature. The agent
signs them only if they are exactly that: a DER SET of known attributes, each identified by its OID
and parsed with a type the agent names itself, with a SHA-256 message digest and, when present,
signing-certificate references to the very certificate the user picked.
Such bytes can never be mistaken for a login text (which starts with "ggzy-signature-v1"), and a
login text can never pass for signed attributes. The PIN window shows the document's title and its
digest, read from the attributes themselves rather than taken from the page.

A detection (purpose "detect", 一键检测) may carry a seal test as well: signed attributes and a title,
checked by seal_payload exactly as for a seal. The one PIN window shows both and one PIN signs both,
so a detection cannot pass while the seal path fails. (A page may open a popup only inside the
user's click, so the two signatures cannot each have a window of their own.)
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from asn1crypto import algos, cms, core, tsp

from .errors import INVALID_DOCUMENT_TITLE, INVALID_NONCE, INVALID_PURPOSE, INVALID_SEAL_DATA, AgentError

SIGNED_TEXT_VERSION = "ggzy-signature-v1"
PURPOSES = {"login": "登录", "bind": "绑定证书", "detect": "证书检测", "seal": "电子签章"}
SEAL = "seal"
DETECT = "detect"

# Signed attributes a PAdES signature may carry, by OID, each with the ASN.1 type its one value must
# parse as; anything else is refused rather than signed blind. The agent names every type itself:
# asn1crypto knows some of these OIDs by name only once another module (pyHanko, asn1crypto.tsp)
# has registered them, which in the agent's own process nothing does.
CONTENT_TYPE = "1.2.840.113549.1.9.3"
MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
SIGNING_CERTIFICATE = "1.2.840.113549.1.9.16.2.12"
SIGNING_CERTIFICATE_V2 = "1.2.840.113549.1.9.16.2.47"
CMS_ALGORITHM_PROTECTION = "1.2.840.113549.1.9.52"
SEAL_ATTRIBUTES: dict[str, type[core.Asn1Value]] = {
    CONTENT_TYPE: core.ObjectIdentifier,
    MESSAGE_DIGEST: core.OctetString,
    SIGNING_CERTIFICATE: tsp.SigningCertificate,
    SIGNING_CERTIFICATE_V2: tsp.SigningCertificateV2,
    CMS_ALGORITHM_PROTECTION: cms.CMSAlgorithmProtection,
}
ID_DATA = "1.2.840.113549.1.7.1"
SHA256 = "2.16.840.1.101.3.4.2.1"
MAX_SEAL_DATA = 4096
MAX_TITLE = 200
NONCE_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,128}")


class InvalidSignRequest(AgentError):
    code = "invalid_request"


def validate_purpose(purpose: object) -> str:
    if not isinstance(purpose, str) or purpose not in PURPOSES:
        raise InvalidSignRequest(INVALID_PURPOSE)
    return purpose


def validate_nonce(nonce: object) -> str:
    if not isinstance(nonce, str) or not NONCE_PATTERN.fullmatch(nonce):
        raise InvalidSignRequest(INVALID_NONCE)
    return nonce


def signed_text(*, origin: str, purpose: str, nonce: str) -> str:
    """ggzy-signature-v1: UTF-8, LF line endings, a final LF."""
    validate_purpose(purpose)
    validate_nonce(nonce)
    if any(c in origin for c in "\r\n"):  # origins come from the allow-list; this is a backstop
        raise ValueError("origin must be one line")
    return f"{SIGNED_TEXT_VERSION}\norigin: {origin}\npurpose: {purpose}\nnonce: {nonce}\n"


@dataclass(frozen=True)
class Payload:
    """What one request signs and what its PIN window shows."""

    data: bytes
    shown: str  # the text in the PIN window's box
    title: str = ""  # the document's title, for a seal


def text_payload(*, origin: str, purpose: str, nonce: str) -> Payload:
    text = signed_text(origin=origin, purpose=purpose, nonce=nonce)
    return Payload(data=text.encode("utf-8"), shown=text)


def carries_seal_test(body: dict[str, object]) -> bool:
    return "signed_attributes" in body or "title" in body


def seal_payload(*, data: object, title: object, certificate_der: bytes) -> Payload:
    """Checks that `data` are PDF signed attributes for this certificate; see the module docstring."""
    if not isinstance(title, str) or not title.strip() or len(title) > MAX_TITLE or "\n" in title:
        raise InvalidSignRequest(INVALID_DOCUMENT_TITLE)
    if not isinstance(data, str) or len(data) > MAX_SEAL_DATA * 2:
        raise InvalidSignRequest(INVALID_SEAL_DATA)
    try:
        raw = base64.b64decode(data, validate=True)
        values = _seal_values(raw)
    except (binascii.Error, ValueError, TypeError, KeyError, IndexError, OverflowError):
        raise InvalidSignRequest(INVALID_SEAL_DATA) from None
    content_type = values.get(CONTENT_TYPE)
    if content_type is None or content_type.dotted != ID_DATA:
        raise InvalidSignRequest(INVALID_SEAL_DATA)
    digest = values.get(MESSAGE_DIGEST)
    if digest is None or len(digest.native) != 32:
        raise InvalidSignRequest(INVALID_SEAL_DATA)
    if not _names_only(values, certificate_der):
        raise InvalidSignRequest(INVALID_SEAL_DATA)
    hex_digest = digest.native.hex().upper()
    grouped = " ".join(hex_digest[i : i + 8] for i in range(0, len(hex_digest), 8))
    shown = f"文件：{title.strip()}\n文件摘要（SHA-256）：\n{grouped}\n"
    return Payload(data=raw, shown=shown, title=title.strip())


class _AttributeValues(core.SetOf):
    _child_spec = core.Any


class _Attribute(core.Sequence):
    # A CMS Attribute in its generic shape: the type stays a dotted OID, the values stay raw until
    # parsed with the type SEAL_ATTRIBUTES names for that OID.
    _fields = [("type", core.ObjectIdentifier), ("values", _AttributeValues)]


class _Attributes(core.SetOf):
    _child_spec = _Attribute


def _seal_values(raw: bytes) -> dict[str, core.Asn1Value]:
    """Each attribute's one value, fully parsed with its own type, by OID; ValueError for anything
    else: an unknown or repeated attribute, none or several values, trailing bytes."""
    values: dict[str, core.Asn1Value] = {}
    for attribute in _Attributes.load(raw, strict=True):
        oid = attribute["type"].dotted
        spec = SEAL_ATTRIBUTES.get(oid)
        if spec is None or oid in values or len(attribute["values"]) != 1:
            raise ValueError(f"attribute {oid} refused")
        value = spec.load(attribute["values"][0].dump(), strict=True)
        _ = value.native  # parse every part now, not halfway through signing
        values[oid] = value
    return values


def _names_only(values: dict[str, core.Asn1Value], certificate_der: bytes) -> bool:
    """Whether every signing-certificate reference present names this certificate (ESS, RFC 5035)."""
    v2 = values.get(SIGNING_CERTIFICATE_V2)
    if v2 is not None:
        ids = v2["certs"]
        if not ids or ids[0]["hash_algorithm"]["algorithm"].dotted != SHA256:
            return False
        if ids[0]["cert_hash"].native != hashlib.sha256(certificate_der).digest():
            return False
    v1 = values.get(SIGNING_CERTIFICATE)
    if v1 is not None:
        ids = v1["certs"]  # the first version names the certificate by its SHA-1 hash (RFC 2634)
        if not ids or ids[0]["cert_hash"].native != hashlib.sha1(certificate_der).digest():
            return False
    return True


def seal_test_attributes(*, certificate_der: bytes, document: bytes) -> bytes:
    """Signed attributes shaped as the platform's seals have them (content type, digest of
    `document`, a signing-certificate-v2 reference to this certificate, algorithm protection): what
    the doctor passes through seal_payload and signs, to test the seal path without a website."""
    reference = tsp.SigningCertificateV2(
        {"certs": [tsp.ESSCertIDv2({"cert_hash": hashlib.sha256(certificate_der).digest()})]}
    )
    protection = cms.CMSAlgorithmProtection(
        {"digest_algorithm": algos.DigestAlgorithm({"algorithm": SHA256})}
    )
    values: list[tuple[str, core.Asn1Value]] = [
        (CONTENT_TYPE, core.ObjectIdentifier(ID_DATA)),
        (MESSAGE_DIGEST, core.OctetString(hashlib.sha256(document).digest())),
        (SIGNING_CERTIFICATE_V2, reference),
        (CMS_ALGORITHM_PROTECTION, protection),
    ]
    return _Attributes(
        [_Attribute({"type": oid, "values": [core.Any(value)]}) for oid, value in values]
    ).dump()
