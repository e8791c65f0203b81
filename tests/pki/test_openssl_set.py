"""Certificates made with the OpenSSL command line, through the real endpoints: the good ones of each
algorithm log in through an intermediate CA; each defect is refused, with a message that says what
is wrong, at /pki/check/ and at the certificate login."""

import pytest

from pki import checks, verify
from pki.models import BoundCertificate
from tests.factories import make_unit

pytestmark = pytest.mark.django_db

ROOT = "OpenSSL根CA（{}）"
INTERMEDIATE = "OpenSSL中级CA（{}）"


def login(client, data):
    return client.post("/pki/login/", data, content_type="application/json")


def check(client, pem: str) -> dict:
    return client.post("/pki/check/", {"certificate": pem}, content_type="application/json").json()


@pytest.mark.parametrize("algorithm", ["rsa", "p256", "sm2"])
def test_holder_under_an_intermediate_logs_in(client, ostrusted, challenge, algorithm):
    if algorithm not in ostrusted.good:
        pytest.skip("this openssl cannot make SM2 certificates")
    leaf = ostrusted.good[algorithm]
    unit = make_unit(name=leaf.name, code=leaf.code)

    answer = check(client, leaf.pem)
    assert answer["ok"] is True, answer
    response = login(client, leaf.signed(nonce=challenge()))

    assert response.json() == {"ok": True, "redirect": "/registry/"}, response.json()
    bound = BoundCertificate.objects.get(subject=unit.subject)
    assert bound.issuer.slug == f"o-{algorithm}-int"
    assert bound.issuer.parent.slug == f"o-{algorithm}-root"


def expected(osset) -> dict[str, str]:
    digit = osset.bad["wrong check digit"]
    return {
        # The time is the root CRL's revocation time; the rest is exact.
        "intermediate revoked": "被上级CA「{}」吊销，该机构签发的证书不能使用".format(ROOT.format("RSA")),
        "intermediate expired": "颁发机构「OpenSSL过期中级CA」的证书已于",
        "intermediate without cA": checks.CA_NOT_CA.format(name="OpenSSL非CA中级", why="基本约束中cA不为真"),
        "pathlen exceeded": checks.CA_PATH_LENGTH.format(name=INTERMEDIATE.format("P-256"), limit=0),
        "serverAuth only": checks.WRONG_EKU.format(usages="server_auth"),
        "unknown critical extension": checks.CRITICAL_UNKNOWN.format(oid="1.2.3.4.5.6.7"),
        "P-256 point off curve": checks.BAD_PUBLIC_KEY.format(why=checks.POINT_OFF_CURVE),
        "SM2 point off curve": checks.BAD_PUBLIC_KEY.format(why=checks.POINT_OFF_CURVE),
        "wrong check digit": verify.CODE_CHECK_DIGIT.format(code=digit.code),
        "RSA-1024": checks.KEY_TOO_SHORT.format(bits=1024, issuer=INTERMEDIATE.format("RSA"), minimum=2048),
        "no key usage": checks.NO_KEY_USAGE.format(issuer=INTERMEDIATE.format("RSA")),
        "BER encoding": verify.NOT_DER,
        "trailing junk after PEM": verify.TRAILING_DATA,
    }


DEFECTS = [
    "intermediate revoked",
    "intermediate expired",
    "intermediate without cA",
    "pathlen exceeded",
    "serverAuth only",
    "unknown critical extension",
    "P-256 point off curve",
    "SM2 point off curve",
    "wrong check digit",
    "RSA-1024",
    "no key usage",
    "BER encoding",
    "trailing junk after PEM",
]


@pytest.mark.parametrize("defect", DEFECTS)
def test_defect_refused_at_check_and_login(client, ostrusted, challenge, defect):
    if defect not in ostrusted.bad:
        pytest.skip("this openssl cannot make SM2 certificates")
    leaf, message = ostrusted.bad[defect], expected(ostrusted)[defect]
    if defect != "wrong check digit":
        make_unit(name=leaf.name, code=leaf.code)  # registered: only the certificate stands in the way

    answer = check(client, leaf.pem)
    assert answer["ok"] is False and message in answer["checks"][0]["message"], answer
    response = login(client, leaf.signed(nonce=challenge()))

    assert response.status_code == 400 and message in response.json()["error"], response.json()
    assert "_auth_user_id" not in client.session
    assert not BoundCertificate.objects.exists()


def test_the_set_covers_every_defect(osset):
    made = set(osset.bad) | ({"SM2 point off curve"} if not osset.sm2 else set())
    assert made == set(DEFECTS)


def test_der_with_bytes_after_the_certificate_refused(ostrusted):
    from pki import services

    with pytest.raises(verify.DomainError) as refused:
        services.certificate_check(certificate=ostrusted.der_with_junk)
    assert refused.value.message == verify.TRAILING_DATA
    # Without the junk the same bytes are a good certificate.
    assert (
        services.certificate_check(certificate=ostrusted.der_with_junk[:-5]).code
        == ostrusted.good["p256"].code
    )


def test_stale_root_crl_stops_holders_under_its_intermediates(client, ostrusted):
    import datetime as dt

    from django.utils import timezone

    from pki import rules
    from pki.models import TrustedIssuer

    # The stored CRL state set directly: no CRL fetched yet, then one past its next update (time travel).
    TrustedIssuer.objects.filter(slug="o-rsa-root").update(crl_this_update=None)
    answer = check(client, ostrusted.good["rsa"].pem)
    assert answer["checks"][0]["message"] == verify.CRL_MISSING.format(
        issuer=ROOT.format("RSA"), why=rules.CRL_NOT_YET
    )
    TrustedIssuer.objects.filter(slug="o-rsa-root").update(
        crl_this_update=timezone.now(), crl_next_update=timezone.now() - dt.timedelta(minutes=1)
    )
    answer = check(client, ostrusted.good["rsa"].pem)
    assert answer["checks"][0]["message"] == verify.CRL_MISSING.format(
        issuer=ROOT.format("RSA"), why=rules.CRL_STALE
    )
