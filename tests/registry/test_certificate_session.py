"""A certificate session ends when its certificate is unbound on a 解绑申请 (000 §6.3): the key was
reported lost, so whoever holds the browser must not keep 「CA证书登录」 and what it may submit."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from democa import issuing
from pki import services as pki_services
from pki.models import BoundCertificate
from pki.sessions import CERTIFICATE_SESSION_ENDED
from registry.auth import AUTH_METHOD_KEY, CERTIFICATE
from registry.models import Record, RecordKind
from tests import pkiparts
from tests.factories import make_unit
from tests.review.parts import actor_of

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def ca():
    return issuing.make_ca("测试CA（P-256）", "p256")


@pytest.fixture
def trusted(db, ca, tmp_path):
    return pkiparts.trust({"p256": ca}, tmp_path / "trust")


def certificate_login(client, key):
    nonce = client.post("/pki/challenge/", {"purpose": "login"}).json()["nonce"]
    response = client.post("/pki/login/", key.signed(nonce=nonce), content_type="application/json")
    assert response.json()["ok"] is True
    assert client.session[AUTH_METHOD_KEY] == CERTIFICATE


def unbind_on_request(key, support):
    """The center's technical support approves the unit's 解绑申请 (centers/unbind.py)."""
    bound = BoundCertificate.objects.get(certificate_pem=key.pem)
    pki_services.certificate_unbind_on_request(actor=actor_of(support), bound=bound, reason="证书遗失")


def submit_award(client):
    return client.post("/registry/award/new/", {"award_name": "芙蓉奖", "action": "submit"})


def test_unbinding_the_sessions_certificate_logs_it_out(client, trusted, ca, support):
    unit = make_unit(name="衡阳解绑建设有限公司")
    key = pkiparts.holder(ca, name=unit.subject.name, code=unit.subject.code)
    certificate_login(client, key)
    assert client.get("/registry/basic/").status_code == 200

    unbind_on_request(key, support)

    page = client.get("/registry/basic/", follow=True)
    assert page.redirect_chain[-1][0].startswith("/registry/login/")
    assert CERTIFICATE_SESSION_ENDED in page.content.decode()
    assert "_auth_user_id" not in client.session
    refused = submit_award(client)
    assert refused.status_code == 302 and refused["Location"].startswith("/registry/login/")
    assert not Record.objects.filter(subject=unit.subject, kind=RecordKind.AWARD).exists()


def test_unbinding_another_certificate_leaves_the_session(client, trusted, ca, support):
    unit = make_unit(name="衡阳两证建设有限公司")
    used = pkiparts.holder(ca, name=unit.subject.name, code=unit.subject.code)
    other = pkiparts.holder(ca, name=unit.subject.name, code=unit.subject.code)
    certificate_login(client, other)
    client.post("/registry/logout/")
    certificate_login(client, used)

    unbind_on_request(other, support)

    assert client.get("/registry/basic/").status_code == 200
    assert client.session[AUTH_METHOD_KEY] == CERTIFICATE
    assert submit_award(client).status_code == 302
    assert Record.objects.filter(subject=unit.subject, kind=RecordKind.AWARD).exists()


def test_the_check_costs_one_query_and_only_for_certificate_sessions(client, trusted, ca, password_client):
    unit = make_unit(name="衡阳查询建设有限公司")
    key = pkiparts.holder(ca, name=unit.subject.name, code=unit.subject.code)
    certificate_login(client, key)
    by_password = password_client(unit)
    by_password.get("/registry/basic/")
    client.get("/registry/basic/")

    with CaptureQueriesContext(connection) as certificate_queries:
        client.get("/registry/basic/")
    with CaptureQueriesContext(connection) as password_queries:
        by_password.get("/registry/basic/")
    assert len(certificate_queries) - len(password_queries) == 1
