"""The procurement workspace is the agency's (004 1.3: 「选择“招标代理”，点击即可进入系统」): a unit
holding several types at a center picks its role first; in another role the pages say which one
they take; the menu shows the workspace only in an agency role."""

from __future__ import annotations

import html

import pytest

from centers import roles
from centers import rules as center_rules
from centers.models import SubjectType
from procurement import rules
from procurement.models import Project
from tests.centers.factories import make_entry

pytestmark = pytest.mark.django_db

WORKSPACE = ("/centers/changde/projects/", "/centers/changde/venues/", "/centers/changde/tenders/")


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.parametrize("url", WORKSPACE)
def test_with_two_roles_and_none_picked_the_role_page_comes_first_and_leads_back(certificate_client, url):
    account, _ = make_entry("changde", types=(SubjectType.BIDDER, SubjectType.AGENCY))
    client = certificate_client(account)

    first = client.get(url + "?status=draft")
    assert first.status_code == 302
    assert first["Location"].startswith("/centers/changde/role/?next=")
    pick = client.get(first["Location"])
    assert center_rules.ROLE_PICK_FIRST in text(pick)

    picked = client.post(
        "/centers/changde/role/", {"role": SubjectType.AGENCY, "next": url + "?status=draft"}
    )
    assert picked["Location"] == url + "?status=draft"
    assert client.get(picked["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("url", "business"), list(zip(WORKSPACE, ("项目注册", "场地预约", "招标文件"), strict=True))
)
def test_in_the_bidder_role_the_page_names_the_role_it_takes(certificate_client, url, business):
    account, _ = make_entry("changde", types=(SubjectType.BIDDER, SubjectType.AGENCY))
    client = certificate_client(account)
    client.post("/centers/changde/role/", {"role": SubjectType.BIDDER})

    refused = client.get(url)
    assert refused.status_code == 403
    expected = center_rules.ROLE_WRONG.format(business=business, roles="招标代理机构", role="投标人")
    assert expected in text(refused)
    assert f"/centers/changde/role/?next={url.replace('/', '%2F')}" in text(refused)


def test_nothing_is_saved_in_the_wrong_role(certificate_client):
    account, _ = make_entry("changde", types=(SubjectType.BIDDER, SubjectType.AGENCY))
    client = certificate_client(account)
    client.post("/centers/changde/role/", {"role": SubjectType.BIDDER})
    refused = client.post("/centers/changde/projects/new/", {"name": "不该保存的项目", "action": "save"})
    assert refused.status_code == 403
    assert not Project.objects.exists()


def test_the_menu_shows_the_workspace_only_in_an_agency_role(certificate_client):
    account, _ = make_entry("changde", types=(SubjectType.BIDDER, SubjectType.AGENCY))
    client = certificate_client(account)
    client.post("/centers/changde/role/", {"role": SubjectType.BIDDER})
    as_bidder = text(client.get("/centers/changde/profile/"))
    assert "采购业务" not in as_bidder and "场地预约" not in as_bidder

    client.post("/centers/changde/role/", {"role": SubjectType.AGENCY})
    as_agency = text(client.get("/centers/changde/profile/"))
    assert all(label in as_agency for label in ("采购业务", "场地预约", "招标文件"))
    assert client.session[roles.ROLE_SESSION_KEY] == {"changde": "agency"}


def test_both_agency_kinds_are_named_when_both_are_held(certificate_client):
    account, _ = make_entry(
        "changde", types=(SubjectType.BIDDER, SubjectType.AGENCY, SubjectType.PROCUREMENT_AGENCY)
    )
    client = certificate_client(account)
    client.post("/centers/changde/role/", {"role": SubjectType.BIDDER})
    refused = text(client.get("/centers/changde/projects/"))
    assert "「招标代理机构」或「政府采购代理机构」" in refused

    client.post("/centers/changde/role/", {"role": SubjectType.PROCUREMENT_AGENCY})
    assert client.get("/centers/changde/projects/").status_code == 200


def test_one_agency_type_needs_no_pick_and_a_bidder_only_unit_reads_what_it_lacks(certificate_client):
    agency, _ = make_entry("changde", types=(SubjectType.AGENCY,))
    assert certificate_client(agency).get("/centers/changde/projects/").status_code == 200

    bidder, _ = make_entry("changde", types=(SubjectType.BIDDER,), name="常德投标人有限公司")
    shown = certificate_client(bidder).get("/centers/changde/projects/")
    assert shown.status_code == 200
    assert rules.NO_PERMISSION.format(center="常德市公共资源交易中心", how=rules.HOW_ADD_TYPE) in text(shown)
