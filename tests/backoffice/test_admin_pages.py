"""The administrator's pages over HTTP: staff members and the calendar, errors on the same page
with the input kept, and every change audited."""

import datetime as dt
import re

import pytest

from centers.models import Center
from core.models import AuditEntry
from registry.models import Account
from review import rules
from review.models import CalendarDay, StaffMember
from tests.review.parts import new_id_number, staff

pytestmark = pytest.mark.django_db


def test_the_staff_list_shows_each_member_with_a_masked_id_number(as_staff, admin, reviewer):
    page = as_staff(admin).get("/backoffice/staff/").content.decode()
    assert "李娟" in page and "hengyang_reviewer" in page and "审核员" in page
    assert reviewer.id_number not in page
    assert f"{reviewer.id_number[:6]}********{reviewer.id_number[14:]}" in page


def test_a_center_administrator_lists_their_own_center_only(as_staff, reviewer):
    changde = staff("cd_reviewer", "changde", "reviewer", name="周敏")
    center_admin = staff("hy_admin", "hengyang", "admin", name="衡阳管理员")
    page = as_staff(center_admin).get("/backoffice/staff/").content.decode()
    assert "李娟" in page and "周敏" not in page
    assert as_staff(center_admin).get(f"/backoffice/staff/{changde.pk}/").status_code == 404


def test_adding_a_member_with_a_wrong_id_number_keeps_the_input(as_staff, admin):
    form = {
        "username": "fengtai_new",
        "password": "Fengtai2026ok",
        "name": "吴静",
        "department": "政府采购科",
        "center": "",
        "roles": ["reviewer", "support"],
        "id_number": "110106199001010011",
    }
    form["center"] = str(Center.objects.get(code="fengtai").pk)
    response = as_staff(admin).post("/backoffice/staff/new/", form)
    page = response.content.decode()
    assert response.status_code == 200 and "第18位校验码" in page
    assert 'value="吴静"' in page and 'value="fengtai_new"' in page and 'value="政府采购科"' in page
    assert re.search(r'value="support"[^>]*checked', page) and not re.search(
        r'value="admin"[^>]*checked', page
    )
    assert not Account.objects.filter(username="fengtai_new").exists()

    form["id_number"] = new_id_number()
    done = as_staff(admin).post("/backoffice/staff/new/", form, follow=True)
    assert "已添加工作人员吴静。" in done.content.decode()
    member = StaffMember.objects.get(account__username="fengtai_new")
    assert member.center.code == "fengtai" and member.roles == ["reviewer", "support"]


def test_a_center_administrator_cannot_pick_another_center(as_staff):
    center_admin = staff("hy_admin", "hengyang", "admin", name="衡阳管理员")
    changde = Center.objects.get(code="changde")
    as_staff(center_admin).post(
        "/backoffice/staff/new/",
        {
            "username": "sneaky",
            "name": "某人",
            "center": str(changde.pk),
            "roles": ["reviewer"],
            "id_number": new_id_number(),
        },
    )
    # The center field is fixed to the administrator's own: the posted value is ignored.
    assert StaffMember.objects.get(account__username="sneaky").center.code == "hengyang"


def test_changing_roles_and_deactivating_from_the_member_page(as_staff, admin, reviewer):
    client = as_staff(admin)
    url = f"/backoffice/staff/{reviewer.pk}/"
    form = {
        "name": "李娟",
        "department": "市场主体科",
        "roles": ["reviewer", "support"],
        "id_number": reviewer.id_number,
    }
    saved = client.post(url, form, follow=True).content.decode()
    assert "已保存李娟的信息。" in saved and "修改信息或角色" in saved
    assert StaffMember.objects.get(pk=reviewer.pk).roles == ["reviewer", "support"]

    bad = client.post(url, {**form, "roles": []}).content.decode()
    assert rules.ROLES_REQUIRED in bad and 'value="市场主体科"' in bad

    done = client.post(f"{url}deactivate/", follow=True).content.decode()
    assert "已停用李娟的账号。" in done and "恢复账号" in done
    assert not Account.objects.get(pk=reviewer.account_id).is_active
    assert AuditEntry.objects.filter(
        action="review.staff_deactivated", target_id=str(reviewer.pk), actor=admin.account
    ).exists()


def test_an_administrator_cannot_deactivate_themselves_from_the_page(as_staff, admin):
    page = as_staff(admin).get(f"/backoffice/staff/{admin.pk}/").content.decode()
    assert "停用账号" not in page
    response = as_staff(admin).post(f"/backoffice/staff/{admin.pk}/deactivate/", follow=True)
    assert rules.NOT_YOURSELF in response.content.decode()


def test_the_calendar_lists_a_year_and_adds_a_day(as_staff, admin):
    client = as_staff(admin)
    page = client.get("/backoffice/calendar/?year=2026").content.decode()
    assert "2026-10-01" in page and "国庆节" in page and "2026-10-10" in page and "调休上班" in page
    assert "2026年登记工作日放假" in page

    refused = client.post(
        "/backoffice/calendar/?year=2026", {"date": "2026-12-02", "is_working": "working", "note": "误登调休"}
    )
    text = refused.content.decode()
    assert refused.status_code == 200 and rules.WORKDAY_ON_WEEKDAY.format(date="2026-12-02") in text
    assert 'value="误登调休"' in text and 'value="2026-12-02"' in text

    added = client.post(
        "/backoffice/calendar/", {"date": "2027-01-01", "is_working": "rest", "note": "元旦"}, follow=True
    )
    assert added.redirect_chain[-1][0] == "/backoffice/calendar/?year=2027"
    assert "已登记 2027-01-01（元旦）" in added.content.decode()
    day = CalendarDay.objects.get(date=dt.date(2027, 1, 1))
    assert AuditEntry.objects.filter(
        action="review.calendar_day_added", target_id=str(day.pk), actor=admin.account
    ).exists()


def test_changing_and_removing_a_day(as_staff, admin):
    client = as_staff(admin)
    day = CalendarDay.objects.get(date=dt.date(2026, 10, 10))
    page = client.get(f"/backoffice/calendar/{day.pk}/").content.decode()
    assert "2026-10-10（周六）" in page
    client.post(f"/backoffice/calendar/{day.pk}/", {"is_working": "rest", "note": "取消调休"})
    day.refresh_from_db()
    assert not day.is_working and day.note == "取消调休"
    bad = client.post(f"/backoffice/calendar/{day.pk}/", {"is_working": "rest", "note": ""}).content.decode()
    assert rules.NOTE_REQUIRED in bad
    client.post(f"/backoffice/calendar/{day.pk}/remove/")
    assert not CalendarDay.objects.filter(pk=day.pk).exists()
    assert AuditEntry.objects.filter(action="review.calendar_day_removed", target_id=str(day.pk)).exists()
