"""The public portal (信息公开), with no login: published announcements found by a Chinese substring
and by filters, one announcement with its dates, its seal checked and its project's history; and
nothing unpublished, ever."""

import datetime as dt
import html
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from portal import forms as portal_forms
from procurement.announcement_models import Announcement, AnnouncementKind, AnnouncementStatus
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
    assert notice.document.title in text(client.get("/"))


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
