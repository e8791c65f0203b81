"""A real browser for the journeys the manuals describe: Debian's Chromium driven by Playwright.

One browser per session, a fresh context (cookies, storage) per test, pages opened against
pytest-django's live_server. Screenshots of every step land in
test-artifacts/screenshots/<test name>/ (git-ignored) so a person can see what the test saw.
"""

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.e2e.agentparts import agent, cas, soft_store, softhsm_conf, token, trusted  # noqa: F401  (fixtures for journeys)

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse
# the test's own ORM calls (factories, database checks) as "async unsafe". Set for the whole
# process because the loop stays up for the session, across tests collected after these.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--lang=zh-CN",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CALL_FAILED = pytest.StashKey[bool]()


def _screenshot_folder(item: pytest.Item) -> Path:
    return SCREENSHOTS / re.sub(r"[^\w.-]+", "_", item.name)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[pytest.TestReport]:
    # Kept on the item so the context fixture can tell, at teardown, that the test failed.
    report = yield
    if report.when == "call":
        item.stash[CALL_FAILED] = report.failed
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (make browser-deps) to run journeys")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser: Browser, live_server, request: pytest.FixtureRequest) -> Iterator[BrowserContext]:
    # Each run's screenshots replace the last run's, so the folder shows one run only.
    shutil.rmtree(_screenshot_folder(request.node), ignore_errors=True)
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 1280, "height": 900},
    )
    # A page the Content-Security-Policy breaks still renders, so only the console tells: a blocked
    # script, style or connection fails the journey that met it.
    blocked: list[str] = []
    context.on(
        "console",
        lambda message: (
            blocked.append(f"{message.page.url if message.page else ''}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield context
    if request.node.stash.get(CALL_FAILED, False):
        # What every open tab showed when the test failed.
        folder = _screenshot_folder(request.node)
        folder.mkdir(parents=True, exist_ok=True)
        for number, open_page in enumerate(context.pages, start=1):
            if open_page.is_closed():  # an agent window that closed as the test failed
                continue
            open_page.screenshot(path=str(folder / f"failed-tab{number}.png"), full_page=True)
    context.close()
    assert not blocked, "Content-Security-Policy blocked:\n" + "\n".join(blocked)


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    """shot(page, "step") saves NN-step.png, a full-page screenshot, for this test."""
    folder = _screenshot_folder(request.node)
    taken = 0

    def take(page: Page, name: str) -> Path:
        nonlocal taken
        taken += 1
        path = folder / f"{taken:02d}-{name}.png"
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture(autouse=True)
def _own_tsa(settings, tmp_path):
    """Seals' time-stamps from a TSA of this test's own: sealing pages, and 一键检测's seal test."""
    from democa.tsa import make_demo_tsa

    make_demo_tsa(tmp_path / "tsa")
    settings.GGZY_TSA_DIR = tmp_path / "tsa"
    settings.GGZY_TSA_URL = ""


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """Real files to upload: a PDF, a PNG, and an executable pretending to be a PDF."""
    from registry.samples import pdf_bytes, png_bytes

    folder = tmp_path / "uploads"
    folder.mkdir()
    made = {
        "pdf": ("营业执照.pdf", pdf_bytes("licence")),
        "png": ("身份证.png", png_bytes("id card")),
        "png2": ("身份证反面.png", png_bytes("id card back")),
        "fake_pdf": ("licence.pdf", b"MZ\x90\x00 not a pdf"),
    }
    paths = {}
    for key, (name, content) in made.items():
        path = folder / name
        path.write_bytes(content)
        paths[key] = path
    return paths


class SoftChecks:
    """Checks that fail the test at its end instead of stopping the journey where they fail, so
    one bug does not hide the steps after it. Use for a wrong detail, not for a step whose
    failure leaves nothing sensible to do next."""

    def __init__(self) -> None:
        self.failures: list[str] = []
        self.reported = False

    def check(self, description: str, assertion: Callable[[], None]) -> bool:
        try:
            assertion()
        except AssertionError as error:
            self.failures.append(f"{description}\n    {str(error).splitlines()[0]}")
            return False
        return True

    def assert_all_passed(self) -> None:
        self.reported = True
        if self.failures:
            pytest.fail("Soft checks failed:\n- " + "\n- ".join(self.failures), pytrace=False)


@pytest.fixture
def soft() -> Iterator[SoftChecks]:
    checks = SoftChecks()
    yield checks
    # A test that forgot assert_all_passed() must not pass over a failed check.
    if checks.failures and not checks.reported:
        pytest.fail("Soft checks failed (never reported):\n- " + "\n- ".join(checks.failures), pytrace=False)
