"""core.asn1: a changed structure is encoded once, not once per path to it on every dump.

Without the remedy each level above the read field encodes it again at each access (twice per
dump), so a time-stamp token took seconds to embed; see core/asn1.py. Counted, not timed.
"""

import hashlib

import pytest
from asn1crypto import algos, cms, core, tsp

CERT_HASH = hashlib.sha256(b"tsa certificate").digest()


def token_like() -> tuple[cms.CMSAttributes, bytes]:
    """signing_certificate_v2 as a TSA puts it in a token's signed attributes: ESSCertIDv2 with the
    SHA-256 hashAlgorithm left out (DEFAULT), parsed from DER as a reader gets it."""
    built = cms.CMSAttributes(
        [
            {
                "type": "signing_certificate_v2",
                "values": [tsp.SigningCertificateV2({"certs": [{"cert_hash": CERT_HASH}]})],
            }
        ]
    )
    der = built.dump()
    return cms.CMSAttributes.load(der), der


def cert_id(attributes: cms.CMSAttributes) -> tsp.ESSCertIDv2:
    return attributes[0]["values"][0]["certs"][0]


@pytest.fixture
def encodings(monkeypatch):
    """How many times each structure is encoded from its children, by id()."""
    counts: dict[int, int] = {}
    for cls in (core.Sequence, core.SequenceOf, core.Set, core.SetOf):
        own = cls.__dict__["_set_contents"]

        def counted(self, force=False, _own=own):
            counts[id(self)] = counts.get(id(self), 0) + 1
            return _own(self, force)

        monkeypatch.setattr(cls, "_set_contents", counted)
    return counts


def test_reading_a_default_field_leaves_the_encoding_as_it_was(db):
    attributes, der = token_like()
    assert cert_id(attributes)["hash_algorithm"]["algorithm"].native == "sha256"  # the read
    assert attributes.dump() == der


def test_a_changed_token_is_encoded_once_however_often_it_is_dumped(db, encodings):
    attributes, der = token_like()
    read = cert_id(attributes)
    # Setting a field marks the node as changed, always; reading an omitted DEFAULT marks it too,
    # but not on every run (it depends on how far asn1crypto had parsed), so the test sets one.
    read["cert_hash"] = CERT_HASH
    encodings.clear()  # building the DER encoded other structures, whose ids may come back
    for _ in range(3):
        assert attributes.dump() == der
    # Once, not 2^levels: later dumps reuse the encoding. (The default values asn1crypto makes to
    # compare against are encoded too, and their ids come back after they are freed.)
    assert encodings.get(id(read), 0) == 1
    # About one per node on the way up (and per default made to compare); without the remedy the
    # changed node alone was encoded 192 times here.
    assert sum(encodings.values()) <= 30


def test_a_change_after_encoding_is_encoded(db):
    attributes, der = token_like()
    attributes.dump()
    cert_id(attributes)["hash_algorithm"] = algos.DigestAlgorithm({"algorithm": "sha512"})
    changed = attributes.dump()
    assert changed != der
    assert cert_id(cms.CMSAttributes.load(changed))["hash_algorithm"]["algorithm"].native == "sha512"
