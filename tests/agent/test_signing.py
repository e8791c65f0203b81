"""The signed text, byte for byte, as the platform rebuilds it."""

from __future__ import annotations

import pytest
from ggzy_agent.signing import InvalidSignRequest, signed_text


def test_signed_text_is_exactly_this():
    text = signed_text(origin="https://ggzy.example.cn", purpose="login", nonce="AbC-123_xyz456789")
    assert text.encode("utf-8") == (
        b"ggzy-signature-v1\norigin: https://ggzy.example.cn\npurpose: login\nnonce: AbC-123_xyz456789\n"
    )


@pytest.mark.parametrize(
    ("purpose", "nonce"), [("sign", "a" * 16), ("login", "short"), ("bind", "a" * 16 + "\n")]
)
def test_signed_text_refuses_what_it_would_not_sign(purpose, nonce):
    with pytest.raises(InvalidSignRequest):
        signed_text(origin="https://ggzy.example.cn", purpose=purpose, nonce=nonce)
