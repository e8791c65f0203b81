"""下载中心 and 办事指南, with no login: the agent offered is the wheel /pki/agent/ serves, with its
version and digest; every link of the guide leads to a page that exists; each page has its title,
one h1 and its canonical link."""

import hashlib
import html
import re
import tomllib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from pki import agent_dist
from portal import views_guides

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]
WHEEL = "ggzy_agent-0.1.0-py3-none-any.whl"
# Pages anyone reads; every other link of the guides is to a page that asks for a login first.
PUBLIC = {
    "/",
    "/announcements/",
    "/ocds/",
    "/downloads/",
    "/guide/",
    "/pki/agent/",
    f"/pki/agent/{WHEEL}",
    "/pki/detect/",
    "/pki/issuers/",
    "/registry/login/",
    "/registry/password/reset/",
    "/registry/register/",
    "/signing/verify/",
}


class Links(HTMLParser):
    """The page's links, element ids, h1 count and canonical link."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()
        self.h1 = 0
        self.canonical: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "h1":
            self.h1 += 1
        if tag == "a" and found.get("href"):
            self.hrefs.append(str(found["href"]))
        if tag == "link" and found.get("rel") == "canonical":
            self.canonical.append(str(found["href"]))


def read(response) -> Links:
    links = Links()
    links.feed(response.content.decode())
    return links


@pytest.fixture
def built(settings, tmp_path) -> Path:
    """A wheel where `make agent-dist` puts it: the pages only read its name, size and bytes."""
    settings.GGZY_AGENT_DIST_DIR = tmp_path
    wheel = tmp_path / WHEEL
    wheel.write_bytes(b"PK\x03\x04 not a real wheel, only its bytes are served")
    return wheel


@pytest.mark.parametrize(("url", "title"), [("/downloads/", "下载中心"), ("/guide/", "办事指南")])
def test_each_page_has_its_title_one_h1_and_its_canonical_link(client, built, url, title):
    response = client.get(url)
    assert response.status_code == 200
    page = read(response)
    assert f"<title>{title} · ggzy</title>" in response.content.decode()
    assert page.h1 == 1 and f"<h1>{title}</h1>" in response.content.decode()
    assert page.canonical == [f"http://testserver{url}"]


def test_the_download_is_the_wheel_pki_agent_serves(client, built):
    response = client.get("/downloads/")
    text = html.unescape(response.content.decode())
    link = reverse("pki:agent_file", args=[WHEEL])
    assert link in read(response).hrefs
    assert "0.1.0" in text and hashlib.sha256(built.read_bytes()).hexdigest() in text
    served = client.get(link)
    assert served.status_code == 200 and b"".join(served.streaming_content) == built.read_bytes()
    for system in ("Windows", "macOS", "Linux"):
        assert f'<h2 id="{system.lower()}">{system}</h2>' in text
    assert f"python -m pip install --user {WHEEL}" in text  # Windows
    assert f"python3 -m pip install --user {WHEEL}" in text  # macOS
    assert f"pipx install ~/Downloads/{WHEEL}" in text  # Debian and Ubuntu refuse pip --user
    assert 'allowed_origins = ["http://testserver"]' in text  # what the agent must allow
    assert reverse("pki:detect") in read(response).hrefs


def test_not_built_says_so_and_the_page_still_guides(client, settings, tmp_path):
    settings.GGZY_AGENT_DIST_DIR = tmp_path / "nothing-here"
    response = client.get("/downloads/")
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    assert agent_dist.NOT_BUILT in text and "ggzy_agent-版本号-py3-none-any.whl" in text
    assert not any("/pki/agent/ggzy_agent" in href for href in read(response).hrefs)


def test_the_python_named_is_the_one_the_agent_requires():
    project = tomllib.loads((REPO / "agent" / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["requires-python"] == f">={views_guides.AGENT_PYTHON}"


@pytest.mark.parametrize("url", ["/downloads/", "/guide/"])
def test_every_link_leads_to_a_page_that_exists(client, built, url):
    pages = {url: read(client.get(url))}
    for href in pages[url].hrefs:
        parts = urlsplit(href)
        assert not parts.netloc, f"{href}: the guides link only to this site"
        target = parts.path or url
        if target not in pages:
            response = client.get(target)
            if target in PUBLIC:
                assert response.status_code == 200, f"{href} answered {response.status_code}"
            else:  # a page for the logged-in: to the login page, and back after it
                assert response.status_code == 302, f"{href} answered {response.status_code}"
                assert response["Location"].startswith(reverse("registry:login") + "?next=")
            pages[target] = Links() if response.status_code != 200 or response.streaming else read(response)
        if parts.fragment:
            assert parts.fragment in pages[target].ids, f"{href}: no element with that id"


def test_the_home_page_and_every_footer_lead_to_them(client):
    for url in ("/", "/announcements/"):
        hrefs = read(client.get(url)).hrefs
        assert "/downloads/" in hrefs and "/guide/" in hrefs


def test_the_guide_names_no_browser_setting_to_make():
    guide = (REPO / "templates" / "portal" / "guide.html").read_text(encoding="utf-8")
    # The manuals' set-up chapters are named only as what is no longer needed (the first paragraph).
    body = guide.split("</p>", 1)[1]
    assert not re.search(r"兼容性视图|可信站点|ActiveX|检测工具", body)
