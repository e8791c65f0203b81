"""The journey of issue 5 "a reviewer works the queue", in a real browser: a 衡阳 reviewer logs
in, sees the overdue item in red at the top, claims it, is told that rejecting needs an opinion
(what was typed stays), rejects with one; an administrator looks after staff and the calendar.
Screenshots of each step land in test-artifacts/screenshots/<test name>/."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from centers.models import CenterSubject, CenterSubjectType, ProfileStatus
from review import rules
from review.models import ReviewItem, ReviewStatus
from tests.backoffice.test_queue import overdue_by
from tests.factories import PASSWORD
from tests.review.parts import center_subject, open_item, registered_handlers, reseed, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _seeded(transactional_db):
    reseed()


def log_in(page: Page, username: str, where: str) -> None:
    page.goto(where)
    expect(page).to_have_url(re.compile(r"/registry/login/"))
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_a_reviewer_works_the_queue(page, shot):
    staff("hengyang_reviewer", "hengyang", "reviewer", name="李娟")
    late_entry = center_subject("hengyang", "衡阳雁峰建设有限公司")
    CenterSubjectType.unscoped.create(center=late_entry.center, center_subject=late_entry, type="agency")
    late = open_item(late_entry)
    ReviewItem.objects.filter(pk=late.pk).update(
        due_at=overdue_by(2), submitted_at=timezone.now() - timezone.timedelta(days=6)
    )
    open_item(center_subject("hengyang", "衡阳石鼓招标代理有限公司"))
    open_item(center_subject("changde", "常德武陵建设有限公司"))  # another center's: not shown

    with registered_handlers():
        log_in(page, "hengyang_reviewer", "/backoffice/queue/")
        expect(page).to_have_url(re.compile(r"/backoffice/queue/$"))
        expect(page.locator(".bo-bar")).to_contain_text("李娟")
        expect(page.locator(".bo-bar")).to_contain_text("衡阳市公共资源交易中心")
        first = page.locator("tbody tr").first
        expect(first).to_contain_text("衡阳雁峰建设有限公司")
        expect(first.locator(".clock-overdue")).to_have_text("已超期 2 个工作日")
        expect(page.locator("tbody")).not_to_contain_text("常德武陵建设有限公司")
        shot(page, "queue-with-an-overdue-item")

        first.get_by_role("button", name="认领").click()
        expect(page.locator(".messages")).to_contain_text("已认领")
        page.get_by_role("button", name="退回", exact=True).click()
        expect(page.locator("#decision")).to_contain_text(rules.OPINION_REQUIRED)
        shot(page, "item-rejected-without-an-opinion")

        page.get_by_label("审核意见").fill("营业执照扫描件不清晰，请重新上传。")
        page.get_by_role("button", name="退回", exact=True).click()
        expect(page).to_have_url(re.compile(r"/backoffice/queue/$"))
        expect(page.locator(".messages")).to_contain_text("已退回")
        shot(page, "queue-after-the-decision")

        page.get_by_label("状态").select_option("done")
        page.get_by_role("button", name="筛选").click()
        expect(page.locator("tbody tr").first).to_contain_text("已退回")
        page.locator("tbody tr").first.get_by_role("link", name="主体信息审核：衡阳雁峰建设有限公司").click()
        expect(page.locator(".bo-history")).to_contain_text("退回")
        shot(page, "decided-item-with-its-history")

        # The subject behind the item, and removing one of its types (000 §8.2: staff only).
        page.get_by_role("link", name="衡阳雁峰建设有限公司").click()
        expect(page.locator("tbody")).to_contain_text("衡阳雁峰建设有限公司")
        page.get_by_role("link", name="衡阳雁峰建设有限公司").click()
        expect(page.locator("h1")).to_have_text("衡阳雁峰建设有限公司")
        shot(page, "subject-detail")
        page.get_by_role("link", name="删除").click()
        page.get_by_role("button", name="确认删除").click()
        expect(page.locator("#field-reason .error")).to_contain_text("请填写删除原因")
        shot(page, "subject-type-removal-needs-a-reason")
        page.get_by_label("删除原因").fill("单位来电申请删除招标代理机构类型，已核实。")
        page.get_by_role("button", name="确认删除").click()
        expect(page.locator(".messages")).to_contain_text("已删除主体类型「招标代理机构」。")

    assert ReviewItem.objects.get(pk=late.pk).status == ReviewStatus.REJECTED
    assert CenterSubjectType.unscoped.get(center_subject=late_entry).removed_by is not None
    entry = CenterSubject.unscoped.get(pk=late_entry.pk)
    assert entry.profile_status == ProfileStatus.REJECTED
    assert entry.decision_opinion == "营业执照扫描件不清晰，请重新上传。"


def test_an_administrator_looks_after_staff_and_the_calendar(page, shot):
    staff("ggzy_admin", None, "admin", name="赵平")
    staff("hengyang_reviewer", "hengyang", "reviewer", name="李娟")
    staff("hengyang_support", "hengyang", "support", name="陈强")

    log_in(page, "ggzy_admin", "/backoffice/staff/")
    expect(page.locator("tbody")).to_contain_text("李娟")
    shot(page, "staff-list")

    page.get_by_role("link", name="添加工作人员").click()
    page.get_by_label("登录账号").fill("changde_reviewer")
    page.get_by_label("姓名").fill("周敏")
    page.get_by_label("科室").fill("信息技术部")
    page.get_by_label("所属中心").select_option(label="常德市公共资源交易中心")
    page.get_by_label("审核员").check()
    page.get_by_label("身份证号码").fill("430702198803120241")  # last character should be X
    page.get_by_role("button", name="添加").click()
    expect(page.locator("#field-id_number .error")).to_contain_text("第18位校验码应为“X”")
    expect(page.get_by_label("姓名")).to_have_value("周敏")
    shot(page, "staff-add-with-a-wrong-id-number")
    page.get_by_label("身份证号码").fill("43070219880312024X")
    page.get_by_role("button", name="添加").click()
    expect(page.locator(".messages")).to_contain_text("已添加工作人员周敏。")

    page.get_by_role("link", name="李娟").click()
    shot(page, "staff-member-page")

    page.get_by_role("link", name="节假日与调休").click()
    page.get_by_role("link", name="2026年").click()
    expect(page.locator("tbody")).to_contain_text("国庆节调休上班")
    page.get_by_label("日期").fill("2026-12-02")
    page.get_by_label("调休上班").check()
    page.get_by_label("说明").fill("误登")
    page.get_by_role("button", name="登记").click()
    expect(page.locator("#field-is_working")).to_contain_text(
        rules.WORKDAY_ON_WEEKDAY.format(date="2026-12-02")
    )
    shot(page, "calendar-2026-with-an-error")
