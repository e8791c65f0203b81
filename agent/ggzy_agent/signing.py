"""What the agent signs: a text it builds itself, binding the asking site and the server's nonce.

The page never supplies the message. It names a purpose and passes on the nonce its server issued;
the origin comes from the browser's Origin header, which a page cannot forge. A signature made for
one site therefore cannot be replayed to another, nor reused on the same site once the nonce is
spent. The server rebuilds this text byte for byte and verifies the signature over it.
"""

from __future__ import annotations

import re

from .errors import INVALID_NONCE, INVALID_PURPOSE, AgentError

SIGNED_TEXT_VERSION = "ggzy-signature-v1"
PURPOSES = {"login": "登录", "bind": "绑定证书", "detect": "证书检测"}
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
