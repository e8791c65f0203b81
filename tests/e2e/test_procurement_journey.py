"""项目注册 (004 §3.1) in a real browser with the real certificate agent (issue 14).

The agency logs in with its unit key (a SoftHSM2 token), goes to 常德's 采购业务, registers a project
with two lots: a wrong purchaser code is refused on the page with everything typed and every file
chosen kept; 「提交信息」 sends it to the center; a 常德 reviewer approves it in the back-office queue
in another browser, and the agency sees it 审核通过, no longer editable.
"""

import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from centers.grants import permissions_grant
from procurement import rules
from procurement.models import Project, ProjectStatus
from registry.identifiers import check_uscc
from review import rules as review_rules
from review.models import StaffRole
from tests.e2e.agentparts import PIN, button, field, flash, log_in_by_certificate, serial
from tests.e2e.centerparts import (
    another_browser,
    center_staff,
    current_file,
    field_error,
    known_unit,
    log_in_by_password,
    seeded_center,
    side_link,
    table_row,
    upload,
)
from tests.e2e.procurementparts import fill_lot, project_files
from tests.procurement.factories import PURCHASER_CODE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGENCY = "常德沅澧招标代理有限公司"
PROJECT = "常德市第一中学教学设备采购项目"
WRONG_CODE = PURCHASER_CODE[:17] + ("0" if PURCHASER_CODE[17] != "0" else "1")


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    return project_files(tmp_path / "files")


def test_agency_registers_a_project_with_two_lots_and_the_center_approves_it(
    browser: Browser, live_server, page: Page, shot, soft, files, trusted, token, agent
):
    from democa import issuing

    changde = seeded_center("changde")
    account, entry = known_unit(changde, AGENCY)
    # What the approval of its profile at 常德 grants a 招标代理机构 (项目登记 among them).
    permissions_grant(center=changde, center_subject=entry, because="主体信息审核通过", now=timezone.now())
    unit = account.subject
    unit_pem = issuing.token_certificate(
        trusted["rsa"], token_label=token, pin=PIN, name=unit.name, code=unit.code
    )
    center_staff("changde_reviewer", changde, StaffRole.REVIEWER, name="周敏")

    # 1. Certificate login, then 常德 → 采购业务 → 新建项目.
    log_in_by_certificate(page, agent, serial(unit_pem))
    page.wait_for_url(re.compile(r"/registry/basic/$"))
    page.goto(f"/centers/{changde.code}/")
    side_link(page, "采购业务")
    expect(page.get_by_role("heading", name="项目注册")).to_be_visible()
    expect(page.locator("table tbody")).to_contain_text("还没有项目")
    page.get_by_role("link", name="新建项目").click()
    expect(page.get_by_role("heading", name="新建项目")).to_be_visible()
    expect(page.locator("[data-lot]")).to_have_count(1)
    expect(page.locator("[data-lot]").first).to_contain_text("全流程电子化交易只有资格后审方式")

    # 2. The project, two lots (「添加分包」), the files; a wrong check character in the purchaser's code.
    field(page, "项目名称").fill(PROJECT)
    field(page, "采购方式").select_option(label="公开招标")
    field(page, "项目预算（元）").fill("1500000")
    field(page, "资金来源").select_option(label="财政资金")
    field(page, "组织形式").select_option(label="分散采购")
    field(page, "采购人名称").fill("常德市第一中学")
    field(page, "采购人统一社会信用代码").fill(WRONG_CODE)
    field(page, "项目联系人").fill("王敏")
    field(page, "联系电话").fill("0736-7788123")
    fill_lot(page, 0, "教学用台式计算机", "A02010105", "800000", "10000")
    button(page, "添加分包").click()
    expect(page.locator("[data-lot]")).to_have_count(2)
    expect(page.locator("[data-lot]").nth(1).locator(".js-lot-number")).to_have_text("2")
    fill_lot(page, 1, "多媒体教学设备", "A02091000", "600000", "8000")
    upload(page, "approval", files["approval"])
    upload(page, "entrustment", files["entrustment"])
    shot(page, "new-project-filled")
    button(page, "修改保存").click()

    expected = rules.PURCHASER_CODE_INVALID.format(error=check_uscc(WRONG_CODE).error)
    expect(field_error(page, "purchaser_code")).to_have_text(expected)
    expect(page.locator(".alert-error")).to_contain_text("没有保存")
    expect(field(page, "项目名称")).to_have_value(PROJECT)
    expect(page.locator("[data-lot]")).to_have_count(2)
    expect(page.locator("[data-lot]").nth(1).get_by_label("分包名称")).to_have_value("多媒体教学设备")
    expect(current_file(page, "approval")).to_contain_text(files["approval"].name)
    expect(current_file(page, "entrustment")).to_contain_text(files["entrustment"].name)
    shot(page, "wrong-purchaser-code-input-kept")
    assert not Project.objects.exists()

    # 3. Corrected and submitted.
    field(page, "采购人统一社会信用代码").fill(PURCHASER_CODE)
    button(page, "提交信息").click()
    expect(flash(page)).to_contain_text(rules.PROJECT_SUBMITTED.format(center=changde.name))
    expect(page.locator(".head-badges")).to_contain_text("待审核")
    project = Project.objects.get()
    expect(page.locator(".head-badges")).to_contain_text(project.code)
    expect(page.locator("main")).to_contain_text("台式计算机")
    expect(page.get_by_role("link", name="修改")).to_have_count(0)
    shot(page, "project-submitted")
    assert project.status == ProjectStatus.SUBMITTED
    assert [lot.name for lot in project.lots.all()] == ["教学用台式计算机", "多媒体教学设备"]
    title = rules.REVIEW_TITLE.format(name=PROJECT, code=project.code)

    # 4. A 常德 reviewer approves it in the queue, reading the project, its lots and its files.
    with another_browser(browser, live_server.url, shot, "reviewer") as desk:
        log_in_by_password(desk, "changde_reviewer", "/backoffice/queue/")
        row = table_row(desk, title)
        expect(row).to_contain_text(AGENCY)
        row.get_by_role("button", name="认领").click()
        content = desk.locator(".bo-grid")
        expect(content).to_contain_text("第2包")
        expect(content).to_contain_text(PURCHASER_CODE)
        expect(content.get_by_role("link", name=re.compile(r"^委托代理协议："))).to_have_count(1)
        shot(desk, "reviewer-reads-project")
        desk.get_by_label("审核意见").fill("资料齐全，同意进场。")
        button(desk, "审核通过").click()
        expect(flash(desk)).to_contain_text(review_rules.APPROVED.format(title=title))

    # 5. The agency sees it approved, with the opinion; the list shows its progress.
    page.reload()
    expect(page.locator(".head-badges")).to_contain_text("审核通过")
    expect(page.locator(".alert-success")).to_contain_text("资料齐全，同意进场。")
    shot(page, "project-approved")
    side_link(page, "采购业务")
    expect(table_row(page, PROJECT)).to_contain_text("审核通过")
    shot(page, "project-list")
