"""Small pieces shared by views: JSON from the platform's own pages, and where to go back to."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from core.errors import DomainError

BAD_REQUEST = "请求格式不正确，请刷新页面后重试"


def json_body(request: HttpRequest) -> dict[str, Any]:
    """The request's JSON object; anything else is the same Chinese message, never a 500."""
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise DomainError(BAD_REQUEST) from None
    if not isinstance(body, dict):
        raise DomainError(BAD_REQUEST)
    return body


def safe_next(request: HttpRequest, target: str | None, default: str) -> str:
    """`target` (a `next` parameter) when it stays on this site, else `default`.

    Django's own check, not a prefix test: browsers read `/\\evil.com` as another host, and
    only the full check knows every such spelling.
    """
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
