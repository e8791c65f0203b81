"""The subject's pages at a center over HTTP: home, 单位信息, 诚信承诺书, 主体类型, the role pick."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from centers import roles, rules
from centers.models import ProfileStatus, SubjectOrigin, SubjectType
from pki import services as pki_services
from pki.sessions import CERTIFICATE_SESSION_KEY
from registry.forms import PHONE_INVALID
from review.models import ReviewItem
from tests.centers.factories import (
    center,
    enter,
    make_entry,
    profile_data,
    ready_to_submit,
    save_profile,
    sealed_commitment,
    submit,
)
from tests.factories import make_unit

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return response.content.decode()


def post_profile(client, entry, action="save", **overrides):
    entry.refresh_from_db()
    data = {**profile_data(entry), **overrides, "revision": entry.profile_revision, "action": action}
    return client.post(f"/centers/{entry.center.code}/profile/", data)


# --- home -------------------------------------------------------------------------------------------


def test_a_center_that_does_not_know_the_subject_answers_404(certificate_client):
    account, _ = make_entry("changde")
    client = certificate_client(account)
    assert client.get("/centers/hengyang/").status_code == 404
    assert client.get("/centers/nowhere/").status_code == 404
    assert client.get("/centers/changde/").status_code == 200


def test_home_shows_the_registry_data_read_only_and_the_next_step(certificate_client):
    account, _ = make_entry("changde")
    html = page(certificate_client(account).get("/centers/changde/"))
    assert "常德诚信建设有限公司" in html and account.subject.code in html and "王五" in html
    assert "到统一注册平台变更" in html and 'href="/registry/basic/"' in html
    assert "下一步" in html and "完善单位信息" in html and "生成并签章诚信承诺书" in html
    assert "暂无业务权限" in html
    for link in ("/centers/changde/profile/", "/centers/changde/commitment/", "/centers/changde/types/"):
        assert link in html
    for link in (
        "/centers/changde/practitioners/",
        "/centers/changde/activation/",
        "/centers/changde/unbind/",
    ):
        assert link in html


def test_a_legacy_subject_is_sent_to_the_center_not_to_the_registry(certificate_client):
    account, _ = make_entry("changde", origin=SubjectOrigin.LEGACY)
    html = page(certificate_client(account).get("/centers/changde/"))
    assert "在本中心修改" in html and "到统一注册平台变更" not in html


def test_home_of_an_approved_subject_lists_permissions_and_why_in_pinned_queries(
    certificate_client, key_for, django_assert_num_queries
):
    account, entry = make_entry("changde")
    ready_to_submit(account, entry, key_for(account))
    submit(account, entry)
    client = certificate_client(account)
    client.get("/centers/changde/")  # warm the session row
    # session, account, subject, center, entry (with its commitment), types, seals on the commitment,
    # the unit's certificates, the permissions
    with django_assert_num_queries(9):
        html = page(client.get("/centers/changde/"))
    assert "投标报名" in html and "下载招标文件" in html and "递交投标文件" in html
    assert rules.GRANTED_ON_COMMITMENT.format(center="常德市公共资源交易中心") in html
    assert "单位信息已审核通过" in html and "已签章" in html


# --- 单位信息 ----------------------------------------------------------------------------------------


def test_bad_input_is_shown_on_the_same_page_with_the_input_kept(certificate_client):
    account, entry = make_entry("changde")
    client = certificate_client(account)
    response = post_profile(client, entry, contact_phone="12345", contact_name="赵敏敏")
    html = page(response)
    assert response.status_code == 200 and PHONE_INVALID in html
    assert 'value="赵敏敏"' in html and 'value="12345"' in html and "没有保存" in html
    entry.refresh_from_db()
    assert entry.profile_revision == 0


def test_the_refund_account_name_must_be_the_units(certificate_client):
    account, entry = make_entry("changde")
    html = page(post_profile(certificate_client(account), entry, refund_account_name="张三"))
    assert rules.REFUND_NAME_DIFFERS.format(name="常德诚信建设有限公司") in html and 'value="张三"' in html


def test_a_stale_save_keeps_the_input_and_the_second_save_wins(certificate_client):
    account, entry = make_entry("changde")
    client = certificate_client(account)
    save_profile(account, entry, contact_name="另一个窗口")
    stale = client.post(
        "/centers/changde/profile/",
        {**profile_data(entry), "contact_name": "我的输入", "revision": 0, "action": "save"},
    )
    html = page(stale)
    assert "单位信息已在其他窗口（或由他人）于" in html and 'value="我的输入"' in html
    assert "与已保存内容不同的字段：业务联系人" in html and 'name="revision" value="1"' in html
    client.post(
        "/centers/changde/profile/",
        {**profile_data(entry), "contact_name": "我的输入", "revision": 1, "action": "save"},
    )
    entry.refresh_from_db()
    assert entry.profile_draft["contact_name"] == "我的输入"


def test_a_synced_subject_cannot_post_registry_fields(certificate_client):
    account, entry = make_entry("changde")
    client = certificate_client(account)
    html = page(client.get("/centers/changde/profile/"))
    assert 'name="name"' not in html and 'name="legal_rep_name"' not in html
    post_profile(client, entry, name="偷偷改名有限公司")
    entry.refresh_from_db()
    assert "name" not in entry.profile_draft


def test_the_first_draft_starts_from_the_registry(certificate_client):
    account, _ = make_entry("changde")
    html = page(certificate_client(account).get("/centers/changde/profile/"))
    assert (
        'value="李四"' in html and 'value="6217000000000000"' in html and 'value="中国银行衡阳分行"' in html
    )


def test_submit_with_empty_required_fields_marks_them(certificate_client):
    account, entry = make_entry("changde")
    client = certificate_client(account)
    response = post_profile(client, entry, action="submit", contact_email="")
    assert response.status_code == 302 and response["Location"] == "/centers/changde/profile/?missing=1"
    html = page(client.get(response["Location"]))
    assert rules.PROFILE_MISSING.format(fields="电子邮箱") in html


def test_submit_without_a_sealed_commitment_says_so_and_keeps_the_input(certificate_client):
    account, entry = make_entry("changde")
    response = post_profile(
        certificate_client(account), entry, action="submit", introduction="我们是一家建筑企业"
    )
    html = page(response)
    assert response.status_code == 200 and rules.COMMITMENT_MISSING in html
    assert "我们是一家建筑企业" in html and "您的修改已保存，但尚未提交" in html


def test_submit_at_changde_is_approved_and_home_says_so(certificate_client, key_for):
    account, entry = make_entry("changde")
    key = key_for(account)
    client = certificate_client(account)
    post_profile(client, entry)
    sealed_commitment(account, entry, key)
    response = post_profile(client, entry, action="submit")
    assert response["Location"] == "/centers/changde/"
    html = page(client.get("/centers/changde/"))
    assert rules.SUBMITTED_APPROVED.format(center="常德市公共资源交易中心") in html and "投标报名" in html


def test_submit_at_hengyang_tells_until_when_and_offers_withdraw(certificate_client, key_for):
    account, entry = make_entry("hengyang", types=(SubjectType.AGENCY,))
    key = key_for(account)
    client = certificate_client(account)
    post_profile(client, entry)
    sealed_commitment(account, entry, key)
    response = post_profile(client, entry, action="submit")
    item = ReviewItem.objects.get()
    html = page(client.get(response["Location"]))
    assert (
        rules.SUBMITTED_FOR_REVIEW.format(
            department="市场主体科", due=rules.DUE_BY.format(day=rules.due_label(item.due_at))
        )
        in html
    )
    profile_page = page(client.get("/centers/hengyang/profile/"))
    assert "撤回" in profile_page and 'name="contact_name"' not in profile_page
    client.post("/centers/hengyang/profile/withdraw/")
    entry.refresh_from_db()
    assert entry.profile_status == ProfileStatus.DRAFT


def test_a_rejected_profile_shows_the_opinion(certificate_client, key_for):
    account, entry = make_entry("hengyang", types=(SubjectType.AGENCY,))
    entry.profile_status, entry.decision_opinion = ProfileStatus.REJECTED, "营业执照已过期"
    entry.profile_draft = profile_data(entry)
    entry.save()
    client = certificate_client(account)
    assert "营业执照已过期" in page(client.get("/centers/hengyang/"))
    assert "营业执照已过期" in page(client.get("/centers/hengyang/profile/"))


def test_a_legacy_rename_warns_that_the_certificate_should_follow(certificate_client, key_for):
    account, entry = make_entry("changde", name="常德旧名称有限公司", origin=SubjectOrigin.LEGACY)
    key = key_for(account)
    ready_to_submit(account, entry, key)
    submit(account, entry)
    client = certificate_client(account)
    session = client.session
    session[CERTIFICATE_SESSION_KEY] = pki_services.certificate_check(certificate=key.pem).fingerprint
    session.save()

    post_profile(client, entry, name="常德新名称有限公司", refund_account_name="常德新名称有限公司")
    sealed_commitment(account, entry, key)
    response = post_profile(
        client, entry, action="submit", name="常德新名称有限公司", refund_account_name="常德新名称有限公司"
    )
    html = page(client.get(response["Location"]))
    assert (
        rules.NAME_CHANGED_RENEW_CERTIFICATE.format(old="常德旧名称有限公司", new="常德新名称有限公司")
        in html
    )
    assert (
        rules.CERTIFICATE_NAME_DIFFERS.format(cert_name="常德旧名称有限公司", name="常德新名称有限公司")
        in html
    )


# --- 诚信承诺书 -----------------------------------------------------------------------------------------


def test_the_commitment_is_generated_here_and_sealed_on_the_signing_page(certificate_client, key_for):
    account, entry = make_entry("changde")
    key = key_for(account)
    client = certificate_client(account)
    assert "尚未生成诚信承诺书" in page(client.get("/centers/changde/commitment/"))
    client.post("/centers/changde/commitment/")
    entry.refresh_from_db()
    html = page(client.get("/centers/changde/commitment/"))
    assert f'href="/signing/documents/{entry.commitment_id}/"' in html and rules.COMMITMENT_NOT_SEALED in html
    assert entry.commitment.title == rules.COMMITMENT_TITLE.format(center="常德", name="常德诚信建设有限公司")

    sealed_commitment(account, entry, key)
    assert "已加盖单位公章" in page(client.get("/centers/changde/commitment/"))


# --- 主体类型 -------------------------------------------------------------------------------------------


def test_a_user_adds_a_type_and_is_told_whom_to_call_to_remove_one(certificate_client):
    account, _ = make_entry("changde")
    client = certificate_client(account)
    html = page(client.get("/centers/changde/types/"))
    assert "如需删除主体类型，请联系常德市公共资源交易中心（电话 0736-7256317）" in html
    assert 'value="bidder"' not in html  # held already: not offered
    response = client.post("/centers/changde/types/", {"type": SubjectType.TENDEREE})
    assert response.status_code == 302
    assert "已新增主体类型「招标人」" in page(client.get("/centers/changde/types/"))
    bad = client.post("/centers/changde/types/", {"type": "astronaut"})
    assert bad.status_code == 200 and "选择一个有效的选项" in page(bad)


# --- the role to act in (004 1.3) -----------------------------------------------------------------------


def test_a_subject_with_several_types_picks_its_role_on_entering(certificate_client):
    account, _ = make_entry("changde", types=(SubjectType.TENDEREE, SubjectType.AGENCY))
    client = certificate_client(account)
    entering = client.get("/centers/changde/")
    assert entering.status_code == 302 and entering["Location"].startswith("/centers/changde/role/")
    html = page(client.get(entering["Location"]))
    assert rules.ROLE_PICK_FIRST in html and "招标代理机构" in html and "招标人" in html

    picked = client.post("/centers/changde/role/", {"role": SubjectType.AGENCY, "next": "/centers/changde/"})
    assert picked["Location"] == "/centers/changde/"
    assert client.session[roles.ROLE_SESSION_KEY] == {"changde": "agency"}
    home = page(client.get("/centers/changde/"))
    assert "当前角色：<strong>招标代理机构</strong>" in home and "切换角色" in home

    refused = client.post("/centers/changde/role/", {"role": SubjectType.BIDDER})
    assert refused.status_code == 200 and "选择一个有效的选项" in page(refused)
    assert client.session[roles.ROLE_SESSION_KEY] == {"changde": "agency"}


def test_one_type_needs_no_pick_and_current_role_answers_per_center(certificate_client):
    account, _ = make_entry("changde", types=(SubjectType.TENDEREE, SubjectType.AGENCY))
    enter(account, center("hengyang"), types=(SubjectType.BIDDER,))
    request = RequestFactory().get("/")
    request.user = account
    request.session = {}
    assert roles.current_role(request, center("changde")) is None
    assert roles.current_role(request, center("hengyang")) == "bidder"
    request.session = {roles.ROLE_SESSION_KEY: {"changde": "tenderee"}}
    assert roles.current_role(request, center("changde")) == "tenderee"
    assert roles.current_role(request, center("fengtai")) is None  # not known there
    # A role no longer held (removed by staff) is not the current role any more.
    request.session = {roles.ROLE_SESSION_KEY: {"changde": "bidder"}}
    assert roles.current_role(request, center("changde")) is None


def test_an_outsider_cannot_open_anothers_center_pages(certificate_client):
    make_entry("changde")
    outsider = make_unit(name="旁观者科技有限公司")
    client = certificate_client(outsider)
    for path in ("/centers/changde/", "/centers/changde/profile/", "/centers/changde/types/"):
        assert client.get(path).status_code == 404
