"""CA证书激活 (000 §6.2.2; 001 远程证书激活) with real certificates and signed challenges, and the
practitioner's login through the one certificate login as the agency, named in every audit row."""

import copy

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from centers import activation
from centers import people_rules as rules
from centers.models import CertificateActivation
from centers.people_context import acting_person
from core.errors import DomainError, StateError
from core.models import AuditEntry
from pki import rules as pki_rules
from pki import services as pki_services
from pki.models import TrustedIssuer
from registry.auth import ACTING_PERSON_KEY, AUTH_METHOD_KEY, CERTIFICATE
from registry.samples import pdf_bytes
from tests.centers.factories import center
from tests.centers.people_factories import (
    acting_for,
    enter,
    make_agency,
    make_practitioner,
    person_key,
    trust_all,
    unit_actor,
)
from tests.factories import submit_basic
from tests.pkiparts import holder

pytestmark = pytest.mark.django_db


@pytest.fixture
def trusted(tmp_path):
    return trust_all(tmp_path / "trust")


def checked(key):
    return pki_services.certificate_check(certificate=key.pem)


def activate(account, practitioner, key, **kwargs):
    kwargs.setdefault("actor", unit_actor(account))
    return activation.activation_create(
        center=practitioner.center, practitioner=practitioner, holder=checked(key), **kwargs
    )


# --- services --------------------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["rsa", "p256", "sm2"])
def test_approved_practitioners_own_certificate_is_activated(trusted, agency, algorithm):
    account, entry = agency
    person = make_practitioner(account, entry, state="approved", name="张三")
    key = person_key(trusted[algorithm], person)

    made = activate(account, person, key)

    assert made.practitioner == person and made.center == entry.center and made.revoked_at is None
    assert made.holder_code == person.id_number and made.holder_name == "张三"
    assert made.issuer == TrustedIssuer.objects.get(slug=algorithm) and made.activated_by == account
    row = AuditEntry.objects.get(action="centers.certificate_activated")
    assert row.target_id == str(made.pk) and row.data["serial"] == made.serial
    assert row.data["center"] == "changde"
    listed = list(activation.approved_practitioners_for(center_subject=entry))
    assert listed == [person] and listed[0].active_activations == [made]


@pytest.mark.parametrize("state", ["draft", "submitted", "rejected"])
def test_only_an_approved_practitioner_is_activated(trusted, agency, state):
    account, entry = agency
    person = make_practitioner(account, entry, state=state, name="李四")
    with pytest.raises(StateError) as refused:
        activate(account, person, person_key(trusted["rsa"], person))
    assert refused.value.message == rules.ACTIVATE_NOT_APPROVED.format(
        name="李四", status=person.get_status_display()
    )
    assert not CertificateActivation.objects.at(entry.center).exists()


def test_another_persons_certificate_is_refused_naming_both(trusted, agency):
    account, entry = agency
    person = make_practitioner(account, entry, state="approved", name="王五", id_number="360426199101010071")
    stranger = holder(trusted["p256"], name="赵六", code="11010519491231002X", kind="person")
    with pytest.raises(DomainError) as refused:
        activate(account, person, stranger)
    assert refused.value.message == rules.ACTIVATE_OTHER_PERSON.format(
        holder="赵六", code="1101**********002X", name="王五", id_number="3604**********0071"
    )
    unit_key = holder(trusted["rsa"], name=account.subject.name, code=account.subject.code)
    with pytest.raises(DomainError) as refused:
        activate(account, person, unit_key)
    assert refused.value.message == rules.ACTIVATE_OTHER_PERSON.format(
        holder=account.subject.name,
        code=rules.mask_id_number(account.subject.code),
        name="王五",
        id_number="3604**********0071",
    )


def test_the_center_may_accept_only_some_issuers(trusted, agency):
    account, entry = agency
    at = entry.center
    at.accepted_issuers = ["p256", "sm2"]
    at.save(update_fields=["accepted_issuers"])
    person = make_practitioner(account, entry, state="approved")

    with pytest.raises(DomainError) as refused:
        activate(account, person, person_key(trusted["rsa"], person))
    assert refused.value.message == rules.ACTIVATE_ISSUER_REFUSED.format(
        center=at.name,
        issuer=trusted["rsa"].name,
        accepted="、".join(sorted([trusted["p256"].name, trusted["sm2"].name])),
    )
    assert activate(account, person, person_key(trusted["sm2"], person)).issuer.slug == "sm2"


def test_one_certificate_is_active_once_per_center(trusted, agency):
    account, entry = agency
    person = make_practitioner(account, entry, state="approved", name="孙七", id_number="360426199101010071")
    key = person_key(trusted["rsa"], person)
    activate(account, person, key)
    with pytest.raises(StateError) as refused:
        activate(account, person, key)
    assert refused.value.message == rules.ACTIVATE_ALREADY.format(name="孙七")

    # The same person listed by another agency cannot bring the same key there.
    other, other_entry = make_agency(entry.center, name="另一家代理有限公司")
    there = make_practitioner(
        other, other_entry, state="approved", name="孙七", id_number="360426199101010071"
    )
    with pytest.raises(DomainError) as refused:
        activate(other, there, key)
    assert refused.value.message == rules.ACTIVATE_TAKEN.format(center=entry.center.name)


def test_one_certificate_represents_one_unit_across_centers(trusted, agency):
    account, entry = agency
    person = make_practitioner(account, entry, state="approved", name="郑十", id_number="360426199101010071")
    key = person_key(trusted["rsa"], person)
    activate(account, person, key)

    # Another agency at another center may not take the key the login would find for this unit.
    fengtai = center("fengtai")
    fengtai.accepted_issuers = []  # takes every issuer, so only the rule under test can refuse
    fengtai.save(update_fields=["accepted_issuers"])
    other, other_entry = make_agency(fengtai, name="丰台另一家代理有限公司")
    there = make_practitioner(
        other, other_entry, state="approved", name="郑十", id_number="360426199101010071"
    )
    with pytest.raises(DomainError) as refused:
        activate(other, there, key)
    assert refused.value.message == rules.ACTIVATE_TAKEN.format(center=entry.center.name)
    assert not CertificateActivation.objects.at(other_entry.center).exists()

    # The same unit at another center still acts for the same unit: allowed.
    own_there = enter(account, fengtai)
    same = make_practitioner(
        account, own_there, state="approved", name="郑十", id_number="360426199101010071"
    )
    assert activate(account, same, key).center == own_there.center


def test_revoke_then_the_certificate_may_be_activated_again(trusted, agency):
    account, entry = agency
    person = make_practitioner(account, entry, state="approved")
    key = person_key(trusted["p256"], person)
    made = activate(account, person, key)

    revoked = activation.activation_revoke(actor=unit_actor(account), activation=made)
    assert revoked.revoked_at and revoked.revoked_by == account
    revoked_row = AuditEntry.objects.get(action="centers.certificate_revoked", target_id=str(made.pk))
    assert revoked_row.data["center"] == "changde"
    with pytest.raises(StateError) as refused:
        activation.activation_revoke(actor=unit_actor(account), activation=made)
    assert refused.value.message.startswith("该证书已于") and refused.value.message.endswith("停用。")
    assert activate(account, person, key).pk != made.pk


def test_acting_person_may_neither_activate_nor_revoke(trusted, agency):
    account, entry = agency
    person = make_practitioner(account, entry, state="approved")
    key = person_key(trusted["rsa"], person)
    acting = acting_for(account)
    message = rules.UNIT_ONLY.format(action=rules.ACTION_ACTIVATION)
    with pytest.raises(DomainError) as refused:
        activate(account, person, key, actor=acting)
    assert refused.value.message == message
    made = activate(account, person, key)
    with pytest.raises(DomainError) as refused:
        activation.activation_revoke(actor=acting, activation=made)
    assert refused.value.message == message


# --- over HTTP, with a signed challenge ---------------------------------------------------------


def nonce(client, purpose):
    response = client.post("/pki/challenge/", {"purpose": purpose})
    assert response.status_code == 200
    return response.json()["nonce"]


def post_signed(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_agency_logged_in_by_password_reads_and_activates_the_persons_certificate(
    trusted, agency, password_client
):
    account, entry = agency
    person = make_practitioner(account, entry, state="approved", name="周八")
    key = person_key(trusted["sm2"], person)
    client = password_client(account)
    url = f"/centers/changde/activation/{person.pk}/activate/"

    # A signature made for logging in is no activation.
    login_signed = key.signed(nonce=nonce(client, "login"), purpose="login")
    assert post_signed(client, url, login_signed).json()["error"] == pki_rules.CHALLENGE_UNKNOWN

    answer = post_signed(client, url, key.signed(nonce=nonce(client, "bind"), purpose="bind"))
    assert answer.json() == {"ok": True, "redirect": f"/centers/changde/activation/{person.pk}/"}
    made = CertificateActivation.objects.at(entry.center).get(practitioner=person)
    page = client.get(answer.json()["redirect"]).content.decode()
    assert rules.ACTIVATED.format(name="周八", serial=made.serial) in page and made.serial in page

    again = post_signed(client, url, key.signed(nonce=nonce(client, "bind"), purpose="bind"))
    assert again.status_code == 400 and again.json()["error"] == rules.ACTIVATE_ALREADY.format(name="周八")


def test_another_agencys_practitioner_cannot_be_activated_or_seen(trusted, agency, password_client):
    account, entry = agency
    person = make_practitioner(account, entry, state="approved")
    other, _ = make_agency(entry.center, name="旁观代理有限公司")
    client = password_client(other)
    key = person_key(trusted["rsa"], person)
    url = f"/centers/changde/activation/{person.pk}/activate/"
    assert (
        post_signed(client, url, key.signed(nonce=nonce(client, "bind"), purpose="bind")).status_code == 404
    )
    assert client.get(f"/centers/changde/activation/{person.pk}/").status_code == 404


# --- the practitioner's login ------------------------------------------------------------------


def log_in(client, key):
    return post_signed(client, "/pki/login/", key.signed(nonce=nonce(client, "login")))


def test_activated_certificate_logs_in_as_the_agency_and_names_the_person_in_the_audit(
    trusted, agency, settings
):
    account, entry = agency
    person = make_practitioner(account, entry, state="approved", name="吴九", id_number="360426199101010071")
    key = person_key(trusted["p256"], person)
    activate(account, person, key)
    client = Client()

    answer = log_in(client, key)

    assert answer.json() == {"ok": True, "redirect": "/centers/changde/"}
    assert int(client.session["_auth_user_id"]) == account.pk
    assert client.session[AUTH_METHOD_KEY] == CERTIFICATE
    label = "吴九（3604**********0071）"
    assert client.session[ACTING_PERSON_KEY] == {
        "practitioner": person.pk,
        "center": "changde",
        "label": label,
        "name": "吴九",
    }
    login_row = AuditEntry.objects.get(action="centers.practitioner_login")
    assert login_row.actor == account and login_row.data["acting_person"] == label
    assert CertificateActivation.objects.at(entry.center).get(practitioner=person).last_login_at

    # Whatever the person does next in the session is written down with their name (at the
    # center: the unit's registry data, certificates and seals stay the unit's own).
    uploads = AuditEntry.objects.filter(action="registry.attachment_uploaded").count()
    refused = client.post(
        "/registry/qualification/new/",
        {"action": "save", "certificate_scan__file": SimpleUploadedFile("资质.pdf", pdf_bytes("q"))},
    )
    assert refused.status_code == 302
    assert AuditEntry.objects.filter(action="registry.attachment_uploaded").count() == uploads
    submit_basic(account)  # 有效 in the registry, so 「重新同步」 is open to it
    client.post("/centers/resync/")
    resync_row = AuditEntry.objects.filter(action="registry.subject_resync_requested").latest("id")
    assert resync_row.actor == account and resync_row.data["acting_person"] == label

    # The header's words, from the context processor.
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["context_processors"].append("centers.people_context.acting_person")
    settings.TEMPLATES = templates
    page = client.get("/centers/changde/practitioners/construction/")
    assert page.context["acting_person_banner"] == f"从业人员 吴九 代表 {account.subject.name} 操作"


def test_acting_person_is_refused_unit_only_pages(trusted, agency):
    account, entry = agency
    person = make_practitioner(account, entry, state="approved")
    key = person_key(trusted["rsa"], person)
    activate(account, person, key)
    client = Client()
    log_in(client, key)

    page = client.get("/centers/changde/practitioners/construction/new/", follow=True).content.decode()
    assert rules.UNIT_ONLY.format(action=rules.ACTION_PRACTITIONERS) in page
    draft = make_practitioner(account, entry, name="草稿人员")
    page = client.get(f"/centers/changde/practitioners/{draft.pk}/").content.decode()
    assert "草稿人员" in page and "下一步" not in page  # read, not edited
    page = client.post(f"/centers/changde/practitioners/{draft.pk}/", {"name": "改"}, follow=True)
    assert rules.UNIT_ONLY.format(action=rules.ACTION_PRACTITIONERS) in page.content.decode()
    page = client.get("/centers/changde/unbind/new/", follow=True).content.decode()
    assert rules.UNIT_ONLY.format(action=rules.ACTION_UNBIND) in page
    answer = post_signed(
        client,
        f"/centers/changde/activation/{person.pk}/activate/",
        key.signed(nonce=nonce(client, "bind"), purpose="bind"),
    )
    assert answer.json()["error"] == rules.UNIT_ONLY.format(action=rules.ACTION_ACTIVATION)


def test_revoked_certificate_no_longer_logs_in_for_the_agency(trusted, agency):
    account, entry = agency
    person = make_practitioner(account, entry, state="approved")
    key = person_key(trusted["rsa"], person)
    made = activate(account, person, key)
    activation.activation_revoke(actor=unit_actor(account), activation=made)

    client = Client()
    answer = log_in(client, key)
    # Now only the person's own registration is offered (nobody registered with that ID number).
    assert answer.json()["redirect"] == "/registry/register/details/"
    assert "_auth_user_id" not in client.session and ACTING_PERSON_KEY not in client.session


def test_practitioner_session_acts_only_at_the_center_that_activated_it(trusted, agency):
    account, entry = agency
    enter(account, center("fengtai"))  # the unit is known at 丰台 too
    person = make_practitioner(account, entry, state="approved")
    key = person_key(trusted["rsa"], person)
    activate(account, person, key)
    client = Client()
    log_in(client, key)

    home = client.get("/centers/changde/")
    assert home.status_code == 200
    page = home.content.decode()
    for name in ("practitioners", "activation_list", "unbind_list"):
        assert f'href="{reverse(f"centers:{name}", args=["changde"])}"' in page

    elsewhere = client.get("/centers/fengtai/")
    assert elsewhere.status_code == 403
    assert rules.ACTING_OTHER_CENTER.format(center=entry.center.name) in elsewhere.content.decode()
    assert client.session[ACTING_PERSON_KEY]["center"] == "changde"  # still logged in for 常德


def test_practitioner_session_ends_when_the_activation_is_revoked(trusted, agency):
    account, entry = agency
    person = make_practitioner(account, entry, state="approved")
    key = person_key(trusted["rsa"], person)
    made = activate(account, person, key)
    client = Client()
    log_in(client, key)
    assert client.get("/centers/changde/practitioners/construction/").status_code == 200

    activation.activation_revoke(actor=unit_actor(account), activation=made)

    refused = client.get("/centers/changde/practitioners/construction/")
    assert refused.status_code == 403 and rules.ACTING_ENDED in refused.content.decode()
    assert "_auth_user_id" not in client.session and ACTING_PERSON_KEY not in client.session


def test_a_center_that_stopped_taking_the_issuer_refuses_the_login(trusted, agency):
    account, entry = agency
    person = make_practitioner(account, entry, state="approved")
    key = person_key(trusted["rsa"], person)
    activate(account, person, key)
    entry.center.accepted_issuers = ["sm2"]
    entry.center.save(update_fields=["accepted_issuers"])

    client = Client()
    answer = log_in(client, key)
    assert answer.status_code == 400
    assert answer.json()["error"] == rules.ACTIVATE_ISSUER_REFUSED.format(
        center=entry.center.name, issuer=trusted["rsa"].name, accepted=trusted["sm2"].name
    )
    assert "_auth_user_id" not in client.session


def test_context_processor_is_silent_for_a_unit_session(rf, agency):
    account, _ = agency
    request = rf.get("/")
    request.user = account
    request.session = {}
    assert acting_person(request) == {}
