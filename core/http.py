"""Small pieces shared by views: JSON from the platform's own pages, and where to go back to."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme

from core.errors import DomainError

BAD_REQUEST = "请求格式不正确，请刷新页面后重试"
BODY_TOO_LARGE = "请求内容过大（超过 {limit} KB），请刷新页面后重试；如仍不行，请联系平台"

# A certificate in PEM with its chain, a nonce and a signature fit in a few KB; 64 KB leaves room
# for a long chain while refusing a 5 MB body (Django's own limit) before it is parsed.
CERTIFICATE_BODY_MAX = 64 * 1024
# The platform's pages send flat objects with at most a list or two inside. A cap far below
# Python's recursion limit keeps a `[[[[…` body from ever reaching code that walks it (str(),
# the session, the audit log) and recursing out.
JSON_DEPTH_MAX = 20


class RequestRefused(DomainError, BadRequest):
    """A body that is not what the platform's pages send.

    A DomainError, so views that show domain errors show this one too (with `status`); and
    Django's BadRequest, so a view that does not catch it still answers 400, never 500.
    """

    status = 400


class BodyTooLarge(RequestRefused):
    status = 413


def json_body(request: HttpRequest, *, max_bytes: int = CERTIFICATE_BODY_MAX) -> dict[str, Any]:
    """The request's JSON object; anything else is a Chinese message, never a 500.

    `max_bytes` is the endpoint's own limit: each JSON call knows what it needs, far below the
    5 MB every form may send. The declared length is checked before the body is read.
    """
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        # A multipart form already read as request.POST has no body left to read.
        raw = b"" if declared > max_bytes else request.body
    except (ValueError, RawPostDataException):
        raise RequestRefused(BAD_REQUEST) from None
    if max(declared, len(raw)) > max_bytes:
        raise BodyTooLarge(BODY_TOO_LARGE.format(limit=max(max_bytes // 1024, 1)))
    try:
        body = json.loads(raw or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise RequestRefused(BAD_REQUEST) from None
    if not isinstance(body, dict) or _too_deep(body):
        raise RequestRefused(BAD_REQUEST)
    return body


def _too_deep(value: Any) -> bool:
    """Whether `value` nests deeper than JSON_DEPTH_MAX; iterative, so it cannot recurse out."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        for child in children:
            if isinstance(child, (dict, list)):
                if depth + 1 > JSON_DEPTH_MAX:
                    return True
                stack.append((child, depth + 1))
    return False


def safe_next(request: HttpRequest, target: str | None, default: str) -> str:
    """`target` (a `next` parameter) when it is a path on this site, else `default`.

    Django's own check, not a prefix test: browsers read `/\\evil.com` as another host, and
    only the full check knows every such spelling. A path must also start with "/": Django's
    redirect() reads `next=foo` as a URL name and fails on it, and a relative path would land
    somewhere that depends on the page it came from.
    """
    if (
        target
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default


def attempt(request: HttpRequest, call: Callable[[], object], success: str) -> bool:
    """A button's action (POST, then back to a page): runs the service call; its refusal becomes
    the next page's error message and False, else `success` is said and True. The view picks the
    page to go back to by the answer."""
    try:
        call()
    except DomainError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, success)
    return True


def pdf_response(title: str, pdf: bytes) -> HttpResponse:
    """A PDF shown in the browser (any reader verifies its seals), saved under its title."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"{title}.pdf") or "inline"
    return response
