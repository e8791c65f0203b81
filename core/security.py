"""Response headers Django 5.2 does not set itself: Content-Security-Policy and Permissions-Policy.

The policy is strict because the pages allow it: every script is a file under /static/, no page has
an inline script, event handler or style attribute, so a script injected into a page (a stored name,
a crafted file name) cannot run. The one place pages talk to outside this origin is the local
certificate agent (GGZY_AGENT_URL), named in connect-src.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# Browser features no page here uses. Kept out of reach of any script a page might be tricked into
# running. Local network access is NOT listed: pages need it to reach the agent on 127.0.0.1.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "bluetooth",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
    )
)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def content_security_policy(*, admin: bool = False) -> str:
    """The policy; `admin` lets inline styles through (pages not written here)."""
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        # Django's admin templates carry a few style attributes; the site's own pages have none.
        "style-src": "'self' 'unsafe-inline'" if admin else "'self'",
        # Page previews and seal images are served from here; the seal page draws previews as data URLs.
        "img-src": "'self' data: blob:",
        "font-src": "'self'",
        "connect-src": " ".join(filter(None, ["'self'", _origin(settings.GGZY_AGENT_URL)])),
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


class SecurityHeadersMiddleware:
    """Adds the headers to every response that has not set its own (a view may tighten them)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Built per response (a few string joins): the agent's address is a setting tests change.
        # Django's admin templates, and with DEBUG its technical 404/500 pages, carry inline styles.
        inline_styles = request.path.startswith("/admin/") or (
            settings.DEBUG and response.status_code in (404, 500)
        )
        policy = content_security_policy(admin=inline_styles)
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
