"""The public portal (信息公开), with no login: published announcements found by a Chinese substring
and by filters, one announcement with its dates, its seal checked and its project's history; and
nothing unpublished, ever."""

import datetime as dt
import html

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
