"""A visitor on a phone finds a published announcement on the public portal, with no login: by a
Chinese substring of the project's name, opens it, sees its seal checked and the days left, downloads
the sealed PDF, finds its open data, and follows the project's history to its 变更公告; the filters
behind 「更多筛选」 narrow the search and keep what was typed."""

from __future__ import annotations

import hashlib

import pytest
from playwright.sync_api import Page, expect

from procurement import announcements
from procurement.announcement_models import Announcement, AnnouncementKind
from tests.centers.people_factories import decide, unit_actor
from tests.e2e.procurementparts import outside_the_browsers_loop, tender_ready
from tests.procurement.tender_factories import seal_as_agency

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGENCY = "常德沅水招标代理有限公司"


def published(ready, kind: str, **data) -> Announcement:
    made = announcements.announcement_make(
        actor=unit_actor(ready.account),
        center=ready.center,
        agency=ready.entry,
        kind=kind,
        tender=ready.tender,
        data=data,
    )
    outside_the_browsers_loop(lambda: seal_as_agency(ready.account, made.document, ready.soft_key))
    announcements.announcement_submit(
        actor=unit_actor(ready.account), announcement=made, opinion="同意发布。"
    )
    decide(ready.reviewer, made, approve=True, opinion="同意。")
    made.refresh_from_db()
    return made


def test_a_visitor_on_a_phone_finds_checks_and_downloads_an_announcement(page: Page, shot, trusted, token):
    ready = tender_ready(trusted, token, AGENCY)
    notice = published(ready, AnnouncementKind.TENDER)
    correction = published(ready, AnnouncementKind.CORRECTION, content="联系人变更为王敏。")
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto("/")
    expect(page.locator(".notice-list").first).to_contain_text(notice.document.title)
    shot(page, "home")
    page.get_by_label("关键词").fill("第一中学")
    page.get_by_role("button", name="搜索").click()
    expect(page.locator(".notice-list")).to_contain_text(notice.document.title)
    shot(page, "search")
    # Narrowed by the filters behind 「更多筛选」: the method, and a budget range that leaves it out.
    page.get_by_text("更多筛选").click()
    page.get_by_label("采购方式").select_option(label="公开招标")
    page.get_by_label("预算至（元）").fill("1000")
    page.get_by_role("button", name="搜索").click()
    expect(page.locator("main")).to_contain_text("没有符合条件的公告。")
    expect(page.get_by_label("预算至（元）")).to_have_value("1000")
    page.get_by_label("预算至（元）").fill("")
    page.get_by_role("button", name="搜索").click()
    shot(page, "search-filtered")
    page.get_by_role("link", name=notice.document.title).click()
    expect(page.locator("h1")).to_have_text(notice.document.title)
    expect(page.locator("main")).to_contain_text("距投标截止还有")
    check = page.locator(".seal-check")
    expect(check.locator(".badge")).to_have_text("签章有效")
    expect(check).to_contain_text(AGENCY)
    shot(page, "announcement")
    with page.expect_download() as downloading:
        page.get_by_role("link", name="下载公告PDF").click()
    pdf = downloading.value.path().read_bytes()
    assert hashlib.sha256(pdf).hexdigest() == notice.submitted_sha256
    # Its open data: no red flag, and the record package of its process.
    expect(page.locator("main")).to_contain_text("未发现风险提示")
    record = page.request.get(page.get_by_role("link", name="记录包").get_attribute("href") or "")
    assert record.ok and record.json()["records"][0]["compiledRelease"]["tag"] == ["compiled"]
    page.locator(".history").get_by_role("link", name="变更公告").click()
    expect(page.locator("h1")).to_have_text(correction.document.title)
    expect(page.locator("main")).to_contain_text("联系人变更为王敏。")
    shot(page, "history-correction")
    page.locator("footer").get_by_role("link", name="开放数据").click()
    expect(page.locator("h1")).to_have_text("开放数据（OCDS）")
    expect(page.locator("main")).to_contain_text("已发布的 release")
    shot(page, "open-data")
