"""下载证书助手: the certificate agent as the wheel `make agent-dist` builds from agent/.

Why a wheel and not one file to double-click: the agent reaches USB keys through python-pkcs11,
which is compiled for each operating system and Python version, so no single zipapp runs
everywhere. pip installs the wheel and fetches the compiled parts that fit the user's machine.

Mounted under /pki/agent/ by one include in pki/urls.py; the names live in the pki namespace.
Which wheel there is, and its digest, is read in pki/agent_dist.py.
"""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from pki.agent_dist import NOT_BUILT, AgentWheel, latest_wheel

NO_SUCH_FILE = "没有这个安装包，请回到「下载证书助手」页面重新下载。"


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
