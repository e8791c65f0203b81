"""下载证书助手: the certificate agent as the wheel `make agent-dist` builds from agent/.

Why a wheel and not one file to double-click: the agent reaches USB keys through python-pkcs11,
which is compiled for each operating system and Python version, so no single zipapp runs
everywhere. pip installs the wheel and fetches the compiled parts that fit the user's machine.

Mounted under /pki/agent/ by one include in pki/urls.py; the names live in the pki namespace.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

# Only what `pip wheel ./agent` writes: a pure-Python wheel of the ggzy-agent project.
WHEEL_NAME = re.compile(r"ggzy_agent-(?P<version>\d+(?:\.\d+)*(?:[a-z0-9.+]*))-py3-none-any\.whl")
NOT_BUILT = (
    "证书助手安装包尚未生成，暂时无法下载。请联系交易平台（管理员可在服务器上运行 make agent-dist 生成）。"
)
NO_SUCH_FILE = "没有这个安装包，请回到「下载证书助手」页面重新下载。"


@dataclass(frozen=True)
class AgentWheel:
    path: Path
    version: str

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def size_kb(self) -> int:
        return max(1, round(self.path.stat().st_size / 1024))

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def dist_dir() -> Path:
    # Not a setting of its own in settings.py: var/ is where `make` puts what it builds.
    return Path(settings.GGZY_AGENT_DIST_DIR)


def latest_wheel() -> AgentWheel | None:
    """The newest wheel in the folder; `make agent-dist` leaves only one there."""
    folder = dist_dir()
    if not folder.is_dir():
        return None
    wheels = [
        AgentWheel(file, match.group("version"))
        for file in folder.iterdir()
        if (match := WHEEL_NAME.fullmatch(file.name)) and file.is_file()
    ]
    return max(wheels, key=lambda wheel: wheel.path.stat().st_mtime, default=None)


def _page(
    request: HttpRequest, wheel: AgentWheel | None, *, error: str = "", status: int = 200
) -> HttpResponse:
    origin = f"{request.scheme}://{request.get_host()}"
    context = {"wheel": wheel, "error": error, "site_origin": origin}
    return render(request, "pki/agent_download.html", context, status=status)


@require_GET
def agent_download(request: HttpRequest) -> HttpResponse:
    wheel = latest_wheel()
    if wheel is None:
        return _page(request, None, error=NOT_BUILT, status=404)
    return _page(request, wheel)


@require_GET
def agent_file(request: HttpRequest, name: str) -> HttpResponseBase:
    # Served by name only when it is one of the wheels in the folder: no path ever comes from the URL.
    wheel = latest_wheel()
    if wheel is None:
        return _page(request, None, error=NOT_BUILT, status=404)
    if name != wheel.name:
        return _page(request, wheel, error=NO_SUCH_FILE, status=404)
    response = FileResponse(
        wheel.path.open("rb"),
        as_attachment=True,
        filename=wheel.name,
        content_type="application/octet-stream",  # a wheel is a zip; no browser should open it
    )
    response["Cache-Control"] = "no-cache"  # a rebuilt wheel keeps its name within one version
    return response


urlpatterns = [
    path("", agent_download, name="agent_download"),
    path("<str:name>", agent_file, name="agent_file"),
]
