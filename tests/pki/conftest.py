import pytest

from democa import issuing
from tests import pkiparts


@pytest.fixture(scope="session")
def cas():
    """One issuer per algorithm, each with its own place for the holder's code."""
    return {
        "rsa": issuing.make_ca("测试CA（RSA）", "rsa"),
        "p256": issuing.make_ca("测试CA（P-256）", "p256"),
        "sm2": issuing.make_ca("测试CA（SM2）", "sm2"),
    }


@pytest.fixture
def trusted(db, cas, tmp_path):
    """The three issuers in the trust store, each with a current, empty CRL."""
    return pkiparts.trust(cas, tmp_path / "trust")


@pytest.fixture
def challenge(client):
    """Asks the server for a nonce, as the login page does, in the test client's session."""

    def ask(purpose: str = "login", c=None) -> str:
        response = (c or client).post("/pki/challenge/", {"purpose": purpose})
        assert response.status_code == 200, response.content
        return response.json()["nonce"]

    return ask


@pytest.fixture(scope="session")
def osset(tmp_path_factory):
    """The OpenSSL-made hierarchies and defective certificates (tests/pki/opensslset.py)."""
    from tests.pki import opensslset

    return opensslset.build(tmp_path_factory.mktemp("opensslset"))


@pytest.fixture
def ostrusted(db, osset):
    """The OpenSSL set in the trust store, every CA with its current CRL."""
    osset.trust()
    return osset
