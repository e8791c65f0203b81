"""Our TSA over HTTP (RFC 3161 §3.4): other deployments and outside tools POST a TimeStampReq here.

The request is machine-to-machine, so there is no session and no CSRF token; what comes in is
bounded before it is read, and everything about its content is judged by `TimeStampAuthority.respond`,
which answers bad requests with a rejection rather than an error page.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from signing.tsa import own_tsa

QUERY_TYPE = "application/timestamp-query"
REPLY_TYPE = "application/timestamp-reply"
# A TimeStampReq is well under 1 KB (a digest, a nonce, an OID); 64 KB leaves room for extensions.
MAX_REQUEST_BYTES = 64 * 1024

NOT_A_QUERY = "请求类型应为 application/timestamp-query（RFC 3161 时间戳请求）"
TOO_LARGE = "时间戳请求过大"
NOT_SET_UP = "本平台的时间戳服务尚未配置，请联系平台管理员"


@csrf_exempt
@require_POST
def timestamp(request: HttpRequest) -> HttpResponse:
    if request.content_type != QUERY_TYPE:
        return _text(NOT_A_QUERY, status=415)
    body = _bounded_body(request)
    if body is None:
        return _text(TOO_LARGE, status=413)
    try:
        tsa = own_tsa()
    except RuntimeError:
        return _text(NOT_SET_UP, status=503)
    return HttpResponse(tsa.respond(body), content_type=REPLY_TYPE)


def _bounded_body(request: HttpRequest) -> bytes | None:
    """The body, or None when it is larger than a time-stamp request can be."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_REQUEST_BYTES:
        return None
    # At most one byte past the limit: a chunked body (ASGI) declares no length to check first.
    body = request.read(MAX_REQUEST_BYTES + 1)
    return None if len(body) > MAX_REQUEST_BYTES else body


def _text(message: str, *, status: int) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
