"""下载中心 and 办事指南: what a visitor needs before the first login, with no login.

They replace the manuals' chapters on drivers, IE settings and the detection tool: one current
browser and the certificate agent (证书助手). The agent's wheel, version and SHA-256 are read where
/pki/agent/ reads them (pki/agent_dist.py), so both pages offer the same file.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pki import agent_dist

# What agent/pyproject.toml requires (requires-python); tests hold the two equal.
AGENT_PYTHON = "3.11"


@require_GET
def downloads(request: HttpRequest) -> HttpResponse:
    context = {
        "wheel": agent_dist.latest_wheel(),
        "not_built": agent_dist.NOT_BUILT,
        "agent_python": AGENT_PYTHON,
        # The origin the agent must allow (config.toml's allowed_origins), as the browser sends it.
        "site_origin": f"{request.scheme}://{request.get_host()}",
        "agent_status_url": settings.GGZY_AGENT_URL.rstrip("/") + "/v1/status",
    }
    return render(request, "portal/downloads.html", context)


@require_GET
def guide(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/guide.html", {"agent_python": AGENT_PYTHON})
