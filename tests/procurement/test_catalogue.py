"""The national government-procurement catalogue (政府采购品目分类目录, 2022) a lot's 采购目录 is
picked from: the data, its look-ups, and the autocomplete endpoint."""

import pytest
from django.urls import reverse

from procurement import catalogue_views
from procurement.catalogue import (
    DATA,
    Item,
    _catalogue,
    catalogue_children,
    catalogue_item,
    catalogue_search,
    kind_of,
)

LOOKUP = reverse("procurement_catalogue:lookup")


def codes(items: list[Item]) -> list[str]:
    return [item.code for item in items]


# --- the data ------------------------------------------------------------------------------------


def test_known_items_carry_their_official_codes_and_names():
    assert catalogue_item("A02010105") == Item(
        code="A02010105", name="台式计算机", parent="A02010100", level=5
    )
    assert catalogue_item("A02010100") == Item(code="A02010100", name="计算机", parent="A02010000", level=4)
    assert catalogue_item("A02010000") == Item(
        code="A02010000", name="信息化设备", parent="A02000000", level=3
    )
    assert catalogue_item("A02000000") == Item(code="A02000000", name="设备", parent="A", level=2)
    assert catalogue_item("A") == Item(code="A", name="货物", parent=None, level=1)
    assert catalogue_item("B02080300").name == "城市轨道交通隧道工程施工"  # renamed in 2022
    assert catalogue_item("C16040000").name == "云计算服务"  # new in 2022
    assert catalogue_item("A0201") is None and catalogue_item("") is None


def test_the_first_two_levels_are_the_catalogues_own():
    """The 目录 of the 2022 edition: 8 goods, 10 works and 25 services categories."""
    assert [(item.code, item.name) for item in catalogue_children(None)] == [
        ("A", "货物"),
        ("B", "工程"),
        ("C", "服务"),
    ]
    goods, works, services = (catalogue_children(kind) for kind in "ABC")
    assert (len(goods), len(works), len(services)) == (8, 10, 25)
    assert [item.name for item in goods] == [
        "房屋和构筑物",
        "设备",
        "文物和陈列品",
        "图书和档案",
        "家具和用具",
        "特种动植物",
        "物资",
        "无形资产",
    ]
    assert (works[-1].code, works[-1].name) == ("B99000000", "其他建筑工程")
    assert (services[0].code, services[0].name) == ("C01000000", "科学研究和试验开发")
    assert (services[-1].code, services[-1].name) == ("C99000000", "其他服务")


def test_every_item_hangs_one_level_under_an_item_of_the_catalogue():
    items = _catalogue().items
    assert len({item.code for item in items}) == len(items)
    for item in items:
        if item.level == 1:
            assert item.parent is None and item.code in "ABC"
        else:
            parent = catalogue_item(item.parent or "")
            assert parent is not None and parent.level == item.level - 1, item
            assert item.code.startswith(parent.code.rstrip("0")), item


def test_the_file_stays_small():
    assert DATA.stat().st_size < 1_000_000


# --- search --------------------------------------------------------------------------------------


def test_a_code_prefix_finds_the_category_first_then_what_it_holds_in_code_order():
    found = catalogue_search("A0201")
    assert codes(found[:3]) == ["A02010000", "A02010100", "A02010101"]
    assert all(code.startswith("A0201") for code in codes(found))
    assert codes(found) == sorted(codes(found))
    assert len(found) == 20


def test_a_whole_code_finds_its_item_first_however_it_is_typed():
    for typed in ("A02010105", "a02010105", "Ａ０２０１０１０５", " A02010105 "):
        assert codes(catalogue_search(typed)) == ["A02010105"], typed


def test_a_name_finds_every_item_it_is_part_of_the_exact_name_first():
    found = catalogue_search("计算机")
    assert found[0] == catalogue_item("A02010100")
    assert {"A02010105", "A02010108"} <= set(codes(found))  # 台式计算机, 便携式计算机
    assert all("计算机" in item.name for item in found)
    # The exact name comes before names that merely contain it, whatever their codes.
    assert codes(catalogue_search("服务")[:2]) == ["C", "A02010104"]  # 服务, 服务器


def test_every_word_must_match():
    assert [item.name for item in catalogue_search("打印机 彩色")] == ["A3彩色打印机", "A4彩色打印机"]
    assert codes(catalogue_search("A0202 打印机"))[0] == "A02021000"


def test_limit_and_blank_queries():
    assert len(catalogue_search("A", limit=5)) == 5
    assert catalogue_search("A", limit=0) == []
    assert catalogue_search("") == catalogue_search("   ") == []
    assert catalogue_search("没有这个品目") == []


# --- children and kind ---------------------------------------------------------------------------


def test_children_are_the_items_directly_under_a_code():
    under = catalogue_children("A02010100")
    assert "A02010105" in codes(under) and "A02010000" not in codes(under)
    assert all(item.parent == "A02010100" for item in under)
    assert codes(under) == sorted(codes(under))
    assert catalogue_children("A02010105") == []  # 台式计算机 is a last level
    assert catalogue_children("Z") == []


def test_kind_of_a_code():
    assert kind_of("A02010105") == "货物"
    assert kind_of("B01000000") == "工程"
    assert kind_of("C16000000") == "服务"
    assert kind_of("A") == "货物"
    assert kind_of("D01000000") is None and kind_of("A99999999") is None


# --- the endpoint --------------------------------------------------------------------------------


def test_an_anonymous_request_is_refused_as_json(client):
    response = client.get(LOOKUP, {"q": "计算机"})
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error": catalogue_views.LOGIN_REQUIRED}


@pytest.mark.django_db
def test_a_logged_in_user_gets_the_items(client, unit):
    client.force_login(unit)
    response = client.get(LOOKUP, {"q": "台式计算机"})
    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "items": [
            {"code": "A02010105", "name": "台式计算机", "kind": "货物", "level": 5, "parent": "A02010100"}
        ],
    }
    items = client.get(LOOKUP, {"q": "C16"}).json()["items"]
    assert items[0]["code"] == "C16000000" and len(items) == catalogue_views.RESULTS_MAX


@pytest.mark.django_db
def test_staff_may_look_up_too(client, reviewer):
    client.force_login(reviewer.account)
    assert client.get(LOOKUP, {"q": "A02"}).json()["items"][0]["name"] == "设备"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, catalogue_views.QUERY_EMPTY),
        ({"q": ""}, catalogue_views.QUERY_EMPTY),
        ({"q": " \t "}, catalogue_views.QUERY_EMPTY),
        ({"q": "计" * (catalogue_views.QUERY_MAX + 1)}, catalogue_views.QUERY_TOO_LONG),
    ],
)
def test_an_empty_or_overlong_query_gets_a_message(client, unit, params, message):
    client.force_login(unit)
    response = client.get(LOOKUP, params)
    assert response.status_code == 400
    assert response.json() == {"ok": False, "error": message}


@pytest.mark.django_db
def test_odd_queries_find_nothing_rather_than_fail(client, unit):
    client.force_login(unit)
    for odd in ("\x00", "🙂", "%", "A0201\x00", "'; drop table", "ｃ１６ 信息"):
        response = client.get(LOOKUP, {"q": odd})
        assert response.status_code == 200, odd
    assert client.get(LOOKUP, {"q": "ｃ１６ 信息"}).json()["items"][0]["code"] == "C16000000"
    assert client.get(LOOKUP, {"q": "\x00"}).json() == {"ok": True, "items": []}


@pytest.mark.django_db
def test_only_get_is_answered(client, unit):
    client.force_login(unit)
    assert client.post(LOOKUP, {"q": "计算机"}).status_code == 405
