"""下载证书助手: the wheel `make agent-dist` builds is what /pki/agent/ offers, it installs and runs,
and every page that cannot reach the agent says where to get it."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import sysconfig
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client as DjangoClient
from django.urls import reverse

from pki import views_agent

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")


def build_agent_dist(folder: Path) -> Path:
    """Runs the Makefile target `make run` runs, into `folder`; returns the one wheel it made."""
    done = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "agent-dist",
            f"AGENT_DIST={folder}",
            f"BIN={Path(sys.executable).parent}",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    wheels = list(folder.glob("ggzy_agent-*-py3-none-any.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    return build_agent_dist(tmp_path_factory.mktemp("agent-dist"))


@pytest.fixture
def web(settings, wheel) -> DjangoClient:
    settings.GGZY_AGENT_DIST_DIR = wheel.parent
    return DjangoClient()


@pytest.mark.django_db
def test_the_page_offers_the_built_wheel_with_three_steps(web, wheel):
    from ggzy_agent import __version__

    assert wheel.name == f"ggzy_agent-{__version__}-py3-none-any.whl"
    page = web.get(reverse("pki:agent_download"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>下载证书助手</h1>" in html
    assert f'href="/pki/agent/{wheel.name}"' in html
    steps = re.search(r'<ol class="js-agent-steps">(.*?)</ol>', html, re.S).group(1)
    items = re.findall(r"<li>(.*?)</li>", steps, re.S)
    assert len(items) == 3
    assert "Python 3.11" in items[0]
    assert f"pip install --user {wheel.name}" in items[1]
    assert "ggzy-agent serve" in items[2] and "允许" in items[2]
    assert 'allowed_origins = ["http://testserver"]' in html  # this site, for config.toml
    assert "python-pkcs11" in html and "单文件" in html  # why there is no one-file program


@pytest.mark.django_db
def test_the_file_is_served_as_an_attachment_with_its_name(web, wheel):
    response = web.get(reverse("pki:agent_file", args=[wheel.name]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{wheel.name}"'
    assert b"".join(response.streaming_content) == wheel.read_bytes()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["ggzy_agent-9.9.9-py3-none-any.whl", "..", "config.toml"])
def test_only_the_built_wheel_is_served(web, name):
    response = web.get(f"/pki/agent/{name}")
    assert response.status_code == 404
    assert views_agent.NO_SUCH_FILE in response.content.decode()
    assert web.get(f"/pki/agent/..%2F{name}").status_code == 404  # no slash reaches the view


@pytest.mark.django_db
def test_not_built_is_a_chinese_404(settings, tmp_path):
    settings.GGZY_AGENT_DIST_DIR = tmp_path / "nothing-here"
    web = DjangoClient()
    for url in (reverse("pki:agent_download"), "/pki/agent/ggzy_agent-0.1.0-py3-none-any.whl"):
        response = web.get(url)
        assert response.status_code == 404
        assert views_agent.NOT_BUILT in response.content.decode()
        assert "<h1>下载证书助手</h1>" in response.content.decode()


def test_the_wheel_installs_into_a_fresh_venv_and_runs(wheel, tmp_path):
    """Offline: the wheel itself goes in with pip; its dependencies (cryptography, python-pkcs11,
    asn1crypto, gmssl-pyx) are borrowed from the test venv's site-packages through a .pth file, since
    a test may not download them. The editable checkout is not on that path (.pth files there are not
    read), so what runs is the wheel's own copy."""
    fresh = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(fresh)], check=True, timeout=120)
    python = fresh / "bin" / "python"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        check=True,
        timeout=300,
    )
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(site, "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}

    helped = subprocess.run(
        [str(fresh / "bin" / "ggzy-agent"), "--help"], capture_output=True, text=True, timeout=60, env=env
    )
    assert helped.returncode == 0, helped.stderr
    assert "证书助手" in helped.stdout and "serve" in helped.stdout

    where = subprocess.run(
        [
            str(python),
            "-c",
            "import ggzy_agent, ggzy_agent.pages as p; p._template('approve.html'); p._style(); print(ggzy_agent.__file__)",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert where.returncode == 0, where.stderr
    assert where.stdout.strip().startswith(site), where.stdout  # the wheel's copy, with its templates
    with zipfile.ZipFile(wheel) as packed:
        assert "ggzy_agent/templates/approve.html" in packed.namelist()


@pytest.mark.django_db
def test_pages_tell_agent_js_where_the_download_page_is(web):
    html = web.get(reverse("registry:login")).content.decode()
    assert f'data-agent-download="{reverse("pki:agent_download")}"' in html


@pytest.mark.django_db
def test_the_detect_page_links_to_the_download_page(web):
    html = web.get(reverse("pki:detect")).content.decode()
    assert f'href="{reverse("pki:agent_download")}"' in html
    assert "README" not in html


@pytest.fixture
def unreachable_agent(settings) -> Iterator[str]:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.GGZY_AGENT_URL = f"http://127.0.0.1:{port}"
    yield settings.GGZY_AGENT_URL


@pytest.mark.browser
def test_pages_that_cannot_reach_the_agent_link_to_the_download(live_server, unreachable_agent):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing")
    from playwright.sync_api import expect, sync_playwright

    # Playwright's event loop runs in this thread; Django would refuse the live server's ORM
    # calls from it as "async unsafe" (tests/e2e/conftest.py sets the same for its journeys).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page(base_url=live_server.url)
            # The login page's certificate box, as every page using pki/_agent_sign.html has it.
            page.goto("/registry/login/")
            status = page.locator(".js-agent-status").first
            expect(status).to_contain_text("未连接到证书助手")
            link = status.locator("a.js-agent-download")
            expect(link).to_have_text("还没有安装？下载证书助手")
            expect(link).to_have_attribute("href", "/pki/agent/")

            # 证书检测: the one-click check stops at the agent and says where to get it.
            page.goto("/pki/detect/")
            page.get_by_role("button", name="一键检测").click()
            stopped = page.locator(".js-checks li").filter(has_text="检测中止")
            expect(stopped.locator("a.js-agent-download")).to_have_attribute("href", "/pki/agent/")
        finally:
            browser.close()
