"""A unit registered in the registry appears at 常德 and 衡阳, completes each profile, seals the
commitment and gets its permissions (issue 5; 000 §5, §7; 001 §2.2; 004 1.3), in a real browser with
the real certificate agent and the real sync.

The unit registers with its certificate (a P-256 key on a SoftHSM2 token, the one key of the whole
journey: registration, login and both seals), submits its basic information as 投标人 and
招标代理机构, and the registry's events reach the centers through the worker's Huey queue:
`manage.py run_worker` as a second process on the test database (PostgreSQL, or the SQLite file
tests/conftest.py makes it), as `make run` starts it. Nothing calls the sync functions directly.

At 常德 the sealed commitment approves the profile at once (000 §7). At 衡阳 an agency is reviewed by
市场主体科 (001 §2.2): a reviewer at another computer claims and approves it in the back-office.
"""

from __future__ import annotations

import re
import signal
import time
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from centers import rules
from centers.models import Center, CenterPermission, CenterSubject, ProfileStatus, SyncState, SyncStatus
from centers.profiles import commitment_check, commitment_title
from centers.selectors import SYNCED
from core.models import AuditEntry
from democa import issuing
from pki import rules as pki_rules
from registry.forms import BANK_ACCOUNT_INVALID
from registry.identifiers import uscc_check_char
from review import rules as review_rules
from review.models import ReviewItem, ReviewStatus, StaffMember, StaffRole
from review.services_admin import staff_member_seed
from tests.centers.syncparts import database_url, manage
from tests.e2e.agentparts import (
    PIN,
    button,
    enter_pin,
    field,
    flash,
    log_in_by_certificate,
    serial,
    start_signing,
)
from tests.e2e.centerparts import (
    another_browser,
    field_error,
    log_in_by_password,
    seeded_center,
    side_link,
    table_row,
    upload,
)
from tests.factories import PASSWORD, new_resident_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UNIT = "湖南沅湘旅程建设工程有限公司"
USCC = "91430400338812356" + uscc_check_char("91430400338812356")
NEW_PASSWORD = "Journey2026pw"
REVIEWER = "刘洋"
# What the unit's two types give, in the order the center home lists them (centers/rules.py).
BIDDER_AND_AGENCY = ["项目登记", "投标报名", "下载招标文件", "递交投标文件", "场地预约", "发布公告"]
# The worker delivers in well under a second; this is only how long to keep looking before failing.
SYNC_DEADLINE = 30


# --- the worker --------------------------------------------------------------------------------


@pytest.fixture
def worker(transactional_db, live_server, settings, tmp_path) -> Iterator[None]:
    """`manage.py run_worker`, as `make run` starts it, delivering the registry's events through a
    queue of this test's own on the test database, from before the journey to its end (stopped
    before the test's data is flushed)."""
    settings.GGZY_QUEUE_URL = f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    settings.GGZY_QUEUE_NAME = f"ggzy-journey-{uuid.uuid4().hex}"
    process = manage(
        "run_worker",
        env={
            "DATABASE_URL": database_url(),
            "GGZY_QUEUE_URL": settings.GGZY_QUEUE_URL,
            "GGZY_QUEUE_NAME": settings.GGZY_QUEUE_NAME,
            "GGZY_VAR_DIR": str(tmp_path / "worker-var"),
        },
    )
    try:
        assert process.stdout is not None
        started = process.stdout.readline()
        assert started.startswith("worker started: "), started + (
            process.stderr.read() if process.stderr else ""
        )
        yield
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert out.strip().endswith("worker stopped"), out


# --- how a person goes through these pages -----------------------------------------------------


def hengyang_reviewer(center: Center) -> StaffMember:
    """A reviewer of the department that reviews at the center (衡阳: 市场主体科), logging in with
    tests.factories.PASSWORD (centerparts.center_staff puts everyone in a test department)."""
    return staff_member_seed(
        username="hengyang_reviewer",
        password=PASSWORD,
        name=REVIEWER,
        department=center.review_department,
        roles=[StaffRole.REVIEWER],
        id_number=new_resident_id(),
        center=center,
    )


def until_shown(page: Page, target: Locator, text: str) -> None:
    """Reload until `target` shows `text`: what another process brings appears on a later load."""
    deadline = time.monotonic() + SYNC_DEADLINE
    while True:
        try:
            expect(target).to_contain_text(text, timeout=1000)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            page.reload()


def role_line(page: Page) -> Locator:
    """「当前角色：…」 in the center's page header (the left column's head)."""
    return page.locator(".side-head [data-role]")


def permission_labels(page: Page) -> Locator:
    card = page.locator(".card", has=page.get_by_role("heading", name="业务权限"))
    return card.locator("table tbody tr td:first-child")


def pick_role(page: Page, center: Center, role: str, shot) -> None:
    """004 1.3: with several types, entering the center asks which role to act in."""
    expect(page).to_have_url(re.compile(rf"/centers/{center.code}/role/\?next="))
    expect(page.get_by_role("heading", name="选择角色")).to_be_visible()
    expect(flash(page)).to_contain_text(rules.ROLE_PICK_FIRST)
    expect(page.get_by_role("radio")).to_have_count(2)
    shot(page, f"{center.code}-role-pick")
    page.get_by_label(role, exact=True).check()
    button(page, "进入").click()
    expect(flash(page)).to_contain_text(f"已以「{role}」身份进入{center.name}。")
    expect(role_line(page)).to_contain_text(f"当前角色：{role}")


def fill_center_profile(page: Page, *, account: str) -> None:
    field(page, "业务联系人").fill("陈静")
    field(page, "联系电话").fill("13973600001")
    field(page, "电子邮箱").fill("bids@yuanxiang.example.com")
    field(page, "开户银行").fill("中国建设银行常德分行")
    field(page, "账户名称").fill(UNIT)
    field(page, "账号").fill(account)
    field(page, "安全生产许可证号").fill("（湘）JZ安许证字〔2020〕000123")


def seal_commitment(
    page: Page, context: BrowserContext, agent, center: Center, unit_serial: str, shot
) -> None:
    """诚信承诺书: 生成, then 去签章 in a new window (the signing pages), the unit seal at
    「承诺单位（盖章）」 with the PIN in the agent's window, and back to the center's page."""
    side_link(page, "诚信承诺书")
    expect(page.locator(".head-badges")).to_have_text("未生成")
    expect(page.locator(".card")).to_contain_text("尚未生成诚信承诺书。")
    button(page, "生成诚信承诺书").click()
    title = f"诚信承诺书（{center.short_name}·{UNIT}）"
    expect(flash(page)).to_contain_text(f"已生成「{title}」")
    expect(page.locator(".head-badges")).to_have_text("未签章")
    expect(page.locator(".alert-warning")).to_have_text(rules.COMMITMENT_NOT_SEALED)
    shot(page, f"{center.code}-commitment-generated")

    with context.expect_page() as opened:
        page.get_by_role("link", name="去签章（新窗口）").click()
    signing = opened.value
    expect(signing.get_by_role("heading", level=1)).to_contain_text(title)
    box = signing.locator("[data-agent-seal]")
    box.locator(".js-seal").select_option(label=f"单位公章 · {UNIT}")
    place = box.locator(".js-place option", has_text="承诺单位（盖章）")
    expect(place).to_have_count(1)
    box.locator(".js-place").select_option(place.get_attribute("value"))
    expect(box.locator(".js-certificate option")).to_have_count(1)
    expect(box.locator(".js-certificate option")).to_contain_text(unit_serial)
    popup = start_signing(signing, "签章", agent)
    expect(popup.locator("main")).to_contain_text(title)
    shot(popup, f"{center.code}-agent-pin-seal")
    enter_pin(popup, PIN)
    expect(flash(signing)).to_contain_text("签章完成")
    shot(signing, f"{center.code}-sealed-on-signing-page")
    signing.close()

    page.get_by_role("link", name="我已签章，刷新状态").click()
    expect(page.locator(".head-badges")).to_have_text("已签章")
    expect(page.locator(".alert-success")).to_contain_text(f"「{title}」已加盖单位公章：{UNIT}")
    expect(page.locator(".alert-success")).to_contain_text(f"证书序列号 {unit_serial}")
    shot(page, f"{center.code}-commitment-sealed")


# --- the journey -------------------------------------------------------------------------------


def test_unit_from_the_registry_completes_changde_and_hengyang_and_gets_permissions(
    worker,
    browser: Browser,
    live_server,
    context: BrowserContext,
    page: Page,
    shot,
    soft,
    files,
    trusted,
    token,
    agent,
):
    # `worker` first: running before the first page is opened, stopped after the browser is closed.
    changde = seeded_center("changde")
    hengyang = seeded_center("hengyang")
    hengyang_reviewer(hengyang)
    unit_pem = issuing.token_certificate(trusted["p256"], token_label=token, pin=PIN, name=UNIT, code=USCC)
    unit_serial = serial(unit_pem)

    # 1. The unit registers with its certificate: name and code read from it, logged in by it.
    log_in_by_certificate(page, agent, unit_serial, shot, "register")
    page.wait_for_url(re.compile(r"/registry/register/details/$"))
    expect(flash(page)).to_contain_text(pki_rules.NOT_REGISTERED.format(name=UNIT, code=USCC))
    field(page, "电子邮箱").fill("office@yuanxiang.example.com")
    field(page, "新建密码").fill(NEW_PASSWORD)
    field(page, "确认密码").fill(NEW_PASSWORD)
    shot(page, "registration-from-certificate")
    button(page, "注册并登录").click()
    page.wait_for_url(re.compile(r"/registry/basic/$"))
    expect(flash(page)).to_contain_text("注册成功")
    expect(page.locator(".topbar .badge")).to_have_text("CA证书登录")

    # 2. 基本信息 as 投标人 and 招标代理机构, submitted under the certificate login (electronic bidding).
    page.get_by_label("投标人", exact=True).check()
    page.get_by_label("招标代理机构", exact=True).check()
    field(page, "单位性质").select_option(label="企业")
    field(page, "成立日期").fill("2012-03-15")
    field(page, "注册资本（万元）").fill("5000")
    field(page, "法定代表人姓名").fill("周建国")
    field(page, "法定代表人身份证号").fill(new_resident_id())
    field(page, "注册地行政区划").select_option("430405")
    field(page, "注册地址").fill("常德市武陵区朗州路18号")
    field(page, "经营范围").fill("房屋建筑工程施工；工程招标代理")
    field(page, "联系人").fill("陈静")
    field(page, "联系电话").fill("13973600001")
    field(page, "电子邮箱").fill("office@yuanxiang.example.com")
    field(page, "基本户开户银行").fill("中国建设银行常德分行")
    field(page, "账户名称").fill(UNIT)
    field(page, "银行账号").fill("43001500061052500001")
    upload(page, "licence_scan", files["pdf"])
    upload(page, "legal_rep_id_scan", files["png"])
    shot(page, "basic-information-filled")
    button(page, "提交").click()
    expect(flash(page)).to_contain_text("已提交，第1版现已生效。")
    expect(page.locator(".side-status .badge").first).to_have_text("有效")
    shot(page, "basic-information-submitted")

    # 3. 交易中心: the worker has delivered the submission to both registry-fed centers.
    side_link(page, "交易中心")
    changde_row = table_row(page, changde.name)
    hengyang_row = table_row(page, hengyang.name)
    until_shown(page, changde_row, SYNCED)
    until_shown(page, hengyang_row, SYNCED)
    expect(changde_row).to_contain_text("已入库 · 待完善")
    expect(hengyang_row).to_contain_text("已入库 · 待完善")
    shot(page, "synced-to-changde-and-hengyang")

    # The unit's round seal, for the commitments to come (电子印章).
    side_link(page, "电子印章")
    button(page, "生成单位公章").click()
    expect(flash(page)).to_contain_text(f"已生成单位公章「{UNIT}」")
    shot(page, "unit-seal")
    side_link(page, "交易中心")

    # 4. 常德: two types, so the role first; the profile (once wrong, input kept); the commitment.
    changde_row.get_by_role("link", name="进入常德").click()
    pick_role(page, changde, "投标人", shot)
    expect(page.get_by_role("heading", level=1)).to_have_text(UNIT)
    registry_data = page.locator(".card", has=page.get_by_role("heading", name="统一注册平台信息"))
    expect(registry_data).to_contain_text("周建国")
    soft.check(
        "常德 shows the registry's 业务范围 of a submission under the certificate login",
        lambda: expect(registry_data).to_contain_text("电子标及纸质标", timeout=1000),
    )
    expect(permission_labels(page)).to_have_count(0)
    shot(page, "changde-home")

    side_link(page, "单位信息")
    fill_center_profile(page, account="4300-1500-0610")
    button(page, "保存").click()
    expect(page.locator(".alert-error")).to_contain_text("没有保存：请修改下方标红的项目。")
    expect(field_error(page, "refund_account")).to_have_text(BANK_ACCOUNT_INVALID)
    expect(field(page, "账号")).to_have_value("4300-1500-0610")
    expect(field(page, "业务联系人")).to_have_value("陈静")
    expect(field(page, "开户银行")).to_have_value("中国建设银行常德分行")
    expect(field(page, "安全生产许可证号")).to_have_value("（湘）JZ安许证字〔2020〕000123")
    shot(page, "changde-profile-bad-account-kept")
    field(page, "账号").fill("43001500061052500001")
    button(page, "保存").click()
    expect(flash(page)).to_contain_text("已保存。")
    expect(field(page, "账号")).to_have_value("43001500061052500001")
    shot(page, "changde-profile-saved")

    seal_commitment(page, context, agent, changde, unit_serial, shot)

    # 5. 常德 提交: approved at once by its rule, with the permissions of both types.
    page.get_by_role("link", name="去提交单位信息").click()
    button(page, "提交").click()
    expect(flash(page)).to_contain_text(rules.SUBMITTED_APPROVED.format(center=changde.name))
    expect(page.locator(".head-badges")).to_have_text("中心信息：已通过")
    expect(permission_labels(page)).to_have_text(BIDDER_AND_AGENCY)
    expect(page.locator(".card", has_text="业务权限")).to_contain_text(
        rules.GRANTED_ON_COMMITMENT.format(center=changde.name)
    )
    shot(page, "changde-approved-permissions")

    # 6. 衡阳: the same unit, its own role pick; a commitment made for 常德 does not count here.
    page.goto("/centers/")
    hengyang_row.get_by_role("link", name="进入衡阳").click()
    pick_role(page, hengyang, "招标代理机构", shot)
    shot(page, "hengyang-role-agency")
    side_link(page, "诚信承诺书")
    expect(page.locator(".head-badges")).to_have_text("未生成")
    expect(page.locator(".doc-page")).to_have_count(0)
    side_link(page, "单位信息")
    fill_center_profile(page, account="43001500061052500001")
    field(page, "开户银行").fill("中国建设银行衡阳分行")
    button(page, "提交").click()
    expect(page.locator(".alert-error")).to_contain_text(rules.COMMITMENT_MISSING)
    expect(page.locator(".alert-warning")).to_contain_text("您的修改已保存，但尚未提交。")
    expect(field(page, "开户银行")).to_have_value("中国建设银行衡阳分行")
    shot(page, "hengyang-changde-commitment-does-not-count")

    seal_commitment(page, context, agent, hengyang, unit_serial, shot)

    # 7. 衡阳 提交: an agency goes to 市场主体科, and the page says by when.
    page.get_by_role("link", name="去提交单位信息").click()
    button(page, "提交").click()
    expect(flash(page)).to_contain_text(
        re.compile(r"已提交，等待市场主体科审核，预计 \d{4}年\d{1,2}月\d{1,2}日（星期.） 内完成。")
    )
    waiting = page.locator(".alert-info", has_text="正在等待市场主体科审核")
    expect(waiting).to_contain_text("（1个工作日）")
    expect(page.locator(".head-badges")).to_have_text("中心信息：待审核")
    expect(permission_labels(page)).to_have_count(0)
    expect(role_line(page)).to_contain_text("当前角色：招标代理机构")
    shot(page, "hengyang-submitted-for-review")
    item = ReviewItem.objects.get(center=hengyang, status=ReviewStatus.OPEN)
    due = rules.due_label(item.due_at)
    expect(flash(page)).to_contain_text(rules.DUE_BY.format(day=due))
    expect(waiting).to_contain_text(due)

    # 8. A 衡阳 reviewer, at another computer: claim, read, approve.
    title = f"主体信息登记：{UNIT}"
    with another_browser(browser, live_server.url, shot, "reviewer") as desk:
        log_in_by_password(desk, "hengyang_reviewer", "/backoffice/queue/")
        row = table_row(desk, title)
        expect(row).to_contain_text(USCC)
        shot(desk, "reviewer-queue")
        row.get_by_role("button", name="认领").click()
        expect(flash(desk)).to_contain_text(review_rules.CLAIMED.format(title=title))
        content = desk.locator(".bo-grid")
        expect(content).to_contain_text("招标代理机构")
        expect(content).to_contain_text("中国建设银行衡阳分行")
        expect(content).to_contain_text(f"已加盖单位公章（{UNIT}，证书序列号 {unit_serial}")
        shot(desk, "reviewer-item")
        desk.get_by_label("审核意见").fill("材料齐全，同意。")
        button(desk, "审核通过").click()
        expect(flash(desk)).to_contain_text(review_rules.APPROVED.format(title=title))
        shot(desk, "reviewer-approved")

    # 9. The unit reloads: approved, with the bidder's and the agency's permissions.
    page.reload()
    expect(page.locator(".head-badges")).to_have_text("中心信息：已通过")
    expect(permission_labels(page)).to_have_text(BIDDER_AND_AGENCY)
    expect(page.locator(".card", has_text="业务权限")).to_contain_text(f"市场主体科审核通过（{REVIEWER}，")
    shot(page, "hengyang-approved-permissions")

    # What the pages showed is what the centers hold; the sync came through the worker.
    for center in (changde, hengyang):
        entry = CenterSubject.objects.at(center).select_related("subject").get(subject__code=USCC)
        assert entry.profile_status == ProfileStatus.APPROVED
        assert entry.commitment is not None and entry.commitment.title == commitment_title(center, UNIT)
        assert sorted(
            CenterPermission.objects.at(center).filter(center_subject=entry).values_list("code", flat=True)
        ) == sorted(rules.permissions_for(["bidder", "agency"]))
        assert SyncState.objects.at(center).get(subject=entry.subject).status == SyncStatus.SYNCED
    synced = AuditEntry.objects.filter(action="centers.subject_synced", data__effect="created")
    assert sorted(synced.values_list("data__center", flat=True)) == ["changde", "hengyang"]
    hengyang_entry = CenterSubject.objects.at(hengyang).get(subject__code=USCC)
    changde_commitment = CenterSubject.objects.at(changde).get(subject__code=USCC).commitment
    refused = commitment_check(center=hengyang, entry=hengyang_entry, document=changde_commitment)
    assert refused.problem == rules.COMMITMENT_OTHER_CENTER.format(center=hengyang.name)
    assert ReviewItem.objects.get(pk=item.pk).status == ReviewStatus.APPROVED
    soft.assert_all_passed()
