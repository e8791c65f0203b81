"""What the agent signs: a text it builds itself, or the signed attributes of a PDF seal.

For login, binding and detection the agent signs a text it builds itself, binding the asking site
and the server's nonce.
The page never supplies the message. It names a purpose and passes on the nonce its server issued;
the origin comes from the browser's Origin header, which a page cannot forge. A signature made for
one site therefore cannot be replayed to another, nor reused on the same site once the nonce is
spent. The server rebuilds this text byte for byte and verifies the signature over it.

For a seal (purpose "seal") the page passes the CMS signed attributes of a PDF signature. The agent
signs them only if they are exactly that: a DER SET of known attributes with a SHA-256 message
digest and, when present, a signing-certificate reference to the very certificate the user picked.
Such bytes can never be mistaken for a login text (which starts with "ggzy-signature-v1"), and a
login text can never pass for signed attributes. The PIN window shows the document's title and its
digest, read from the attributes themselves rather than taken from the page.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from asn1crypto import cms

from .errors import INVALID_DOCUMENT_TITLE, INVALID_NONCE, INVALID_PURPOSE, INVALID_SEAL_DATA, AgentError

SIGNED_TEXT_VERSION = "ggzy-signature-v1"
PURPOSES = {"login": "登录", "bind": "绑定证书", "detect": "证书检测", "seal": "电子签章"}
SEAL = "seal"
# Signed attributes a PAdES signature may carry; anything else is refused rather than signed blind.
SEAL_ATTRIBUTES = {
    "content_type",
    "message_digest",
    "signing_certificate",
    "signing_certificate_v2",
    "cms_algorithm_protection",
}
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


def seal_payload(*, data: object, title: object, certificate_der: bytes) -> Payload:
    """Checks that `data` are PDF signed attributes for this certificate; see the module docstring."""
    if not isinstance(title, str) or not title.strip() or len(title) > MAX_TITLE or "\n" in title:
        raise InvalidSignRequest(INVALID_DOCUMENT_TITLE)
    if not isinstance(data, str) or len(data) > MAX_SEAL_DATA * 2:
        raise InvalidSignRequest(INVALID_SEAL_DATA)
    try:
        raw = base64.b64decode(data, validate=True)
        attributes = cms.CMSAttributes.load(raw, strict=True)
        by_type = {attribute["type"].native: attribute["values"] for attribute in attributes}
        _ = attributes.native  # parse every value now, not halfway through signing
    except (binascii.Error, ValueError, TypeError, KeyError):
        raise InvalidSignRequest(INVALID_SEAL_DATA) from None
    if len(by_type) != len(attributes) or not set(by_type) <= SEAL_ATTRIBUTES:
        raise InvalidSignRequest(INVALID_SEAL_DATA)
    if by_type.get("content_type") is None or by_type["content_type"][0].native != "data":
        raise InvalidSignRequest(INVALID_SEAL_DATA)
    digest = by_type.get("message_digest")
    if digest is None or len(digest[0].native) != 32:
        raise InvalidSignRequest(INVALID_SEAL_DATA)
    reference = by_type.get("signing_certificate_v2")
    if reference is not None:
        wanted = hashlib.sha256(certificate_der).digest()
        ids = reference[0]["certs"]
        if not ids or ids[0]["cert_hash"].native != wanted:
            raise InvalidSignRequest(INVALID_SEAL_DATA)
    hex_digest = digest[0].native.hex().upper()
    grouped = " ".join(hex_digest[i : i + 8] for i in range(0, len(hex_digest), 8))
    shown = f"文件：{title.strip()}\n文件摘要（SHA-256）：\n{grouped}\n"
    return Payload(data=raw, shown=shown, title=title.strip())
