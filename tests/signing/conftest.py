"""Seals against real parts: issuers and CRLs in the trust store, the platform's own TSA, keys that
sign the signed attributes exactly as the agent does (the agent's own tests use SoftHSM2 tokens)."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from core.audit import Actor
from democa import issuing
from democa.tsa import make_demo_tsa
from registry.identifiers import resident_id_check_char, uscc_check_char
from signing import services as signing_services
from tests import pkiparts
from tests.factories import make_unit

UNIT_NAME = "衡阳示例建设工程有限公司"
UNIT_CODE = "91430400MA4L0000X" + uscc_check_char("91430400MA4L0000X")
LEGAL_REP_ID = "43042119900101123" + resident_id_check_char("43042119900101123")


@pytest.fixture
def account(db):
    """The unit that seals: registered, its certificate login the session's way in."""
    return make_unit(name=UNIT_NAME, code=UNIT_CODE)


@pytest.fixture
def actor(account):
    return Actor(user=account, auth_method="certificate")


@pytest.fixture(scope="session")
def cas():
    return {
        "rsa": issuing.make_ca("签章测试CA（RSA）", "rsa"),
        "p256": issuing.make_ca("签章测试CA（P-256）", "p256"),
    }


@pytest.fixture(scope="session")
def tsa_dir(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("tsa")
    make_demo_tsa(directory)
    return directory


@pytest.fixture(autouse=True)
def _own_tsa(settings, tsa_dir):
    settings.GGZY_TSA_DIR = tsa_dir
    settings.GGZY_TSA_URL = ""


@pytest.fixture
def trusted(db, cas, tmp_path):
    return pkiparts.trust(cas, tmp_path / "trust")


def token_signature(holder: pkiparts.Holder, signed_attributes: bytes) -> bytes:
    """What the agent returns: a SHA-256 signature over the DER of the signed attributes."""
    return base64.b64decode(holder.sign(signed_attributes))


def commitment_create(actor, subject, *, title: str = "诚信承诺书"):
    """An 诚信承诺书 of the subject, as the center's profile page makes it, ready to seal."""
    context = {
        "center_name": "衡阳市公共资源交易中心",
        "subject_name": subject.name,
        "subject_code": subject.code,
    }
    return signing_services.document_create(
        actor=actor, subject=subject, kind="integrity_commitment", title=title, context=context
    )


def spot_centre(document, place: str) -> dict:
    """The middle of a document's signature place (where a click on the page would put the seal)."""
    spot = document.places[place]
    return {"page": spot["page"], "x": spot["x"] + spot["width"] / 2, "y": spot["y"] + spot["height"] / 2}
