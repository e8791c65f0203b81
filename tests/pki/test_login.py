"""CA certificate login (003 §3, 000 §6): the signed challenge, the checks, and binding on first use."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from democa import issuing, keypairs
from pki import rules, services, verify
from pki.models import BindingHow, BoundCertificate, TrustedIssuer
from registry.auth import AUTH_METHOD_KEY, CERTIFICATE
from tests.factories import make_unit
from tests.pkiparts import fresh_crl, holder

pytestmark = pytest.mark.django_db


def login(client, data):
    return client.post("/pki/login/", data, content_type="application/json")


@pytest.mark.parametrize("algorithm", ["rsa", "p256", "sm2"])
def test_first_certificate_login_binds_and_marks_the_session(client, trusted, challenge, algorithm):
    unit = make_unit(name="衡阳证书建设有限公司")
    key = holder(trusted[algorithm], name=unit.subject.name, code=unit.subject.code)

    response = login(client, key.signed(nonce=challenge()))

    assert response.json() == {"ok": True, "redirect": "/registry/"}
    assert client.session[AUTH_METHOD_KEY] == CERTIFICATE
    assert int(client.session["_auth_user_id"]) == unit.pk
    bound = BoundCertificate.objects.get(subject=unit.subject)
    assert bound.how == BindingHow.FIRST_LOGIN and bound.algorithm == algorithm
    page = client.get("/pki/certificates/")
    assert bound.serial in page.content.decode() and "当前登录" in page.content.decode()


def test_renewed_certificate_logs_in_and_binds_without_anyone_unbinding(client, trusted, challenge):
    unit = make_unit(name="常德续期有限公司")
    old = holder(trusted["rsa"], name=unit.subject.name, code=unit.subject.code)
    login(client, old.signed(nonce=challenge()))
    client.post("/registry/logout/")

    renewed = holder(
        trusted["sm2"], name=unit.subject.name, code=unit.subject.code
    )  # new serial, even a new CA
    response = login(client, renewed.signed(nonce=challenge()))

    assert response.json()["ok"] is True
    hows = sorted(BoundCertificate.objects.filter(subject=unit.subject).values_list("how", flat=True))
    assert hows == [BindingHow.FIRST_LOGIN, BindingHow.RENEWAL]
    page = client.get("/registry/basic/", follow=True).content.decode()
    assert rules.RENEWAL_BOUND in page


def test_certificate_with_another_name_logs_in_and_points_to_the_name_change(client, trusted, challenge):
    unit = make_unit(name="衡阳旧名称有限公司")
    key = holder(trusted["p256"], name="衡阳新名称有限公司", code=unit.subject.code)
    login(client, key.signed(nonce=challenge()))
    page = client.get("/registry/basic/").content.decode()
    assert rules.NAME_DIFFERS.format(cert_name="衡阳新名称有限公司", name="衡阳旧名称有限公司") in page


def test_unregistered_holder_registers_without_retyping_name_or_code(client, trusted, challenge):
    key = holder(trusted["rsa"], name="湖南未注册材料有限公司", code="91430100338812348J")
    response = login(client, key.signed(nonce=challenge()))
    assert response.json()["redirect"] == "/registry/register/details/"
    page = client.get("/registry/register/details/").content.decode()
    assert "湖南未注册材料有限公司" in page and "91430100338812348J" in page and "由CA证书读取" in page

    # A tampered name in the form is ignored: the certificate's name is what gets registered.
    done = client.post(
        "/registry/register/details/",
        {
            "name": "别的名字",
            "email": "a@example.cn",
            "password": "Cert2026pass",
            "password2": "Cert2026pass",
        },
    )
    assert done.status_code == 302, done.content.decode()[-3000:]
    bound = BoundCertificate.objects.get(holder_code="91430100338812348J")
    assert bound.subject.name == "湖南未注册材料有限公司" and bound.how == BindingHow.REGISTRATION
    assert client.session[AUTH_METHOD_KEY] == CERTIFICATE


REFUSALS = {
    "expired": (
        {
            "not_before": issuing.now() - dt.timedelta(days=800),
            "not_after": issuing.now() - dt.timedelta(days=1),
        },
        "证书已于",
    ),
    "not yet valid": (
        {
            "not_before": issuing.now() + dt.timedelta(days=2),
            "not_after": issuing.now() + dt.timedelta(days=400),
        },
        "证书尚未生效",
    ),
    "wrong key usage": ({"key_usage": frozenset({"key_encipherment"})}, verify.NOT_FOR_SIGNING),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_certificate_refused_with_what_to_do(client, trusted, challenge, case):
    options, message = REFUSALS[case]
    unit = make_unit()
    key = holder(trusted["rsa"], name=unit.subject.name, code=unit.subject.code, **options)
    response = login(client, key.signed(nonce=challenge()))
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert "_auth_user_id" not in client.session
    assert not BoundCertificate.objects.exists()


def test_revoked_certificate_refused_at_once(client, trusted, challenge):
    unit = make_unit()
    key = holder(trusted["p256"], name=unit.subject.name, code=unit.subject.code)
    serial = issuing.serial_of(key.pem)
    services.crl_install(
        issuer=TrustedIssuer.objects.get(slug="p256"),
        data=fresh_crl(trusted["p256"], [(serial, issuing.now())]),
        source="test",
    )
    response = login(client, key.signed(nonce=challenge()))
    assert "证书已于" in response.json()["error"] and "被CA机构吊销" in response.json()["error"]


def test_untrusted_issuer_refused(client, trusted, challenge):
    stranger = issuing.make_ca("未知CA", "p256")
    unit = make_unit()
    key = holder(stranger, name=unit.subject.name, code=unit.subject.code)
    response = login(client, key.signed(nonce=challenge()))
    assert response.json()["error"] == verify.UNTRUSTED_ISSUER.format(issuer="未知CA")


def test_forged_certificate_naming_a_trusted_issuer_refused(client, trusted, challenge):
    unit = make_unit()
    forger_key = keypairs.generate_key("sm2")
    key = holder(trusted["sm2"], name=unit.subject.name, code=unit.subject.code, issuer_key=forger_key)
    response = login(client, key.signed(nonce=challenge()))
    assert response.json()["error"] == verify.FORGED.format(issuer=trusted["sm2"].name)


def test_signature_by_another_key_refused(client, trusted, challenge):
    unit = make_unit()
    key = holder(trusted["rsa"], name=unit.subject.name, code=unit.subject.code)
    other = holder(trusted["rsa"], name=unit.subject.name, code=unit.subject.code)
    data = key.signed(nonce=challenge())
    data["signature"] = other.signed(nonce=data["nonce"])["signature"]
    assert login(client, data).json()["error"] == verify.BAD_SIGNATURE


def test_signature_made_for_another_site_refused(client, trusted, challenge):
    unit = make_unit()
    key = holder(trusted["p256"], name=unit.subject.name, code=unit.subject.code)
    data = key.signed(nonce=challenge(), origin="https://evil.example")
    assert login(client, data).json()["error"] == verify.BAD_SIGNATURE


def test_challenge_replayed_refused(client, trusted, challenge):
    unit = make_unit()
    key = holder(trusted["rsa"], name=unit.subject.name, code=unit.subject.code)
    data = key.signed(nonce=challenge())
    assert login(client, data).json()["ok"] is True
    client.post("/registry/logout/")
    assert login(client, data).json()["error"] in (rules.CHALLENGE_USED, rules.CHALLENGE_OTHER_SESSION)
    # Replayed within the same session it was issued to:
    same = Client()
    nonce = challenge(c=same)
    data = key.signed(nonce=nonce)
    services.challenge_consume(nonce=nonce, session_key=same.session.session_key, purpose="login")
    assert login(same, data).json()["error"] == rules.CHALLENGE_USED


def test_challenge_from_another_session_refused(client, trusted, challenge):
    unit = make_unit()
    key = holder(trusted["rsa"], name=unit.subject.name, code=unit.subject.code)
    data = key.signed(nonce=challenge(c=Client()))
    assert login(client, data).json()["error"] == rules.CHALLENGE_OTHER_SESSION


def test_challenge_expired_refused(client, trusted, challenge):
    unit = make_unit()
    key = holder(trusted["rsa"], name=unit.subject.name, code=unit.subject.code)
    client.get("/registry/login/")
    client.session.save()
    session_key = client.session.session_key or ""
    issued = services.challenge_issue(
        session_key=session_key, purpose="login", now=timezone.now() - dt.timedelta(minutes=6)
    )
    response = login(client, key.signed(nonce=issued.nonce))
    assert response.json()["error"] in (rules.CHALLENGE_EXPIRED, rules.CHALLENGE_OTHER_SESSION)
    # And directly, with the session it was bound to:
    with pytest.raises(Exception) as refused:
        services.challenge_consume(nonce=issued.nonce, session_key=session_key, purpose="login")
    assert refused.value.message == rules.CHALLENGE_EXPIRED


def test_no_current_crl_means_no_login(client, trusted, challenge):
    # Time travel: the CRL's next update is already past, as when crl_fetch has failed for a while.
    TrustedIssuer.objects.filter(slug="rsa").update(crl_next_update=timezone.now() - dt.timedelta(minutes=1))
    unit = make_unit()
    key = holder(trusted["rsa"], name=unit.subject.name, code=unit.subject.code)
    error = login(client, key.signed(nonce=challenge())).json()["error"]
    assert error == verify.CRL_MISSING.format(issuer=trusted["rsa"].name, why=rules.CRL_STALE)
