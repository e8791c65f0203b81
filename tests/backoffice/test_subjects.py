"""主体查询 over HTTP: a center's subjects by name or code, what the center keeps of each, and
removing a subject type (staff only, 000 §8.2) with a reason."""

import pytest

from centers.models import CenterPermission, CenterSubjectType
from core.models import AuditEntry
from tests.review.parts import center, center_subject

pytestmark = pytest.mark.django_db


def add_type(entry, type: str) -> CenterSubjectType:
    return CenterSubjectType.unscoped.create(center=entry.center, center_subject=entry, type=type)


def test_search_by_part_of_the_name_or_the_beginning_of_the_code(as_staff, support):
    wanted = center_subject("hengyang", "衡阳雁城建设有限公司")
    other = center_subject("hengyang", "衡阳蒸湘监理有限公司")
    elsewhere = center_subject("changde", "常德雁城建设有限公司")
    client = as_staff(support)

    by_name = client.get("/backoffice/subjects/", {"q": "雁城"}).content.decode()
    assert wanted.subject.name in by_name
    assert other.subject.name not in by_name and elsewhere.subject.name not in by_name
    by_code = client.get("/backoffice/subjects/", {"q": wanted.subject.code[:17].lower()}).content.decode()
    assert wanted.subject.name in by_code and other.subject.name not in by_code
    nothing = client.get("/backoffice/subjects/", {"q": "不存在的单位"}).content.decode()
    assert "没有找到“不存在的单位”" in nothing


def test_a_platform_administrator_picks_the_center(as_staff, admin):
    changde = center_subject("changde", "常德武陵建设有限公司")
    page = as_staff(admin).get("/backoffice/subjects/", {"center": "changde"}).content.decode()
    assert changde.subject.name in page


def test_another_centers_subject_is_not_found(as_staff, reviewer):
    elsewhere = center_subject("changde")
    client = as_staff(reviewer)
    assert client.get(f"/backoffice/subjects/changde/{elsewhere.pk}/").status_code == 404
    # The same row asked for under the member's own center is not there either.
    assert client.get(f"/backoffice/subjects/hengyang/{elsewhere.pk}/").status_code == 404
    assert client.get("/backoffice/subjects/", {"center": "changde"}).status_code == 404


def test_the_detail_shows_registry_data_types_permissions_and_the_audit_trail(as_staff, reviewer, support):
    entry = center_subject("hengyang", "衡阳详情建设有限公司")
    entry.registry_data = {
        "name": "衡阳详情建设有限公司",
        "status": "valid",
        "bidding_scope": "electronic",
        "basic": {
            "legal_rep_name": "王五",
            "entity_type": "91",
            "licence_scan": {"id": 7, "name": "营业执照.pdf", "sha256": "ab" * 32, "size": 10},
        },
        "records": [{"kind": "qualification", "title": "建筑工程施工总承包", "version": 2}],
    }
    entry.save(update_fields=["registry_data"])
    add_type(entry, "bidder")
    CenterPermission.unscoped.create(
        center=entry.center, center_subject=entry, code="bid", granted_because="诚信承诺书已签章"
    )
    url = f"/backoffice/subjects/hengyang/{entry.pk}/"

    page = as_staff(reviewer).get(url).content.decode()
    assert "<dt>法定代表人姓名</dt><dd>王五</dd>" in page
    assert "<dt>注册平台状态</dt><dd>有效</dd>" in page
    assert 'href="/backoffice/attachments/7/"' in page and "建筑工程施工总承包（第2版）" in page
    assert "投标人" in page and "诚信承诺书已签章" in page and "待审核" in page  # profile status
    assert "registry.subject_registered" in page  # the audit trail by subject
    assert f"/backoffice/subjects/hengyang/{entry.pk}/types/bidder/remove/" in page
    # Technical support looks subjects up but does not remove types.
    assert "/types/bidder/remove/" not in as_staff(support).get(url).content.decode()


def test_removing_a_type_asks_for_a_reason_and_goes_through_the_centers_app(as_staff, reviewer):
    entry = center_subject("hengyang", "衡阳删除类型有限公司")
    held = add_type(entry, "agency")
    url = f"/backoffice/subjects/hengyang/{entry.pk}/types/agency/remove/"
    client = as_staff(reviewer)

    form = client.get(url).content.decode()
    assert "删除主体类型「招标代理机构」" in form and "衡阳删除类型有限公司" in form
    refused = client.post(url, {"reason": ""}).content.decode()
    assert "请填写删除原因" in refused
    held.refresh_from_db()
    assert held.removed_at is None

    done = client.post(url, {"reason": "单位来电申请删除，已核实经办人身份"}, follow=True)
    assert done.redirect_chain[-1][0] == f"/backoffice/subjects/hengyang/{entry.pk}/"
    page = done.content.decode()
    assert "已删除主体类型「招标代理机构」。" in page and "单位来电申请删除，已核实经办人身份" in page
    held.refresh_from_db()
    assert held.removed_by == reviewer.account and held.removed_reason == "单位来电申请删除，已核实经办人身份"
    assert AuditEntry.objects.filter(subject_id=entry.subject_id, actor=reviewer.account).exists()

    again = client.post(url, {"reason": "重复提交"})
    assert again.status_code == 200 and "重复提交" in again.content.decode()  # the reason kept, and why


def test_an_unknown_type_is_not_found(as_staff, reviewer):
    entry = center_subject("hengyang")
    assert (
        as_staff(reviewer).get(f"/backoffice/subjects/hengyang/{entry.pk}/types/boss/remove/").status_code
        == 404
    )


def test_centers_without_subjects_say_so(as_staff):
    from tests.review.parts import staff

    fengtai = staff("ft_support", "fengtai", "support")
    page = as_staff(fengtai).get("/backoffice/subjects/").content.decode()
    assert f"{center('fengtai').short_name}尚无交易主体" in page
