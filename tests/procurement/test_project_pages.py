"""项目注册 pages (004 §3.1) over HTTP: the form keeps the input on a refusal, the lots, the list."""

import re

import pytest

from procurement import rules, services
from procurement.models import Project, ProjectStatus
from tests.centers.people_factories import make_agency, unit_actor
from tests.procurement.factories import PURCHASER_CODE, licensed_agency, make_project

pytestmark = pytest.mark.django_db

CODE = "A02010105"  # 台式计算机, a level-5 item of the catalogue


@pytest.fixture
def client_of(agency, certificate_client):
    return certificate_client(agency[0])


def form_data(action="save", lots=1, **overrides):
    data = {
        "name": "常德市第一中学教学设备采购项目",
        "purchaser_name": "常德市第一中学",
        "purchaser_code": PURCHASER_CODE,
        "budget": "1500000",
        "method": "open",
        "funding_source": "fiscal",
        "organisation_form": "decentralised",
        "contact_name": "王敏",
        "contact_phone": "0736-7788123",
        "lots-TOTAL_FORMS": str(lots),
        "lots-INITIAL_FORMS": "0",
        "lots-MIN_NUM_FORMS": "0",
        "lots-MAX_NUM_FORMS": "99",
        "action": action,
    }
    for n in range(lots):
        data |= {
            f"lots-{n}-name": f"第{n + 1}包设备",
            f"lots-{n}-catalogue_code": CODE,
            f"lots-{n}-budget": "500000",
            f"lots-{n}-deposit": "5000",
            f"lots-{n}-qualification_review": "post",
            f"lots-{n}-evaluation_method": "comprehensive",
        }
    return data | overrides


def test_the_menu_leads_to_the_project_list(client_of, changde):
    page = client_of.get(f"/centers/{changde.code}/")
    assert f'href="/centers/{changde.code}/projects/"' in page.content.decode()
    listed = client_of.get(f"/centers/{changde.code}/projects/")
    assert listed.status_code == 200
    assert "新建项目" in listed.content.decode()


def test_a_new_project_with_two_lots_is_saved_as_a_draft(client_of, changde):
    answer = client_of.post(f"/centers/{changde.code}/projects/new/", form_data(lots=2))
    project = Project.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == f"/centers/{changde.code}/projects/{project.pk}/edit/"
    assert project.status == ProjectStatus.DRAFT
    assert [(lot.number, lot.catalogue_name) for lot in project.lots.all()] == [
        (1, "台式计算机"),
        (2, "台式计算机"),
    ]
    edit = client_of.get(answer["Location"]).content.decode()
    assert "第2包设备" in edit
    assert "委托代理协议" in edit  # still missing before 提交信息


def test_a_wrong_purchaser_code_is_refused_on_the_page_with_everything_kept(client_of, changde):
    answer = client_of.post(
        f"/centers/{changde.code}/projects/new/", form_data(purchaser_code="91430100MA4L16JQ9B", lots=2)
    )
    page = answer.content.decode()
    assert answer.status_code == 400
    assert rules.PURCHASER_CODE_INVALID.split("{")[0] in page
    assert "常德市第一中学教学设备采购项目" in page and "第2包设备" in page
    assert not Project.objects.exists()


def test_lots_over_the_budget_are_refused_with_both_figures(client_of, changde):
    answer = client_of.post(f"/centers/{changde.code}/projects/new/", form_data(budget="600000", lots=2))
    assert answer.status_code == 400
    assert "各分包预算合计（1000000.00元）超过了项目预算（600000.00元）" in answer.content.decode()


def test_submitting_an_incomplete_project_saves_it_and_says_what_is_missing(client_of, changde):
    answer = client_of.post(f"/centers/{changde.code}/projects/new/", form_data(action="submit"), follow=True)
    project = Project.objects.get()
    assert project.status == ProjectStatus.DRAFT
    page = answer.content.decode()
    assert "采购计划或项目审批文件、委托代理协议" in page
    assert re.search(r"以下内容尚未填写，不能提交", page)


def test_withdraw_and_delete_through_the_pages(client_of, agency, changde):
    account, entry = agency
    project = make_project(account, entry)
    services.project_submit(actor=unit_actor(account), project=project)
    base = f"/centers/{changde.code}/projects"
    refused = client_of.post(f"{base}/delete/", {"project": project.pk}, follow=True).content.decode()
    assert "不能删除" in refused
    client_of.post(f"{base}/{project.pk}/withdraw/")
    project.refresh_from_db()
    assert project.status == ProjectStatus.DRAFT
    client_of.post(f"{base}/delete/", {"project": project.pk})
    assert not Project.objects.filter(pk=project.pk).exists()


def test_an_agency_without_the_permission_is_told_why(certificate_client, changde):
    account, _ = make_agency(changde, name="尚未审核代理有限公司")
    page = certificate_client(account).get(f"/centers/{changde.code}/projects/").content.decode()
    assert (
        rules.NO_PERMISSION.format(
            center=changde.name, how=rules.HOW_PROFILE.format(types="招标代理机构", status="待完善")
        )
        in page
    )
    assert "新建项目</a>" not in page
    # 新建项目 typed in by hand leads back to the list, which says it once (no flash beside it).
    back = certificate_client(account).get(f"/centers/{changde.code}/projects/new/", follow=True)
    assert back.redirect_chain[-1][0] == f"/centers/{changde.code}/projects/"
    assert back.content.decode().count("尚未取得「项目登记」业务权限") == 1
    refused = certificate_client(account).get(f"/centers/{changde.code}/projects/new/")
    assert refused.status_code == 302


def test_another_agencys_project_is_not_found(agency, changde, certificate_client):
    account, entry = agency
    project = make_project(account, entry)
    other, _ = licensed_agency(changde, name="另一家代理有限公司")
    for path in ("", "edit/"):
        assert (
            certificate_client(other).get(f"/centers/{changde.code}/projects/{project.pk}/{path}").status_code
            == 404
        )
    assert (
        certificate_client(other).post(f"/centers/{changde.code}/projects/{project.pk}/withdraw/").status_code
        == 404
    )


def test_the_list_shows_fifty_a_page_and_keeps_the_filter_across_pages(agency, changde, client_of):
    account, entry = agency
    for n in range(51):
        make_project(account, entry, name=f"批量项目{n:02d}", complete=False)
    first = client_of.get(f"/centers/{changde.code}/projects/", {"q": "批量"}).content.decode()
    assert first.count('name="project"') == 50
    assert "共 51 条，第 1/2 页" in first
    assert 'href="?q=%E6%89%B9%E9%87%8F&page=2"' in first
    second = client_of.get(f"/centers/{changde.code}/projects/", {"q": "批量", "page": 2}).content.decode()
    assert second.count('name="project"') == 1
    assert "批量项目00" in second  # newest first: the first one made is the last shown
