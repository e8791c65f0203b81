"""场地管理 in the back-office over HTTP: a center's administrator keeps its 开标室 and 评标室, a
refusal is shown on the same page with the input kept, staff without the permission are refused,
and 场地使用信息 names every project for the center's staff."""

import html

import pytest

from core.models import AuditEntry
from procurement import venue_rules as rules
from procurement.venue_models import Room, RoomKind
from review import rules as review_rules
from tests.centers.factories import center
from tests.procurement.factories import licensed_agency
from tests.procurement.venue_factories import approved_project, at, book
from tests.review.parts import actor_of, demo_staff, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def changde():
    return center("changde")


@pytest.fixture
def changde_admin(changde):
    return staff("cd_admin", "changde", "admin", name="常德管理员")


def text(response) -> str:
    return html.unescape(response.content.decode())


def room_form(**overrides) -> dict:
    return {
        "name": "第三开标室",
        "kind": "opening",
        "capacity": "50",
        "location": "三楼303",
        "sort": "5",
    } | overrides


def test_the_menu_and_the_list_show_the_centers_rooms(as_staff, changde_admin, changde):
    page = text(as_staff(changde_admin).get("/backoffice/rooms/"))
    assert 'href="/backoffice/rooms/"' in page and "场地管理" in page
    for room in Room.objects.at(changde):
        assert room.name in page
    assert "衡阳" not in page.split("<table")[1]


def test_adding_a_room_and_a_taken_name_refused_with_the_input_kept(as_staff, changde_admin, changde):
    client = as_staff(changde_admin)
    done = client.post("/backoffice/rooms/new/", room_form(), follow=True)
    assert "已添加场地「第三开标室」" in text(done)
    room = Room.objects.at(changde).get(name="第三开标室")
    assert (room.kind, room.capacity, room.location, room.sort) == (RoomKind.OPENING, 50, "三楼303", 5)
    assert AuditEntry.objects.filter(action=rules.AUDIT_ROOM_CREATED).count() == 1

    again = client.post("/backoffice/rooms/new/", room_form(location="五楼501", capacity="20"))
    page = text(again)
    assert again.status_code == 400
    assert rules.ROOM_NAME_TAKEN.format(name="第三开标室") in page
    assert 'value="五楼501"' in page and 'value="20"' in page
    assert Room.objects.at(changde).filter(name="第三开标室").count() == 1


def test_a_capacity_out_of_range_is_said_on_its_field(as_staff, changde_admin):
    answer = as_staff(changde_admin).post("/backoffice/rooms/new/", room_form(capacity="1000", kind="hall"))
    page = text(answer)
    assert answer.status_code == 400
    assert rules.ROOM_CAPACITY_RANGE in page and rules.ROOM_KIND_INVALID in page
    assert 'value="第三开标室"' in page


def test_editing_deactivating_and_activating_a_room(as_staff, changde_admin, changde):
    client = as_staff(changde_admin)
    room = Room.objects.at(changde).get(name="第二开标室")
    url = f"/backoffice/rooms/{changde.code}/{room.pk}/"
    form = text(client.get(url))
    assert 'value="第二开标室"' in form and "停用场地" in form
    saved = client.post(url, room_form(name="第二开标室（小）", capacity="30"), follow=True)
    assert "已保存场地「第二开标室（小）」" in text(saved)
    off = client.post(f"{url}deactivate/", follow=True)
    assert "已停用场地" in text(off) and "启用场地" in text(off)
    room.refresh_from_db()
    assert not room.active
    on = client.post(f"{url}activate/", follow=True)
    room.refresh_from_db()
    assert room.active and "已启用场地" in text(on)


def test_a_room_with_a_booking_ahead_is_not_deactivated(as_staff, changde_admin, changde):
    account, entry = licensed_agency(changde)
    project = approved_project(account, entry, actor_of(demo_staff("changde_reviewer")))
    room = Room.objects.at(changde).get(name="第一开标室")
    book(account, project, room, at(10), submit=True)
    answer = as_staff(changde_admin).post(
        f"/backoffice/rooms/{changde.code}/{room.pk}/deactivate/", follow=True
    )
    assert "还有1项未结束的预约" in text(answer)
    room.refresh_from_db()
    assert room.active


def test_staff_without_the_permission_are_refused(as_staff, changde):
    reviewer = demo_staff("changde_reviewer")
    client = as_staff(reviewer)
    room = Room.objects.at(changde).first()
    for url in ("/backoffice/rooms/", "/backoffice/rooms/new/", "/backoffice/rooms/usage/"):
        answer = client.get(url)
        assert answer.status_code == 403
        assert review_rules.NO_PERMISSION.split("{")[0] in text(answer) and "场地管理" in text(answer)
    assert client.post(f"/backoffice/rooms/{changde.code}/{room.pk}/deactivate/").status_code == 403
    room.refresh_from_db()
    assert room.active
    assert 'href="/backoffice/rooms/"' not in text(client.get("/backoffice/queue/"))


def test_another_centers_rooms_are_not_found(as_staff, changde):
    hengyang_admin = staff("hy_admin", "hengyang", "admin", name="衡阳管理员")
    client = as_staff(hengyang_admin)
    room = Room.objects.at(changde).first()
    assert client.get("/backoffice/rooms/", {"center": "changde"}).status_code == 404
    assert client.get(f"/backoffice/rooms/{changde.code}/{room.pk}/").status_code == 404
    assert client.get(f"/backoffice/rooms/hengyang/{room.pk}/").status_code == 404
    assert client.post(f"/backoffice/rooms/{changde.code}/{room.pk}/deactivate/").status_code == 404
    assert client.post("/backoffice/rooms/new/?center=changde", room_form()).status_code == 404
    room.refresh_from_db()
    assert room.active and not Room.objects.filter(name="第三开标室").exists()


def test_the_platform_administrator_picks_a_center(as_staff, admin, changde):
    page = text(as_staff(admin).get("/backoffice/rooms/", {"center": "fengtai"}))
    assert "北京市丰台区" in page or "丰台" in page
    assert 'name="center"' in page
    done = as_staff(admin).post("/backoffice/rooms/new/?center=fengtai", room_form(), follow=True)
    assert "已添加场地" in text(done)
    assert Room.objects.at(center("fengtai")).filter(name="第三开标室").exists()


def test_staff_usage_names_every_project_and_agency(as_staff, changde_admin, changde):
    reviewer = actor_of(demo_staff("changde_reviewer"))
    first_account, first_entry = licensed_agency(changde)
    second_account, second_entry = licensed_agency(changde, name="另一家招标代理有限公司")
    first = approved_project(first_account, first_entry, reviewer, name="第一家的项目")
    second = approved_project(second_account, second_entry, reviewer, name="第二家的项目")
    room = Room.objects.at(changde).get(name="第一开标室")
    book(first_account, first, room, at(10, 9), submit=True)
    book(second_account, second, room, at(10, 14), submit=True)
    day = f"{at(10):%Y-%m-%d}"
    page = text(as_staff(changde_admin).get("/backoffice/rooms/usage/", {"day": day, "view": "day"}))
    assert "第一家的项目" in page and "第二家的项目" in page
    assert "另一家招标代理有限公司" in page and "当日预约明细" in page
    assert "center=changde&view=day" in page
