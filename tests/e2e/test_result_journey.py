"""After the 招标公告, in a real browser with the real agent, in the manual's words (004 §3.8-3.13):

the agency's 变更公告 moving the deadline earlier is refused on the page with what was typed kept,
one moving it later is sealed, reviewed and published; 第2包 is suspended (项目暂停, with the
purchaser's decision uploaded) and resumed (恢复交易) at a new opening; after the opening 常德's
reviewer records the evaluation results in the back-office (第1包 with candidates, 第2包 without);
the agency finds the winner of 第1包 by 「检索」 for its 中标公告, and publishes a 废标公告 for 第2包.
Each announcement is sealed at 采购代理机构（盖章） through the agent's window and approved in the
queue by the reviewer at another computer.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from procurement import announcement_rules as rules
from procurement import announcements, deadlines, lot_rules, tender_rules, venues
from procurement.announcement_models import Announcement, AnnouncementKind, AnnouncementStatus
from procurement.forms_venues import room_label
from procurement.models import LotStage
from procurement.tender_models import TenderDocument
from procurement.venue_models import RoomKind
from registry.samples import pdf_bytes
from review.models import ReviewItem, ReviewKind, ReviewStatus
from tests.centers.people_factories import decide, unit_actor
from tests.e2e.agentparts import button, field, flash, log_in_by_certificate, serial, submit
from tests.e2e.centerparts import (
    another_browser,
    known_unit,
    log_in_by_password,
    side_link,
    table_row,
    upload,
)
from tests.e2e.procurementparts import (
    TYPED,
    approve_in_queue,
    outside_the_browsers_loop,
    published_and_verified,
    seal_on_signing_page,
    tender_ready,
)
from tests.procurement.tender_factories import seal_as_agency
from tests.procurement.venue_factories import center_admin, make_room

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGENCY = "常德澧水招标代理有限公司"
WINNER = "常德智联信息技术有限公司"
PLACE = "采购代理机构（盖章）"


def typed(value: dt.datetime) -> str:
    return f"{timezone.localtime(value):{TYPED}}"


def moved_room(ready, starts_at: dt.datetime) -> None:
    """The agency's 场地变更 of the opening room, approved (the venue journey walks those pages)."""
    change = venues.booking_change_request(
        actor=unit_actor(ready.account),
        booking=ready.booking,
        room=ready.room,
        starts_at=starts_at,
        duration=dt.timedelta(hours=2),
        reason="投标截止时间变更",
    )
    decide(ready.reviewer, change, approve=True, opinion="同意。")


def seal_submit_publish(
    page: Page,
    context: BrowserContext,
    browser: Browser,
    live_server,
    agent,
    shot,
    name: str,
    kind: str,
    reads: str,
) -> Announcement:
    """「点击签章」 through the agent, 「提交信息」, and 常德's reviewer approves: published."""
    center = "常德市公共资源交易中心"
    seal_on_signing_page(page, context, agent, AGENCY, PLACE, shot, name)
    page.get_by_role("link", name="我已签章，刷新状态").click()
    expect(page.locator("main")).to_contain_text("已加盖本单位电子签章")
    field(page, "签署意见").fill("同意发布。")
    submit(page, "提交信息")
    expect(flash(page)).to_contain_text(rules.SUBMITTED.format(kind=kind, center=center))
    item = ReviewItem.objects.filter(kind=ReviewKind.ANNOUNCEMENT, status=ReviewStatus.OPEN).get()
    approve_in_queue(browser, live_server.url, shot, name, item.title, reads, "同意发布。", AGENCY)
    page.reload()
    expect(page.locator(".head-badges")).to_contain_text("已发布")
    shot(page, f"{name}-published")
    return Announcement.objects.get(pk=int(item.target_id))


def test_corrections_suspension_results_and_failure_are_published(
    browser: Browser, live_server, page: Page, context: BrowserContext, shot, tmp_path, trusted, token, agent
):
    ready = tender_ready(trusted, token, AGENCY)
    changde, account, project = ready.center, ready.account, ready.project
    known_unit(changde, WINNER, types=("supplier",))
    evaluation_room = make_room(
        center_admin(changde), changde, name="复评测试评标室", kind=RoomKind.EVALUATION
    )
    lot1, lot2 = list(project.lots.order_by("number"))
    # The 招标公告, published before this journey (the announcement journey walks its pages).
    notice = announcements.announcement_create(
        actor=unit_actor(account), center=changde, agency=ready.entry, tender=ready.tender
    )
    outside_the_browsers_loop(lambda: seal_as_agency(account, notice.document, ready.soft_key))
    announcements.announcement_submit(actor=unit_actor(account), announcement=notice, opinion="同意发布。")
    decide(ready.reviewer, notice, approve=True, opinion="同意发布。")
    deadline = ready.tender.bid_deadline
    log_in_by_certificate(page, agent, serial(ready.unit_pem), shot, "agency")
    page.wait_for_url(re.compile(r"/registry/basic/$"))
    page.goto(f"/centers/{changde.code}/")

    # 1. 变更公告: 选择招标公告; an earlier deadline is refused with the input kept, a later one is made.
    side_link(page, "变更公告")
    table_row(page, project.code).get_by_role("link", name="确定选择").click()
    field(page, "变更内容").fill("第2包交付期限由45日修改为60日。")
    earlier = deadline - dt.timedelta(days=1)
    field(page, "新的投标截止时间（开标时间）").fill(typed(earlier))
    submit(page, "修改保存")
    refusal = tender_rules.NEW_DEADLINE_NOT_LATER.format(
        new=deadlines.format_time(earlier), old=deadlines.format_time(deadline)
    )
    expect(page.locator("main")).to_contain_text(refusal)
    expect(field(page, "变更内容")).to_have_value("第2包交付期限由45日修改为60日。")
    shot(page, "correction-earlier-refused")
    later = deadline + dt.timedelta(days=7)
    field(page, "新的投标截止时间（开标时间）").fill(typed(later))
    submit(page, "修改保存")
    expect(flash(page)).to_contain_text(rules.CREATED.format(kind="变更公告"))
    moved_room(ready, later)
    correction = seal_submit_publish(
        page, context, browser, live_server, agent, shot, "correction", "变更公告", "是否延期"
    )
    assert correction.status == AnnouncementStatus.PUBLISHED
    assert TenderDocument.objects.get(pk=ready.tender.pk).bid_deadline == later

    # 2. 采购异常: 第2包 项目暂停 with the purchaser's decision.
    decision = tmp_path / "采购人暂停决定.pdf"
    decision.write_bytes(pdf_bytes("decision"))
    side_link(page, "采购异常")
    table_row(page, "第二包").get_by_role("link", name="项目暂停").click()
    field(page, "原因及说明").fill("采购人教学楼改造工期调整，暂停本分包。")
    upload(page, "decision", decision)
    submit(page, "修改保存")
    expect(flash(page)).to_contain_text(rules.CREATED.format(kind="变更公告（项目暂停）"))
    seal_submit_publish(
        page,
        context,
        browser,
        live_server,
        agent,
        shot,
        "suspension",
        "变更公告（项目暂停）",
        "采购人决定文件",
    )
    lot2.refresh_from_db()
    assert lot2.stage == LotStage.SUSPENDED

    # 3. 恢复交易: a new opening booked first, then the 变更公告.
    resumed = later + dt.timedelta(days=3)
    moved_room(ready, resumed)
    side_link(page, "采购异常")
    table_row(page, "第二包").get_by_role("link", name="恢复交易").click()
    field(page, "恢复说明").fill("改造完成，本分包恢复交易。")
    field(page, "新的投标截止时间（开标时间）").fill(typed(resumed))
    submit(page, "修改保存")
    expect(flash(page)).to_contain_text(rules.CREATED.format(kind="变更公告（恢复交易）"))
    seal_submit_publish(
        page,
        context,
        browser,
        live_server,
        agent,
        shot,
        "resumption",
        "变更公告（恢复交易）",
        "新的投标截止时间",
    )
    lot2.refresh_from_db()
    assert lot2.stage == LotStage.ANNOUNCED

    # 4. The opening has passed (the deadline set an hour back); the reviewer records the results.
    TenderDocument.objects.filter(pk=ready.tender.pk).update(
        bid_deadline=timezone.now() - dt.timedelta(hours=1)
    )
    ended = typed(timezone.now() - dt.timedelta(minutes=10))
    with another_browser(browser, live_server.url, shot, "reviewer") as desk:
        log_in_by_password(desk, "changde_reviewer", "/backoffice/evaluations/")
        first = desk.get_by_role("form", name=re.compile("第1包"))
        first.get_by_label("评标结束，已推荐中标候选人").check()
        first.get_by_label("评标结束时间").fill(ended)
        first.get_by_role("button", name="录入评标结果").click()
        expect(flash(desk)).to_contain_text(
            lot_rules.EVALUATION_RECORDED.format(number=1, outcome="评标结束，已推荐中标候选人")
        )
        second = desk.get_by_role("form", name=re.compile("第2包"))
        second.get_by_label("评标结束，无合格投标（应当废标）").check()
        second.get_by_label("评标结束时间").fill(ended)
        second.get_by_label("说明").fill("有效投标不足三家。")
        second.get_by_role("button", name="录入评标结果").click()
        expect(flash(desk)).to_contain_text("已录入第2包的评标结果")
        shot(desk, "evaluations-recorded")

    # 5. 项目复评场地预约 of 第1包: a 评标室 on the purchaser's request, saved (「提交审核」 is a booking's).
    request = tmp_path / "采购人复评申请.pdf"
    request.write_bytes(pdf_bytes("request"))
    side_link(page, "项目复评预约")
    table_row(page, "第一包").get_by_role("link", name="确认选择").click()
    field(page, "评标室").select_option(label=room_label(evaluation_room))
    field(page, "使用日期").fill(f"{timezone.localdate() + dt.timedelta(days=3)}")
    field(page, "开始时间").fill("09:00")
    upload(page, "request", request)
    submit(page, "修改保存")
    expect(flash(page)).to_contain_text("项目复评场地预约已保存")
    expect(page.locator("main")).to_contain_text("采购人复评申请.pdf")
    shot(page, "re-evaluation-saved")

    # 6. 中标公告 of 第1包: the winner found by 「检索」 and chosen, the price typed.
    side_link(page, "中标公告")
    table_row(page, "第一包").get_by_role("link", name="确认选择").click()
    field(page, "中标金额（元）").fill("486000.00")
    page.get_by_label("名称或统一社会信用代码").fill("智联")
    button(page, "检索").click()
    row = table_row(page, WINNER)
    shot(page, "award-search")
    row.get_by_role("button", name="选择").click()
    expect(field(page, "中标金额（元）")).to_have_value("486000.00")
    submit(page, "修改保存")
    expect(flash(page)).to_contain_text(rules.CREATED.format(kind="中标公告"))
    expect(page.locator("main")).to_contain_text(WINNER)
    award = seal_submit_publish(
        page, context, browser, live_server, agent, shot, "award", "中标公告", "中标单位"
    )
    assert award.winner_name == WINNER
    published_and_verified(page, browser, live_server.url, award, tmp_path, AGENCY, shot, "award")
    lot1.refresh_from_db()
    assert lot1.stage == LotStage.AWARDED

    # 7. 废标公告 of 第2包, with the committee's conclusion.
    conclusion = tmp_path / "评标委员会废标结论.pdf"
    conclusion.write_bytes(pdf_bytes("conclusion"))
    side_link(page, "废标公告")
    table_row(page, "第二包").get_by_role("link", name="确认选择").click()
    field(page, "废标原因（《中华人民共和国政府采购法》第三十六条）").select_option(
        label="符合专业条件的供应商或者对招标文件作实质响应的供应商不足三家"
    )
    field(page, "废标说明").fill("截至投标截止时间共2家供应商递交投标文件。")
    upload(page, "conclusion", conclusion)
    submit(page, "修改保存")
    expect(flash(page)).to_contain_text(rules.CREATED.format(kind="废标公告"))
    seal_submit_publish(page, context, browser, live_server, agent, shot, "failure", "废标公告", "废标原因")
    lot2.refresh_from_db()
    assert lot2.stage == LotStage.FAILED
    assert Announcement.objects.filter(status=AnnouncementStatus.PUBLISHED).count() == 6
    assert not Announcement.objects.exclude(status=AnnouncementStatus.PUBLISHED).exists()
    assert AnnouncementKind.AWARD in set(Announcement.objects.values_list("kind", flat=True))
