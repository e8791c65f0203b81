"""丰台's own registration (002 §3) over HTTP with real certificates: the name and code are read from
the certificate, only the CAs 丰台 accepts may register, and the profile is reviewed within one
working day."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from centers import rules
from centers.models import CenterSubject, ProfileStatus, SubjectOrigin, SubjectType
from core.models import AuditEntry
from democa import issuing
from pki import services as pki_services
from pki.models import BindingHow, BoundCertificate, TrustedIssuer
from registry.auth import AUTH_METHOD_KEY, CERTIFICATE
from registry.models import Subject
from review import calendar
from review.models import ReviewItem, ReviewKind
from tests import pkiparts
from tests.centers.factories import (
    center,
    center_cas,
    profile_data,
    sealed_commitment,
    use_own_tsa,
)
from tests.factories import make_unit, new_uscc

pytestmark = pytest.mark.django_db


REGISTER = "/centers/fengtai/register/"
DETAILS = "/centers/fengtai/register/details/"


def nonce(client: Client) -> str:
    response = client.post("/pki/challenge/", {"purpose": "login"})
    assert response.status_code == 200, response.content
    return response.json()["nonce"]


def prove(client: Client, key: pkiparts.Holder) -> dict:
    """What static/js/agent.js posts after the agent signed the server's challenge."""
    response = client.post(REGISTER, key.signed(nonce=nonce(client)), content_type="application/json")
    return response.json()


def details(client: Client, **overrides: str):
    data = {"email": "caigou@example.cn", "password": "Fengtai2026pass", "password2": "Fengtai2026pass"}
    data.update(overrides)
    return client.post(DETAILS, data)


def test_the_page_offers_the_certificate_and_says_until_when_the_review_runs(client, trusted):
    html = client.get(REGISTER).content.decode()
    due = calendar.due_at(timezone.now(), 1)
    assert "单位名称和统一社会信用代码由CA数字证书读取生成" in html and "data-agent-sign" in html
    assert rules.due_label(due) in html and "星期" in rules.due_label(due)
    assert "北京一证通测试CA" in html and "湖南CA测试CA" not in html
    assert client.get("/centers/changde/register/").status_code == 404


def test_a_new_unit_registers_with_its_certificate_name_and_code(client, trusted):
    code = new_uscc()
    key = pkiparts.holder(trusted["demo-p256"], name="北京丰采供应链有限公司", code=code)
    answer = prove(client, key)
    assert answer == {"ok": True, "redirect": DETAILS}
    html = client.get(DETAILS).content.decode()
    assert "北京丰采供应链有限公司" in html and code in html and "由CA证书读取" in html
    assert 'name="name"' not in html  # nothing to retype

    mismatch = details(client, password2="Other2026pass")
    assert mismatch.status_code == 200 and "两次输入的密码不一致" in mismatch.content.decode()
    assert 'value="caigou@example.cn"' in mismatch.content.decode()
    done = details(client)
    assert done["Location"] == "/centers/fengtai/profile/"

    subject = Subject.objects.get(code=code)
    assert subject.name == "北京丰采供应链有限公司"
    bound = BoundCertificate.objects.get(subject=subject)
    assert bound.how == BindingHow.REGISTRATION and bound.holder_code == code
    entry = CenterSubject.objects.at(center("fengtai")).get(subject=subject)
    assert entry.origin == SubjectOrigin.OWN and entry.registry_data["name"] == "北京丰采供应链有限公司"
    assert (
        client.session[AUTH_METHOD_KEY] == CERTIFICATE
        and int(client.session["_auth_user_id"]) == subject.account.pk
    )
    assert AuditEntry.objects.filter(action="centers.subject_registered", subject_id=subject.pk).exists()
    profile = client.get("/centers/fengtai/profile/").content.decode()
    assert rules.REGISTER_DONE.format(days=1) in profile
    assert 'name="name"' in profile and 'value="北京丰采供应链有限公司"' in profile  # edited here (own)
    # The password works too, for the day the key is lost (002 §5).
    assert Client().login(username=code, password="Fengtai2026pass")


def test_a_certificate_from_a_ca_fengtai_does_not_accept_is_refused_naming_the_accepted(client, trusted):
    key = pkiparts.holder(trusted["hnca"], name="湖南外地供应商有限公司", code=new_uscc())
    answer = prove(client, key)
    assert answer["ok"] is False
    accepted = "、".join(
        TrustedIssuer.objects.filter(slug__startswith="demo-").values_list("name", flat=True)
    )
    assert answer["error"] == rules.REGISTER_ISSUER_NOT_ACCEPTED.format(
        center="北京市丰台区公共资源交易中心", issuers=accepted, issuer="湖南CA测试CA"
    )
    assert not Subject.objects.filter(name="湖南外地供应商有限公司").exists()


def test_a_personal_certificate_cannot_register_a_unit(client, trusted):
    key = pkiparts.holder(trusted["demo-rsa"], name="张三", code="11010519491231002X", kind="person")
    assert prove(client, key) == {"ok": False, "error": rules.REGISTER_UNIT_ONLY}


def test_a_unit_the_platform_knows_joins_fengtai_and_is_logged_in(client, trusted):
    account = make_unit(name="北京已注册科技有限公司")
    key = pkiparts.holder(trusted["demo-rsa"], name=account.subject.name, code=account.subject.code)
    assert prove(client, key) == {"ok": True, "redirect": "/centers/fengtai/profile/"}
    assert CenterSubject.objects.at(center("fengtai")).filter(subject=account.subject, origin="own").exists()
    assert BoundCertificate.objects.get(subject=account.subject).how == BindingHow.FIRST_LOGIN
    assert (
        rules.REGISTER_EXISTING_SUBJECT.format(center="北京市丰台区公共资源交易中心")
        in client.get("/centers/fengtai/profile/").content.decode()
    )

    again = Client()
    assert prove(again, key) == {"ok": True, "redirect": "/centers/fengtai/"}
    assert (
        rules.REGISTER_ALREADY_HERE.format(center="北京市丰台区公共资源交易中心")
        in again.get("/centers/fengtai/").content.decode()
    )
    assert CenterSubject.objects.at(center("fengtai")).filter(subject=account.subject).count() == 1


def test_a_certificate_revoked_before_the_details_are_sent_registers_nothing(client, trusted):
    key = pkiparts.holder(trusted["demo-rsa"], name="北京吊销测试有限公司", code=new_uscc())
    prove(client, key)
    crl = pkiparts.fresh_crl(center_cas()["demo-rsa"], revoked=[(issuing.serial_of(key.pem), issuing.now())])
    pki_services.crl_install(issuer=TrustedIssuer.objects.get(slug="demo-rsa"), data=crl, source="test")
    refused = details(client)
    assert refused.status_code == 200 and "被CA机构吊销" in refused.content.decode()
    assert not Subject.objects.filter(name="北京吊销测试有限公司").exists()


def test_details_without_a_proven_certificate_go_back_to_the_start(client, trusted):
    response = client.get(DETAILS)
    assert response["Location"] == REGISTER
    assert rules.REGISTER_EXPIRED in client.get(REGISTER).content.decode()


def test_registered_at_fengtai_then_reviewed_within_one_working_day(client, trusted, settings):
    use_own_tsa(settings)
    code = new_uscc()
    key = pkiparts.holder(trusted["demo-rsa"], name="北京丰台代理有限公司", code=code)
    prove(client, key)
    details(client)
    client.post("/centers/fengtai/types/", {"type": SubjectType.PROCUREMENT_AGENCY})
    entry = CenterSubject.objects.at(center("fengtai")).get(subject__code=code)
    account = entry.subject.account
    form = {**profile_data(entry, name="北京丰台代理有限公司"), "revision": 0, "action": "save"}
    assert client.post("/centers/fengtai/profile/", form).status_code == 302
    sealed_commitment(account, entry, key)
    entry.refresh_from_db()
    response = client.post(
        "/centers/fengtai/profile/", {**form, "revision": entry.profile_revision, "action": "submit"}
    )
    assert response["Location"] == "/centers/fengtai/"

    entry.refresh_from_db()
    item = ReviewItem.objects.get(kind=ReviewKind.PROFILE)
    assert entry.profile_status == ProfileStatus.SUBMITTED
    assert item.due_at == calendar.due_at(item.submitted_at, 1) and item.center.code == "fengtai"
    home = client.get("/centers/fengtai/").content.decode()
    assert f"预计 <strong>{rules.due_label(item.due_at)}</strong> 内完成（1个工作日）" in home
    assert "政府采购科" in home
