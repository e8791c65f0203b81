"""The whole exchange in Debian's Chromium: a site's page asks, the user types the PIN on the agent's page.

This is what the header choices rest on: the CORS preflight, the Origin Chromium sends with the
approve form (Referrer-Policy same-origin, not no-referrer), a CSP that lets the form post and the
done page close itself.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from ggzy_agent.config import AgentConfig
from ggzy_agent.server import AgentServer

from .conftest import PIN, SOFTHSM, WRONG_PIN, verify_independently

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
NONCE = "browser-nonce-0123456789"

# What a platform page does; the real login page is the platform's. It opens the window in the
# click itself so that no popup blocker steps in, then points it at the agent's approve page.
SITE_PAGE = """<!doctype html>
<html lang="zh-CN"><meta charset="utf-8"><title>交易平台</title>
<button id="sign">证书登录</button><pre id="out"></pre>
<script>
const AGENT = "%(agent)s";
document.getElementById("sign").onclick = async () => {
  const popup = window.open("about:blank", "ggzy-agent", "width=640,height=720");
  const listing = await (await fetch(AGENT + "/v1/certificates")).json();
  const cert = listing.certificates.find(c => c.label === %(label)s);
  const response = await fetch(AGENT + "/v1/sign", {
    method: "POST",
    headers: {"Content-Type": "application/json"},
    body: JSON.stringify({certificate_id: cert.id, purpose: "login", nonce: "%(nonce)s"}),
  });
  const created = await response.json();
  popup.location = created.approve_url;
  for (;;) {
    // Read before asking: the agent's page closes itself only after the result is done, so a
    // window seen closed before a "pending" answer means the opener lost sight of it.
    const closed = popup.closed;
    const result = await (await fetch(AGENT + "/v1/sign/" + created.request_id)).json();
    if (result.status === "pending" && closed) {
      document.getElementById("out").textContent = JSON.stringify({status: "window seen closed"});
      return;
    }
    if (result.status !== "pending") {
      document.getElementById("out").textContent = JSON.stringify(result);
      return;
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
};
</script>
</html>"""


class _Site:
    """Serves SITE_PAGE from its own loopback origin."""

    def __init__(self) -> None:
        site = self
        self.page = ""

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                body = site.page.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05})
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


def _in_own_thread(journey: Callable[[], dict]) -> dict:
    """Runs a browser journey in a thread of its own. Playwright's sync API refuses to start where
    an event loop is running, and the e2e suite keeps one running in the main thread for its
    session-wide browser (pytest-django runs those database tests first)."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["result"] = journey()
        except BaseException as error:  # handed to the test's own thread below
            outcome["error"] = error

    thread = threading.Thread(target=run, name="browser-journey")
    thread.start()
    thread.join()  # bounded by Playwright's own timeouts
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["result"]  # type: ignore[return-value]


@pytest.fixture
def site_and_agent(world, clock) -> Iterator[tuple[_Site, AgentServer]]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (make browser-deps)")
    site = _Site()
    config = AgentConfig.build(
        port=0, allowed_origins=[site.origin], pkcs11_modules=[SOFTHSM], soft_store=world.soft_store
    )
    agent = AgentServer(config, port=0, clock=clock).start()
    yield site, agent
    agent.stop()
    site.stop()


@pytest.mark.parametrize("key", ["token-p256", "file-sm2"])
def test_user_signs_in_on_the_agent_page(world, site_and_agent, key):
    site, agent = site_and_agent
    holder = world.holders[key]
    site.page = SITE_PAGE % {"agent": agent.url, "label": json.dumps(holder.name), "nonce": NONCE}

    def journey() -> dict:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu", "--lang=zh-CN"]
            )
            try:
                page = browser.new_context(locale="zh-CN").new_page()
                page.goto(site.origin + "/")
                with page.expect_popup() as popup_info:
                    page.click("#sign")
                popup = popup_info.value
                popup.wait_for_selector("input[name=pin]")
                assert popup.url.startswith(f"{agent.url}/approve/")
                assert site.origin in popup.locator(".origin").inner_text()
                assert "登录" in popup.inner_text("dl")

                popup.fill("input[name=pin]", WRONG_PIN)
                popup.click("text=确定")
                popup.wait_for_selector("text=PIN码错误，请重新输入。")

                popup.fill("input[name=pin]", PIN)
                with popup.expect_event("close"):  # the done page closes itself (its CSP allows that script)
                    popup.click("text=确定")

                page.wait_for_function("document.getElementById('out').textContent.length > 0")
                return json.loads(page.inner_text("#out"))
            finally:
                browser.close()

    result = _in_own_thread(journey)
    assert result["status"] == "done"
    expected = f"ggzy-signature-v1\norigin: {site.origin}\npurpose: login\nnonce: {NONCE}\n"
    assert result["signed_text"] == expected
    verify_independently(result["certificate"], expected.encode(), base64.b64decode(result["signature"]))
