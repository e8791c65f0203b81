"""The certificate journeys, walked in a real browser with the real certificate agent (证书助手).

000 §3 检测工具 (一键检测, a login and a seal signature under one PIN), 003 §3 CA证书登录 with the PIN typed into the agent's own window,
002 §3-4 binding on first login and after a renewal, and registration from a certificate whose
holder is not registered yet. The installed `ggzy-agent serve` runs as its own process on a free
loopback port, with SoftHSM2 tokens in a temporary directory as the USB keys and a temporary
soft-certificate folder; the pages find it through settings.GGZY_AGENT_URL, as they find an
installed agent.
"""

import re

import pytest
from ggzy_agent.errors import WRONG_PIN
from playwright.sync_api import Page, expect

from democa import issuing
from pki import rules
from pki.models import BindingHow, BoundCertificate
from registry.identifiers import uscc_check_char
from registry.models import Subject
from tests.e2e.agentparts import (
    PIN,
    WRONG,
    agent_status,
    button,
    certificate_option,
    certificate_rows,
    choose_certificate,
    enter_pin,
    field,
    flash,
    keep_waiting_for_the_pin,
    log_in_by_certificate,
    log_out,
    open_ca_login,
    open_certificates,
    serial,
    start_signing,
)
from tests.factories import make_unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


NEW_PASSWORD = "Journey2026pw"
UNREGISTERED_USCC = "91430100338812348" + uscc_check_char("91430100338812348")


# --- 000 §3 + 003 §3 + 002 §4: detection, first login, renewal --------------------------------


def test_detect_then_log_in_and_renewed_certificate_binds_itself(page: Page, shot, trusted, token, agent):
    account = make_unit(name="衡阳证书旅程建设有限公司")
    unit = account.subject
    first = issuing.token_certificate(
        trusted["p256"], token_label=token, pin=PIN, name=unit.name, code=unit.code
    )
    first_serial = serial(first)

    # 一键检测: agent, PKCS#11 module, certificates, status, and under one PIN (in the agent's window)
    # both kinds of signature the platform asks for: the login text and a seal on a sample page.
    page.goto("/pki/detect/")
    expect(agent_status(page)).to_have_text("点击「一键检测」开始。")
    popup = start_signing(page, "一键检测", agent)
    pin_window = popup.locator("main")
    expect(pin_window).to_contain_text(page.url.split("/pki/")[0])  # the site asking
    expect(popup.locator("dt:text-is('用途') + dd")).to_have_text("证书检测")
    expect(pin_window).to_contain_text(first_serial)
    expect(pin_window).to_contain_text("1. 登录签名检测")
    expect(pin_window).to_contain_text("2. 签章签名检测")
    expect(pin_window).to_contain_text("文件：电子签章检测样张")
    expect(pin_window).to_contain_text("文件摘要（SHA-256）")
    shot(popup, "detect-agent-pin")
    enter_pin(popup, PIN)
    expect(agent_status(page)).to_have_text("检测通过")
    checks = page.locator(".js-checks li")
    expect(checks.locator("strong")).to_have_text(
        ["✔ 证书助手", "✔ 设备驱动（PKCS#11）", "✔ 证书", "✔ PIN码", "✔ 证书检测", "✔ 登录签名", "✔ 签章签名"]
    )
    expect(page.locator(".js-checks li.error")).to_have_count(0)
    status_check = checks.filter(has_text="证书状态正常")
    expect(status_check).to_have_class(re.compile(r"\bok\b"))
    expect(status_check).to_contain_text(f"{unit.name}（{unit.code}）")
    expect(status_check).to_contain_text("未被吊销")
    seal_check = checks.filter(has_text="签章签名")
    expect(seal_check).to_contain_text(f"签章成功：{unit.name}，签章有效，时间戳")
    expect(seal_check.get_by_role("link", name="下载签章样张")).to_have_attribute(
        "href", re.compile(r"^/signing/detect/[0-9a-f-]+/sample\.pdf$")
    )
    shot(page, "detection-results")

    # CA证书登录 with the key: first use binds it.
    log_in_by_certificate(page, agent, first_serial, shot, "first")
    page.wait_for_url(re.compile(r"/registry/basic/$"))
    expect(flash(page)).to_contain_text(rules.LOGGED_IN)
    expect(flash(page)).to_contain_text(rules.FIRST_BOUND)
    expect(page.locator(".topbar .badge")).to_have_text("CA证书登录")
    shot(page, "first-logged-in")
    open_certificates(page)
    expect(certificate_rows(page)).to_have_count(1)
    row = certificate_rows(page).filter(has_text=first_serial)
    expect(row).to_contain_text(BindingHow.FIRST_LOGIN.label)
    expect(row).to_contain_text("当前登录")
    expect(row).to_contain_text("旅程测试CA（P-256）")
    shot(page, "certificate-list-first")
    log_out(page)

    # The renewed certificate (new key, new serial, another issuer) arrives as a certificate file.
    renewed = issuing.soft_certificate(
        trusted["sm2"],
        directory=agent.config.soft_store,
        stem="renewed",
        pin=PIN,
        name=unit.name,
        code=unit.code,
    )
    renewed_serial = serial(renewed)
    assert renewed_serial != first_serial
    open_ca_login(page)
    expect(page.locator(".js-certificate option")).to_have_count(2)
    # Each certificate says where it is: which USB key, which file.
    expect(certificate_option(page, first_serial)).to_have_text(
        f"{unit.name}（序列号 {first_serial}，P256，USB Key {token}）"
    )
    expect(certificate_option(page, renewed_serial)).to_have_text(
        f"{unit.name}（序列号 {renewed_serial}，SM2，证书文件 renewed）"
    )
    log_in_by_certificate(page, agent, renewed_serial, shot, "renewed")
    page.wait_for_url(re.compile(r"/registry/basic/$"))
    expect(flash(page)).to_contain_text(rules.RENEWAL_BOUND)
    shot(page, "renewed-logged-in")
    open_certificates(page)
    rows = certificate_rows(page)
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text=first_serial)).to_contain_text(BindingHow.FIRST_LOGIN.label)
    expect(rows.filter(has_text=first_serial)).not_to_contain_text("当前登录")
    expect(rows.filter(has_text=renewed_serial)).to_contain_text(BindingHow.RENEWAL.label)
    expect(rows.filter(has_text=renewed_serial)).to_contain_text("当前登录")
    expect(rows.filter(has_text=renewed_serial)).to_contain_text("SM2")
    shot(page, "certificate-list-both")
    assert sorted(BoundCertificate.objects.filter(subject=unit).values_list("how", flat=True)) == [
        BindingHow.FIRST_LOGIN,
        BindingHow.RENEWAL,
    ]


# --- 003 §3: a wrong PIN is said in the agent's window, and the right one still logs in ---------


def test_wrong_pin_then_right_pin_logs_in(page: Page, shot, trusted, token, agent):
    account = make_unit(name="衡阳输错口令建设有限公司")
    unit = account.subject
    pem = issuing.token_certificate(
        trusted["rsa"], token_label=token, pin=PIN, name=unit.name, code=unit.code
    )

    open_ca_login(page)
    choose_certificate(page, serial(pem))
    popup = start_signing(page, "CA证书登录", agent)
    expect(agent_status(page)).to_have_text("请在证书助手弹出的窗口中核对网站并输入PIN码…")
    enter_pin(popup, WRONG)
    expect(popup.locator(".error")).to_have_text(WRONG_PIN)  # 「PIN码错误，请重新输入。」
    expect(popup.locator("input[name='pin']")).to_have_value("")
    shot(popup, "wrong-pin")
    # The page keeps waiting for the agent while the person tries again.
    expect(page).to_have_url(re.compile(r"/registry/login/$"))
    keep_waiting_for_the_pin(page, agent)
    expect(agent_status(page)).to_have_text("请在证书助手弹出的窗口中核对网站并输入PIN码…")

    enter_pin(popup, PIN)
    page.wait_for_url(re.compile(r"/registry/basic/$"))
    expect(flash(page)).to_contain_text(rules.LOGGED_IN)
    expect(page.locator(".topbar .badge")).to_have_text("CA证书登录")
    expect(page.locator(".side-name")).to_have_text(unit.name)
    shot(page, "logged-in")
    assert BoundCertificate.objects.filter(subject=unit, serial=serial(pem)).exists()


# --- 002 §3: the holder of a certificate registers from it ---------------------------------------


def test_unregistered_certificate_registers_and_logs_in(page: Page, shot, trusted, agent):
    name = "长沙证书注册科技有限公司"
    pem = issuing.soft_certificate(
        trusted["rsa"],
        directory=agent.config.soft_store,
        stem="newcomer",
        pin=PIN,
        name=name,
        code=UNREGISTERED_USCC,
    )
    assert not Subject.objects.filter(code=UNREGISTERED_USCC).exists()

    log_in_by_certificate(page, agent, serial(pem), shot, "unregistered")
    page.wait_for_url(re.compile(r"/registry/register/details/$"))
    expect(flash(page)).to_contain_text(rules.NOT_REGISTERED.format(name=name, code=UNREGISTERED_USCC))
    card = page.locator(".card")
    expect(card).to_contain_text(f"统一社会信用代码：{UNREGISTERED_USCC}")
    expect(card.locator(".badge")).to_have_text("由CA证书读取")
    expect(field(page, "单位全称")).to_have_value(name)
    expect(field(page, "单位全称")).to_be_disabled()
    expect(card).to_contain_text("由CA证书读取，不可修改。")
    expect(card.get_by_role("link", name="修改")).to_have_count(0)
    field(page, "电子邮箱").fill("office@cszs.example.com")
    field(page, "新建密码").fill(NEW_PASSWORD)
    field(page, "确认密码").fill(NEW_PASSWORD)
    shot(page, "registration-from-certificate")
    button(page, "注册并登录").click()

    page.wait_for_url(re.compile(r"/registry/basic/$"))
    expect(flash(page)).to_contain_text("注册成功")
    expect(flash(page)).to_contain_text(UNREGISTERED_USCC)
    expect(page.locator(".topbar .badge")).to_have_text("CA证书登录")
    expect(page.locator(".side-name")).to_have_text(name)
    shot(page, "registered-basic-information")
    open_certificates(page)
    row = certificate_rows(page).filter(has_text=serial(pem))
    expect(certificate_rows(page)).to_have_count(1)
    expect(row).to_contain_text(BindingHow.REGISTRATION.label)
    expect(row).to_contain_text("当前登录")
    shot(page, "certificate-list")
    subject = Subject.objects.get(code=UNREGISTERED_USCC)
    assert subject.name == name
    assert subject.account.email == "office@cszs.example.com"
