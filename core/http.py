"""Small pieces shared by views that take JSON from the platform's own pages."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest

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
