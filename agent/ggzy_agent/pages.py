"""The agent's own pages: the PIN prompt and what follows it. Every value is HTML-escaped here."""

from __future__ import annotations

import secrets
from functools import cache
from html import escape
from importlib import resources
from string import Template

from .pending import DONE, SignRequest
from .signing import PURPOSES
from .words import shown_time

# Referrer-Policy is same-origin, not no-referrer: under no-referrer a browser sends "Origin: null"
# with the form POST (Fetch standard, "serializing a request origin"), and the agent accepts that
# POST only with its own origin. The page loads nothing from elsewhere, so nothing leaks either way.
# No Cross-Origin-Opener-Policy: the asking page opened this window and watches whether it is still
# open; COOP would cut that link and the page would see the window as closed at once.
PAGE_HEADERS = {
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}


def content_security_policy(script_nonce: str | None = None) -> str:
    # The only script is window.close() on the done page, allowed by a per-response nonce.
    script = f"script-src 'nonce-{script_nonce}'; " if script_nonce else ""
    return (
        "default-src 'none'; style-src 'unsafe-inline'; "
        f"{script}form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )


@cache
def _template(name: str) -> Template:
    return Template((resources.files(__package__) / "templates" / name).read_text(encoding="utf-8"))


@cache
def _style() -> str:
    return (resources.files(__package__) / "templates" / "style.css").read_text(encoding="utf-8")


def approve_form(
    request: SignRequest, error: str | None = None, hints: tuple[str, ...] = ()
) -> tuple[str, dict[str, str]]:
    """The PIN page for a pending request; never shows any PIN, not even a wrong one."""
    info = request.certificate.info
    html = _template("approve.html").substitute(
        style=_style(),
        origin=escape(request.origin),
        purpose=escape(PURPOSES[request.purpose]),
        common_name=escape(info.label),
        issuer=escape(info.issuer_label),
        serial=escape(info.serial),
        not_before=escape(shown_time(info.not_before)),
        not_after=escape(shown_time(info.not_after)),
        location=escape(
            f"USB Key「{request.certificate.location}」"
            if request.certificate.source == "token"
            else f"证书文件「{request.certificate.location}」"
        ),
        contents=_contents(request),
        error=(f'<p class="error" role="alert">{escape(error)}</p>' if error else "")
        + "".join(f'\n<p class="warning">{escape(hint)}</p>' for hint in hints),
        action=escape(f"/approve/{request.id}"),
        form_token=escape(request.form_token),
    )
    return html, {**PAGE_HEADERS, "Content-Security-Policy": content_security_policy()}


def _contents(request: SignRequest) -> str:
    """What will be signed; for a detection with a seal test, both things, each under its own heading."""
    if request.seal_test is None:
        return f'<p class="label">将要签名的内容</p>\n<pre>{escape(request.payload.shown)}</pre>'
    return (
        '<p class="label">将要签名的内容（一次输入PIN码，完成以下两项检测签名）</p>\n'
        f'<p class="label">1. 登录签名检测</p>\n<pre>{escape(request.payload.shown)}</pre>\n'
        f'<p class="label">2. 签章签名检测</p>\n<pre>{escape(request.seal_test.shown)}</pre>'
    )


def notice(message: str, *, kind: str, request: SignRequest | None = None) -> tuple[str, dict[str, str]]:
    """A page with one message: done, rejected, expired, failed or unknown."""
    script_nonce = secrets.token_urlsafe(16) if kind == DONE else None
    origin = ""
    if request is not None:
        origin = f'<p class="label">请求签名的网站：{escape(request.origin)}</p>'
    html = _template("notice.html").substitute(
        style=_style(),
        css_class="done" if kind == DONE else "error",
        message=escape(message),
        origin=origin,
        script=f'<script nonce="{script_nonce}">window.close();</script>' if script_nonce else "",
    )
    return html, {**PAGE_HEADERS, "Content-Security-Policy": content_security_policy(script_nonce)}
