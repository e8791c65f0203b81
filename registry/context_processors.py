from django.http import HttpRequest
from django.urls import reverse

from registry.auth import AUTH_METHOD_KEY, CERTIFICATE
from registry.kinds import kinds_for
from registry.models import RecordKind


def account(request: HttpRequest) -> dict:
    """The left menu of a subject's pages and how this session authenticated."""
    user = getattr(request, "user", None)
    subject = getattr(user, "subject", None) if user is not None and user.is_authenticated else None
    if subject is None:
        return {}
    menu = [("basic", RecordKind.BASIC.label, reverse("registry:basic"))]
    menu += [
        (kind, RecordKind(kind).label, reverse("registry:records", args=[kind]))
        for kind in kinds_for(subject.kind)
        if kind != RecordKind.BASIC
    ]
    menu.append(("history", "变更历史总览", reverse("registry:history")))
    menu.append(("certificates", "数字证书", reverse("pki:certificates")))
    menu.append(("seals", "电子印章", reverse("signing:seals")))
    menu.append(("documents", "签章文件", reverse("signing:documents")))
    menu.append(("centers", "交易中心", reverse("centers:overview")))
    by_certificate = request.session.get(AUTH_METHOD_KEY) == CERTIFICATE
    return {
        "current_subject": subject,
        "subject_menu": menu,
        "auth_by_certificate": by_certificate,
        "auth_label": "CA证书登录" if by_certificate else "账号密码登录",
    }
