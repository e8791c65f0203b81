import pytest
from django.test import Client

from democa import issuing
from tests import pkiparts
from tests.review.conftest import handlers, refusing_handlers  # noqa: F401  (shared fixtures)


def logged_in(member) -> Client:
    client = Client()
    client.force_login(member.account)
    return client


@pytest.fixture
def as_staff():
    """as_staff(member) -> a test client logged in as that staff member."""
    return logged_in


@pytest.fixture(scope="session")
def cas():
    return {"rsa": issuing.make_ca("测试CA（RSA）", "rsa"), "sm2": issuing.make_ca("测试CA（SM2）", "sm2")}


@pytest.fixture
def trusted(db, cas, tmp_path):
    return pkiparts.trust(cas, tmp_path / "trust")


@pytest.fixture
def challenge(client):
    def ask(c=None) -> str:
        response = (c or client).post("/pki/challenge/", {"purpose": "login"})
        assert response.status_code == 200, response.content
        return response.json()["nonce"]

    return ask
