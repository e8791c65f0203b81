"""Who may open which back-office page: each view declares its permission (review/permissions.py)."""

import pytest

from backoffice import urls
from review import rules
from review.permissions import Permission
from tests.factories import make_django_staff_without_member
from tests.review.parts import center_subject

pytestmark = pytest.mark.django_db

PAGES = {
    "/backoffice/queue/": Permission.QUEUE,
    "/backoffice/subjects/": Permission.SUBJECTS,
    "/backoffice/staff/": Permission.STAFF,
    "/backoffice/staff/new/": Permission.STAFF,
    "/backoffice/calendar/": Permission.CALENDAR,
}


def test_every_view_declares_its_permission():
    for pattern in urls.urlpatterns:
        assert isinstance(pattern.callback.permission, Permission), pattern.name


def test_anonymous_visitors_go_to_the_login_page(client):
    response = client.get("/backoffice/queue/?kind=profile")
    assert response.status_code == 302
    assert response["Location"] == "/registry/login/?next=/backoffice/queue/%3Fkind%3Dprofile"


def test_subjects_and_plain_django_staff_are_refused_in_chinese(client, unit):
    client.force_login(unit)
    response = client.get("/backoffice/queue/")
    assert response.status_code == 403 and rules.STAFF_ONLY in response.content.decode()
    client.force_login(make_django_staff_without_member())
    response = client.get("/backoffice/")
    assert response.status_code == 403 and rules.STAFF_ONLY in response.content.decode()


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("reviewer", {Permission.QUEUE, Permission.SUBJECTS}),
        ("support", {Permission.QUEUE, Permission.SUBJECTS}),
        ("admin", set(Permission)),
    ],
)
def test_each_role_opens_exactly_its_pages(request, as_staff, who, allowed):
    member = request.getfixturevalue(who)
    client = as_staff(member)
    for url, permission in PAGES.items():
        response = client.get(url)
        if permission in allowed:
            assert response.status_code == 200, url
        else:
            assert response.status_code == 403, url
            assert "没有「" in response.content.decode() and member.name in response.content.decode()


def test_only_reviewers_and_administrators_remove_subject_types(as_staff, reviewer, support, admin):
    entry = center_subject("hengyang")
    url = f"/backoffice/subjects/hengyang/{entry.pk}/types/bidder/remove/"
    assert as_staff(reviewer).get(url).status_code == 200
    assert as_staff(admin).get(url).status_code == 200
    refused = as_staff(support).get(url)
    assert refused.status_code == 403
    assert rules.NO_PERMISSION.format(roles="技术支持", permission="删除主体类型") in refused.content.decode()


def test_the_top_bar_names_the_member_center_and_roles(as_staff, reviewer, admin):
    page = as_staff(reviewer).get("/backoffice/queue/").content.decode()
    assert "李娟" in page and "衡阳市公共资源交易中心" in page and "审核员" in page
    assert "/backoffice/staff/" not in page  # the menu shows only what the roles may open
    platform = as_staff(admin).get("/backoffice/queue/").content.decode()
    assert "平台管理员 · 全部交易中心" in platform and "/backoffice/calendar/" in platform


def test_a_deactivated_member_loses_the_back_office(as_staff, reviewer):
    client = as_staff(reviewer)
    reviewer.account.is_active = False
    reviewer.account.save(update_fields=["is_active"])
    response = client.get("/backoffice/queue/")
    assert response.status_code == 302 and response["Location"].startswith("/registry/login/")
