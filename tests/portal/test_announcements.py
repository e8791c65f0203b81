"""The public portal (信息公开), with no login: published announcements found by a Chinese substring
and by filters, one announcement with its dates, its seal checked and its project's history; and
nothing unpublished, ever."""

import datetime as dt
import hashlib
import html
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from portal import forms as portal_forms
from portal import selectors
from portal import views as portal_views
from procurement.announcement_models import Announcement, AnnouncementKind, AnnouncementStatus
from signing import verify as signing_verify
from tests.procurement.announcement_factories import make, publish

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def titles(client, **query) -> str:
    page = client.get("/announcements/", query)
    assert page.status_code == 200
    return text(page)


def test_a_chinese_substring_and_the_filters_find_it(client, announced):
    notice = Announcement.objects.get(kind=AnnouncementKind.TENDER)
    title = notice.document.title
    assert title in titles(client, q="教学设备")  # the middle of the project's name
    assert title in titles(client, q=announced.project.code)
    assert title in titles(client, q="教学设备", center="changde", kind="tender")
    assert title not in titles(client, q="智慧教室")
    assert title not in titles(client, kind="award")
    assert title not in titles(client, center="hengyang")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert title not in titles(client, since=f"{tomorrow}")
    reversed_dates = client.get(
        "/announcements/", {"since": f"{tomorrow}", "until": f"{timezone.localdate()}"}
    )
    assert reversed_dates.status_code == 400 and portal_forms.DATES_REVERSED in text(reversed_dates)


def test_nothing_unpublished_is_seen(client, agency, announced):
    account, entry = agency
    draft = make(account, entry, AnnouncementKind.CORRECTION, announced, content="尚未发布的更正。")
    assert draft.status == AnnouncementStatus.DRAFT
    assert draft.document.title not in titles(client, q="变更公告")
    assert client.get(f"/announcements/{draft.pk}/").status_code == 404
    assert draft.document.title not in text(client.get("/"))


def test_the_announcement_page_shows_dates_the_checked_seal_and_the_history(
    client, agency, announced, key, changde_reviewer
):
    account, entry = agency
    notice = Announcement.objects.get(kind=AnnouncementKind.TENDER)
    page = text(client.get(f"/announcements/{notice.pk}/"))
    days = (timezone.localdate(announced.bid_deadline) - timezone.localdate()).days
    assert f"距投标截止还有 {days} 天" in page
    assert "签章有效" in page and account.subject.name in page
    assert f"/procurement/announcements/{notice.pk}/pdf/" in page
    correction = publish(
        account,
        make(account, entry, AnnouncementKind.CORRECTION, announced, content="联系人变更。"),
        key,
        changde_reviewer,
    )
    page = text(client.get(f"/announcements/{notice.pk}/"))
    assert f'href="/announcements/{correction.pk}/"' in page and "（本公告）" in page
    home = text(client.get("/"))
    assert notice.document.title in home
    # Per center too: 常德's newest, under its name, linking to its announcements.
    centers = home.split("各交易中心最新公告", 1)[1]
    assert 'href="/announcements/?center=changde"' in centers and correction.document.title in centers


def test_the_atom_feed_follows_a_center_and_a_kind(client, agency, announced):
    account, entry = agency
    make(account, entry, AnnouncementKind.CORRECTION, announced, content="尚未发布。")
    notice = Announcement.objects.get(kind=AnnouncementKind.TENDER)
    atom = "{http://www.w3.org/2005/Atom}"

    def entries(**query) -> list[str]:
        answer = client.get("/announcements/atom/", query)
        assert answer.status_code == 200 and answer["Content-Type"].startswith("application/atom+xml")
        feed = ET.fromstring(answer.content)
        return [e.findtext(f"{atom}title") for e in feed.iter(f"{atom}entry")]

    assert entries() == [notice.document.title]  # the draft correction is not in it
    assert entries(center="changde", kind="tender") == [notice.document.title]
    assert entries(kind="award") == []
    assert client.get("/announcements/atom/", {"center": "nowhere"}).status_code == 404
    assert client.get("/announcements/atom/", {"kind": "nothing"}).status_code == 404
    page = text(client.get("/announcements/", {"center": "changde", "kind": "tender"}))
    assert 'type="application/atom+xml"' in page and "/announcements/atom/?center=changde&kind=tender" in page


def test_the_filters_by_method_catalogue_region_and_budget(client, announced):
    """The project: 公开招标, lots of 品目 A (货物), a purchaser registered at 430100 (长沙市), a budget of
    1,500,000 元."""
    title = Announcement.objects.get(kind=AnnouncementKind.TENDER).document.title
    found = [
        {"method": "open"},
        {"catalogue": "a"},
        {"region": "43"},
        {"region": "4301"},
        {"budget_min": "1500000", "budget_max": "2000000"},
        {"q": "教学 第一中学", "method": "open", "region": "43", "catalogue": "A", "budget_max": "1500000"},
    ]
    for query in found:
        assert title in titles(client, **query), query
    missed = [
        {"method": "inquiry"},
        {"catalogue": "B"},
        {"catalogue": "A02"},
        {"region": "4307"},
        {"region": "11"},
        {"budget_min": "1500000.01"},
        {"budget_max": "1499999"},
        # Every bigram of 「设备教学」 is in the text, the phrase is not.
        {"q": "设备教学"},
    ]
    for query in missed:
        assert title not in titles(client, **query), query


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"budget_min": "2000000", "budget_max": "1000000"}, "budget_max", portal_forms.BUDGET_REVERSED),
        ({"budget_min": "一百万"}, "budget_min", portal_forms.BUDGET_INVALID),
        ({"catalogue": "计算机"}, "catalogue", portal_forms.CATALOGUE_INVALID),
    ],
)
def test_a_bad_filter_is_refused_at_its_field_with_the_input_kept(client, announced, query, field, message):
    page = client.get("/announcements/", query)
    body = text(page)
    assert page.status_code == 400 and message in body
    # Nothing is listed as if the refused criterion were not there.
    assert "请先修改上面标红的条件" in body
    assert Announcement.objects.get(kind=AnnouncementKind.TENDER).document.title not in body
    assert f'id="field-{field}"' in body and '<details class="more-filters" open>' in body
    for value in query.values():
        assert f'value="{value}"' in body


def test_on_postgresql_the_words_and_filters_are_answered_by_one_index(announced):
    """The query the search sends uses the GIN index of migration 0008 once there are rows enough for
    the planner to want an index: 5,000 other published rows (copies of the notice with other text
    and facets) are added inside the test's transaction, rolled back after it."""
    if connection.vendor != "postgresql":
        pytest.skip("runs on PostgreSQL only (DATABASE_URL=postgres://…)")
    notice = Announcement.objects.get(kind=AnnouncementKind.TENDER)
    columns = [
        f.column
        for f in Announcement._meta.concrete_fields
        if f.column not in ("id", "search_text", "search_facets", "kind")
    ]
    listed = ", ".join(columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO procurement_announcement ({listed}, search_text, search_facets, kind) "
            f"SELECT {listed}, '其他项目' || g || '号办公家具采购', ' center:hengyang kind:award ', 'award' "
            "FROM procurement_announcement, generate_series(1, 5000) AS g WHERE id = %s",
            [notice.pk],
        )
        cursor.execute("ANALYZE procurement_announcement")
        found = selectors.announcements_search(selectors.Search(words="教学设备", kind="tender", region="43"))
        sql, params = found.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "procurement_announcement_search" in plan, plan
    assert [a.pk for a in found] == [notice.pk]


def test_a_published_pdf_is_verified_once_for_many_visitors(client, announced, monkeypatch):
    """The check is kept by the file's SHA-256 (the real check, counted as it runs)."""
    cache.clear()
    runs = []
    real = signing_verify.pdf_verify

    def counted(data, **kwargs):
        runs.append(hashlib.sha256(data).hexdigest())
        return real(data, **kwargs)

    monkeypatch.setattr(signing_verify, "pdf_verify", counted)
    notice = Announcement.objects.get(kind=AnnouncementKind.TENDER)
    for _ in range(3):
        assert "签章有效" in text(client.get(f"/announcements/{notice.pk}/"))
    assert runs == [notice.submitted_sha256]


def test_results_page_without_a_count_and_stop_at_the_first_thousand():
    """The pages read one row more than they show; the total shows on the last page only."""
    rows = [f"公告{n}" for n in range(45)]

    class Rows(list):
        def __getitem__(self, key):
            return (
                Rows(list.__getitem__(self, key)) if isinstance(key, slice) else list.__getitem__(self, key)
            )

    first = portal_views.result_page(Rows(rows), None)
    assert (first.number, len(first.object_list), first.has_next, first.total) == (1, 20, True, None)
    last = portal_views.result_page(Rows(rows), "3")
    assert (last.object_list, last.has_next, last.total) == (rows[40:], False, 45)
    assert portal_views.result_page(Rows(rows), "x").number == 1
    many = Rows(range(portal_views.MAX_PAGES * portal_views.PAGE_SIZE + 1))
    deepest = portal_views.result_page(many, "999")
    assert (deepest.number, deepest.has_next, deepest.at_limit) == (portal_views.MAX_PAGES, False, True)
