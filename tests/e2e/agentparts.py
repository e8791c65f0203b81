"""The certificate agent for browser journeys: a test PKI, a SoftHSM2 USB key, the installed
`ggzy-agent serve` in its own process on a free loopback port (as users run it), and how a person
finds the agent's boxes and PIN window on the pages.

The fixtures are made available to every journey by tests/e2e/conftest.py.
"""

import faulthandler
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, Request, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from democa import issuing
from tests import pkiparts
from tests.agentprocess import AgentProcess

SOFTHSM = issuing.SOFTHSM2_MODULE
# Distinctive PINs, as in the agent's tests.
PIN = "Pin-k7Qz9w"
WRONG = "Wrong-8d2Lx"
SO_PIN = "So-Pin-31415926"
TOKEN_LABEL = "journey-key"


# --- the test PKI, the USB key and the agent ------------------------------------------------------


@pytest.fixture(scope="module")
def cas() -> dict[str, issuing.CA]:
    return {
        "rsa": issuing.make_ca("旅程测试CA（RSA）", "rsa"),
        "p256": issuing.make_ca("旅程测试CA（P-256）", "p256"),
        "sm2": issuing.make_ca("旅程测试CA（SM2）", "sm2"),
    }


@pytest.fixture
def trusted(transactional_db, cas, tmp_path) -> dict[str, issuing.CA]:
    """The three issuers in the trust store, each with a current, empty CRL."""
    return pkiparts.trust(cas, tmp_path / "trust")


@pytest.fixture
def softhsm_conf(tmp_path, monkeypatch) -> Path:
    """This test's own SoftHSM2 token directory, for this process and the agent's. SoftHSM2 reads
    $SOFTHSM2_CONF on every C_Initialize, and both issuing and the agent re-initialise."""
    tokens = tmp_path / "softhsm" / "tokens"
    tokens.mkdir(parents=True)
    conf = tmp_path / "softhsm" / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
    return conf


@pytest.fixture
def token(softhsm_conf) -> str:
    """An empty USB key: a fresh SoftHSM2 token in this test's own token directory."""
    issuing.init_token(label=TOKEN_LABEL, so_pin=SO_PIN, pin=PIN)
    return TOKEN_LABEL


@pytest.fixture
def soft_store(tmp_path) -> Path:
    folder = tmp_path / "soft-store"
    folder.mkdir()
    return folder


@pytest.fixture
def agent(live_server, settings, tmp_path, softhsm_conf, token, soft_store) -> Iterator[AgentProcess]:
    """`ggzy-agent serve` with the USB key plugged in, allowing exactly the live server's origin;
    the pages are pointed at it. Stopped with SIGTERM at the end; a traceback in its log fails the test."""
    process = AgentProcess.start(
        tmp_path / "agent",
        allowed_origins=[live_server.url],
        pkcs11_modules=[SOFTHSM],
        soft_store=soft_store,
        softhsm_conf=softhsm_conf,
    )
    settings.GGZY_AGENT_URL = process.url
    yield process
    process.stop()


def serial(pem: str) -> str:
    """A certificate's serial as the agent and the 数字证书 page write it."""
    return format(issuing.serial_of(pem), "X")


# --- how a person finds things on these pages -------------------------------------------------


def button(page: Page, name: str) -> Locator:
    return page.get_by_role("button", name=name, exact=True)


def submit(page: Page, name: str) -> None:
    """Press a form's button and wait for the page it leads to.

    A click the browser swallows sends nothing (seen once in CI on the project form's 「提交信息」:
    no page came, and the live server's threads were all idle; a native popup such as the 采购目录
    suggestion list can take a click); then it is pressed again, as a person would. That can never post twice: the second press only comes when no request left
    the page. When a form control is invalid the test fails naming it. When a request was sent and
    no page came, every thread's stack goes to stderr: the live server answers from a thread of this
    process, so a request stuck in it shows where."""
    sent: list[Request] = []

    def note(request: Request) -> None:
        if request.is_navigation_request():
            sent.append(request)

    page.on("request", note)
    try:
        for attempt in (1, 2):
            try:
                with page.expect_navigation():
                    button(page, name).click()
                return
            except PlaywrightTimeoutError:
                invalid = page.evaluate(
                    "() => [...document.querySelectorAll(':invalid')]"
                    ".filter(e => e.name).map(e => e.name + ': ' + e.validationMessage)"
                )
                assert not invalid, f"「{name}」 was not sent, invalid fields: {invalid}"
                if sent or attempt == 2:
                    faulthandler.dump_traceback(all_threads=True)
                    raise
    finally:
        page.remove_listener("request", note)


def field(page: Page, label: str) -> Locator:
    return page.get_by_label(re.compile(rf"^\*?\s*{re.escape(label)}$"))


def flash(page: Page) -> Locator:
    return page.locator(".messages")


def agent_status(page: Page) -> Locator:
    # The first agent box on the page: the detection page also has the 签章检测 box below it.
    return page.locator(".js-agent-status").first


def certificate_option(page: Page, serial_hex: str) -> Locator:
    return page.locator(".js-certificate option", has_text=f"序列号 {serial_hex}，")


def certificate_rows(page: Page) -> Locator:
    return page.locator("table.cert-table tbody tr")


def open_ca_login(page: Page) -> None:
    page.goto("/registry/login/")
    page.get_by_role("tab", name="CA证书登录").click()
    expect(page.locator("[data-panel='certificate']")).to_be_visible()
    expect(agent_status(page)).to_contain_text("请选择后继续")


def choose_certificate(page: Page, serial_hex: str) -> None:
    option = certificate_option(page, serial_hex)
    expect(option).to_have_count(1)
    page.locator(".js-certificate").select_option(option.get_attribute("value"))


def start_signing(page: Page, button_name: str, agent: AgentProcess) -> Page:
    """Clicks the button that asks the agent to sign; returns the agent's PIN window once the
    page has waited for it as long as a person takes to read it and type a PIN."""
    with page.expect_popup() as opened:
        button(page, button_name).click()
    popup = opened.value
    expect(popup.locator("input[name='pin']")).to_be_visible()
    expect(popup).to_have_url(re.compile(rf"^{re.escape(agent.url)}/approve/"))
    keep_waiting_for_the_pin(page, agent)
    return popup


def keep_waiting_for_the_pin(page: Page, agent: AgentProcess) -> None:
    """The page asks the agent every 0.4 s whether the PIN was entered, and gives up when it sees
    the PIN window closed. A person needs longer than that to type a PIN, so let the page ask
    twice more: the second question proves the page still sees the window open after the first."""

    def is_poll(request: Request) -> bool:
        return request.method == "GET" and request.url.startswith(f"{agent.url}/v1/sign/")

    try:
        for _ in range(2):
            with page.expect_request(is_poll, timeout=5000):
                pass
    except PlaywrightTimeoutError:
        pytest.fail(
            "the page stopped waiting while the agent's PIN window was open: "
            + page.locator(".agent-box").inner_text().replace("\n", " | "),
            pytrace=False,
        )


def enter_pin(popup: Page, pin: str) -> None:
    popup.locator("input[name='pin']").fill(pin)
    button(popup, "确定").click()


def log_in_by_certificate(
    page: Page, agent: AgentProcess, serial_hex: str, shot=None, name: str = ""
) -> None:
    open_ca_login(page)
    choose_certificate(page, serial_hex)
    popup = start_signing(page, "CA证书登录", agent)
    expect(popup.locator("main")).to_contain_text(serial_hex)
    if shot:
        shot(page, f"{name}-login-ca-tab")
        shot(popup, f"{name}-agent-pin")
    enter_pin(popup, PIN)


def log_out(page: Page) -> None:
    button(page, "退出").click()
    expect(flash(page)).to_contain_text("您已安全退出")


def open_certificates(page: Page) -> None:
    page.locator(".side-nav").get_by_role("link", name="数字证书").click()
    expect(page.get_by_role("heading", name="数字证书", exact=True)).to_be_visible()
