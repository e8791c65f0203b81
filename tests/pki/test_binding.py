"""Binding more keys (002 §4), unbinding (needs a certificate login), the check API (检测工具)."""

import pytest

from democa import issuing
from pki import rules, services, verify
from pki.models import BindingHow, BoundCertificate, TrustedIssuer
from tests.factories import make_unit
from tests.pkiparts import holder

pytestmark = pytest.mark.django_db


def test_password_session_binds_another_key_of_the_same_holder(trusted, password_client, challenge):
    unit = make_unit()
    client = password_client(unit)
    key = holder(trusted["sm2"], name=unit.subject.name, code=unit.subject.code)
    response = client.post(
        "/pki/certificates/bind/",
        key.signed(nonce=challenge("bind", c=client), purpose="bind"),
        content_type="application/json",
    )
    assert response.json()["ok"] is True
    assert BoundCertificate.objects.get(subject=unit.subject).how == BindingHow.MANUAL


def test_key_of_another_holder_cannot_be_bound(trusted, password_client, challenge):
    unit, other = make_unit(), make_unit()
    client = password_client(unit)
    key = holder(trusted["rsa"], name=other.subject.name, code=other.subject.code)
    response = client.post(
        "/pki/certificates/bind/",
        key.signed(nonce=challenge("bind", c=client), purpose="bind"),
        content_type="application/json",
    )
    assert response.json()["error"] == rules.BIND_OTHER_HOLDER.format(
        code=other.subject.code, own=unit.subject.code
    )


def test_login_signature_cannot_be_used_to_bind(trusted, password_client, challenge):
    unit = make_unit()
    client = password_client(unit)
    key = holder(trusted["rsa"], name=unit.subject.name, code=unit.subject.code)
    data = key.signed(nonce=challenge("login", c=client), purpose="login")
    response = client.post("/pki/certificates/bind/", data, content_type="application/json")
    assert response.json()["error"] == rules.CHALLENGE_UNKNOWN


def test_unbinding_needs_a_certificate_login(trusted, password_client, certificate_client):
    unit = make_unit()
    key = holder(trusted["p256"], name=unit.subject.name, code=unit.subject.code)
    checked = services.certificate_check(certificate=key.pem)
    bound = services.certificate_bind(
        actor=services.Actor(user=unit, auth_method="certificate"),
        subject=unit.subject,
        holder=checked,
        how="manual",
    )
    page = password_client(unit).post(f"/pki/certificates/{bound.pk}/unbind/", follow=True).content.decode()
    assert rules.UNBIND_NEEDS_CERTIFICATE in page
    certificate_client(unit).post(f"/pki/certificates/{bound.pk}/unbind/")
    bound.refresh_from_db()
    assert bound.unbound_at is not None
    # Another subject cannot reach it at all.
    outsider = make_unit()
    assert certificate_client(outsider).get(f"/pki/certificates/{bound.pk}/").status_code == 404


def test_check_api_reports_status_or_exactly_what_is_wrong(client, trusted):
    unit = make_unit()
    good = holder(trusted["sm2"], name=unit.subject.name, code=unit.subject.code)
    answer = client.post("/pki/check/", {"certificate": good.pem}, content_type="application/json").json()
    assert answer["ok"] is True and answer["checks"][0]["message"].startswith("证书状态正常")
    stranger = holder(issuing.make_ca("未知CA", "rsa"), name="x", code=unit.subject.code)
    answer = client.post("/pki/check/", {"certificate": stranger.pem}, content_type="application/json").json()
    assert answer == {
        "ok": False,
        "checks": [
            {"name": "证书检测", "ok": False, "message": verify.UNTRUSTED_ISSUER.format(issuer="未知CA")}
        ],
    }
    answer = client.post("/pki/check/", {"certificate": "not a cert"}, content_type="application/json").json()
    assert answer["checks"][0]["message"] == verify.NOT_A_CERTIFICATE


def test_crl_is_fetched_from_its_url_and_a_forged_one_is_refused(trusted, tmp_path):
    issuer = TrustedIssuer.objects.get(slug="rsa")
    unit = make_unit()
    key = holder(trusted["rsa"], name=unit.subject.name, code=unit.subject.code)
    crl = tmp_path / "rsa.crl"
    revoked_at = issuing.now()
    crl.write_bytes(
        issuing.make_crl(trusted["rsa"], revoked=[(issuing.serial_of(key.pem), revoked_at)], number=2)
    )
    issuer.crl_url = crl.as_uri()
    issuer.crl_attempted_at = None
    issuer.save()
    assert services.crl_refresh_due() == 1
    with pytest.raises(services.DomainError) as refused:
        services.certificate_check(certificate=key.pem)
    assert refused.value.message == verify.REVOKED.format(when=verify.local_time(revoked_at))

    forged = issuing.make_ca(trusted["rsa"].name, "rsa")  # same name, another key
    forged_ca = issuing.CA(trusted["rsa"].name, "rsa", trusted["rsa"].certificate, forged.private_key)
    crl.write_bytes(issuing.make_crl(forged_ca, number=3))
    issuer.refresh_from_db()
    assert services.crl_fetch(issuer=issuer) is None
    issuer.refresh_from_db()
    assert issuer.crl_error == verify.CRL_FORGED
    with pytest.raises(services.DomainError) as refused:  # the earlier, genuine CRL stays in force
        services.certificate_check(certificate=key.pem)
    assert refused.value.message == verify.REVOKED.format(when=verify.local_time(revoked_at))
