"""The trust store refuses CAs that cannot anchor a path; a certificate is its issuer and serial, in
canonical DER; PEM bundles; the key policy per issuer and the public list of issuers."""

import datetime as dt
import hashlib

import pytest
from asn1crypto import pem
from django.core.management import CommandError, call_command

from core.errors import DomainError
from core.models import AuditEntry
from pki import checks, rules, services, trust, verify
from pki.models import BoundCertificate, RevokedSerial, TrustedIssuer
from tests.factories import make_unit
from tests.pki.opensslset import Builder

pytestmark = pytest.mark.django_db


def login(client, data):
    return client.post("/pki/login/", data, content_type="application/json")


def check(client, text: str) -> str:
    answer = client.post("/pki/check/", {"certificate": text}, content_type="application/json").json()
    return answer["checks"][0]["message"]


# --- 1. loading the trust store --------------------------------------------------------------------


def refusal(osset, name, cas):
    with pytest.raises(DomainError) as refused:
        trust.trust_load(osset.trust_folder(name, cas))
    with pytest.raises(CommandError) as printed:
        call_command("trust_load", str(osset.folder / name))
    assert str(printed.value) == refused.value.message
    assert not TrustedIssuer.objects.exists()  # all or nothing
    return refused.value.message


def test_expired_ca_not_loaded(db, osset):
    expired = osset.planted["o-rsa-expired"]
    message = refusal(osset, "t-expired", [osset.roots["rsa"], expired])
    assert message.startswith("CA「OpenSSL过期中级CA」（o-rsa-expired.pem）的证书已于") and "过期" in message


def test_non_ca_not_loaded(db, osset):
    message = refusal(osset, "t-notca", [osset.roots["rsa"], osset.planted["o-rsa-notca"]])
    assert message == trust.TRUST_NOT_CA.format(
        name="OpenSSL非CA中级", file="o-rsa-notca.pem", why="基本约束中cA不为真"
    )


def test_intermediate_without_its_issuer_not_loaded(db, osset):
    message = refusal(osset, "t-orphan", [osset.intermediates["rsa"]])
    assert message == trust.TRUST_NO_PARENT.format(
        name="OpenSSL中级CA（RSA）", file="o-rsa-int.pem", issuer="OpenSSL根CA（RSA）"
    )


def test_intermediate_not_signed_by_the_ca_it_names_not_loaded(db, osset, tmp_path):
    # Another root with the very same name, but another key.
    impostor = Builder(tmp_path, sm2=False).root("o-rsa-root", "OpenSSL根CA（RSA）", "rsa")
    message = refusal(osset, "t-forged", [impostor, osset.intermediates["rsa"]])
    assert message == trust.TRUST_PARENT_FORGED.format(
        name="OpenSSL中级CA（RSA）", file="o-rsa-int.pem", issuer="OpenSSL根CA（RSA）"
    )


def test_intermediates_load_under_their_root_whatever_the_order(db, osset):
    cas = [osset.intermediates["sub"], osset.intermediates["p256"], osset.roots["p256"]]
    trust.trust_load(osset.trust_folder("t-order", cas))
    sub = TrustedIssuer.objects.get(slug="o-p256-sub")
    assert (sub.parent.slug, sub.parent.parent.slug, sub.parent.parent.parent) == (
        "o-p256-int",
        "o-p256-root",
        None,
    )


# --- 4. identity by issuer and serial, canonical DER -----------------------------------------------


def test_blocked_certificate_cannot_come_back_in_another_encoding(client, ostrusted, challenge):
    leaf = ostrusted.good["p256"]
    unit = make_unit(name=leaf.name, code=leaf.code)
    assert login(client, leaf.signed(nonce=challenge())).json()["ok"] is True
    bound = BoundCertificate.objects.get(subject=unit.subject)
    services.certificate_unbind_on_request(actor=services.SYSTEM, bound=bound, reason="USB Key丢失")
    client.post("/registry/logout/")

    der = pem.unarmor(leaf.pem.encode())[2]
    ber = pem.armor("CERTIFICATE", b"\x30\x83\x00" + der[2:]).decode()  # long-form length: BER
    assert (
        login(client, {**leaf.signed(nonce=challenge()), "certificate": ber}).json()["error"]
        == verify.NOT_DER
    )
    # The same certificate signed again (ECDSA: other bytes, same issuer and serial) is still blocked.
    again = ostrusted.make.resign(leaf)
    assert again.pem != leaf.pem
    assert login(client, again.signed(nonce=challenge())).json()["error"] == rules.BIND_BLOCKED
    assert BoundCertificate.objects.filter(subject=unit.subject).count() == 1


def _outer(der: bytes) -> bytes:
    """The contents of the certificate's outer SEQUENCE (after its header 30 82 LL LL)."""
    assert der[:2] == b"\x30\x82"
    return der[4:]


def test_indefinite_length_encoding_refused(client, ostrusted):
    body = _outer(pem.unarmor(ostrusted.good["rsa"].pem.encode())[2])
    ber = pem.armor("CERTIFICATE", b"\x30\x80" + body + b"\x00\x00").decode()
    assert check(client, ber) == verify.NOT_DER


def test_outer_signature_algorithm_respelt_refused(client, ostrusted):
    # sha256WithRSAEncryption with its NULL parameters dropped outside the signed part: valid DER,
    # the signature still verifies, and yet other bytes than the certificate the CA issued.
    body = _outer(pem.unarmor(ostrusted.good["rsa"].pem.encode())[2])
    with_null = bytes.fromhex("300d06092a864886f70d01010b0500")
    assert body.count(with_null) == 2  # inside the signed part and outside it
    at = body.rindex(with_null)
    respelt = body[:at] + bytes.fromhex("300b06092a864886f70d01010b") + body[at + len(with_null) :]
    der = b"\x30\x82" + len(respelt).to_bytes(2, "big") + respelt
    assert check(client, pem.armor("CERTIFICATE", der).decode()) == verify.ALGORITHM_MISMATCH


def test_fingerprint_is_of_the_canonical_der(client, ostrusted):
    leaf = ostrusted.good["sm2" if ostrusted.sm2 else "rsa"]
    holder = services.certificate_check(certificate=leaf.pem)
    der = pem.unarmor(leaf.pem.encode())[2]
    assert holder.fingerprint == hashlib.sha256(der).hexdigest()


# --- 6. PEM bundles ----------------------------------------------------------------------------------


def test_bundle_with_the_holders_own_chain_accepted(client, ostrusted):
    leaf = ostrusted.good["rsa"]
    bundle = leaf.pem + ostrusted.intermediates["rsa"].pem + ostrusted.roots["rsa"].pem
    assert check(client, bundle).startswith("证书状态正常")


def test_bundle_with_another_ca_refused(client, ostrusted):
    leaf = ostrusted.good["rsa"]
    assert check(client, leaf.pem + ostrusted.roots["p256"].pem) == verify.CHAIN_EXTRA.format(
        name="OpenSSL根CA（P-256）"
    )


def test_bundle_with_a_private_key_refused(client, ostrusted):
    leaf = ostrusted.good["rsa"]
    assert check(client, leaf.pem + leaf.key_pem.decode()) == verify.PEM_OTHER_BLOCK.format(
        kind="PRIVATE KEY"
    )


def test_text_between_blocks_refused(client, ostrusted):
    leaf = ostrusted.good["rsa"]
    assert check(client, leaf.pem + "hello\n" + ostrusted.intermediates["rsa"].pem) == verify.TRAILING_DATA


# --- 7. key policy -----------------------------------------------------------------------------------


def test_policy_from_issuers_toml(client, osset):
    osset.trust()
    relaxed = 'min_rsa_bits = 1024\nrequire_key_usage = false\nalgorithms = ["rsa"]\n'
    trust.trust_load(osset.trust_folder("t-relaxed", extra=relaxed))
    assert check(client, osset.bad["RSA-1024"].pem).startswith("证书状态正常")
    assert check(client, osset.bad["no key usage"].pem).startswith("证书状态正常")
    assert check(client, osset.good["p256"].pem) == checks.ALGORITHM_NOT_ALLOWED.format(
        issuer="OpenSSL中级CA（P-256）", algorithm="ECDSA P-256"
    )


def test_policy_changed_in_admin_is_audited_and_enforced(client, ostrusted, admin_client):
    issuer = TrustedIssuer.objects.get(slug="o-rsa-int")
    page = admin_client.get("/admin/pki/trustedissuer/")
    assert "RSA密钥最少位数" in page.content.decode()
    response = admin_client.post(
        f"/admin/pki/trustedissuer/{issuer.pk}/change/", {"min_rsa_bits": "3072", "require_key_usage": "on"}
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert check(client, ostrusted.good["rsa"].pem) == checks.KEY_TOO_SHORT.format(
        bits=2048, issuer="OpenSSL中级CA（RSA）", minimum=3072
    )
    assert AuditEntry.objects.filter(action="pki.issuer_policy_changed").count() == 1


def test_public_list_of_issuers_shows_hierarchy_crl_and_policy(client, ostrusted):
    page = client.get("/pki/issuers/").content.decode()
    assert "本平台支持的CA机构" in page
    assert "OpenSSL根CA（P-256） → OpenSSL中级CA（P-256） → OpenSSL下级中级CA（超出路径长度）" in page
    assert "2048位" in page and "发布于" in page
    assert "<td>ECDSA P-256</td>" in page and "<td>P256</td>" not in page  # names, not codes
    assert "/pki/issuers/" in client.get("/pki/detect/").content.decode()


def test_disabled_root_withdraws_its_intermediates(client, ostrusted):
    TrustedIssuer.objects.filter(slug="o-rsa-root").update(enabled=False)
    assert check(client, ostrusted.good["rsa"].pem) == verify.UNTRUSTED_ISSUER.format(
        issuer="OpenSSL中级CA（RSA）"
    )
    assert "OpenSSL中级CA（RSA）" not in client.get("/pki/issuers/").content.decode()


def test_revocation_after_the_time_of_a_seal_does_not_undo_it(ostrusted):
    # The intermediate was revoked now; a signature time before that still holds (seals).
    leaf = ostrusted.bad["intermediate revoked"]
    revoked_at = RevokedSerial.objects.get(issuer__slug="o-rsa-root").revoked_at
    earlier = revoked_at - dt.timedelta(seconds=1)
    assert services.certificate_check(certificate=leaf.pem, now=earlier).code == leaf.code


def test_migration_keys_stored_certificates_by_their_canonical_der(client, ostrusted, challenge):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("pki.migrations.0004_issuer_hierarchy_policy_certificate_identity")
    leaf = ostrusted.good["rsa"]
    unit = make_unit(name=leaf.name, code=leaf.code)
    login(client, leaf.signed(nonce=challenge()))
    der = pem.unarmor(leaf.pem.encode())[2]
    ber = pem.armor("CERTIFICATE", b"\x30\x83\x00" + der[2:]).decode()
    BoundCertificate.objects.filter(subject=unit.subject).update(certificate_pem=ber, fingerprint="0" * 64)

    migration.merge_and_canonicalise(apps, None)

    bound = BoundCertificate.objects.get(subject=unit.subject)
    assert bound.fingerprint == hashlib.sha256(der).hexdigest()
    assert verify.load_certificate(bound.certificate_pem).dump() == der
