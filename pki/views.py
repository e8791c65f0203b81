"""Certificate login, binding, the certificate list and the detection page (000 §3, §6; 002 §3-4; 003 §4.7).

The browser talks to the local agent (证书助手) and brings back a signature over a text that binds
this site's origin and a nonce issued here; these views check it. JSON in, JSON out for the calls the
page makes; pages for what a person reads.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.http import BAD_REQUEST, RequestRefused, json_body
from pki import rules, selectors, services, verify
from pki.login_hooks import login_by_hooks
from pki.models import BindingHow, ChallengePurpose
from pki.sessions import CERTIFICATE_SESSION_KEY, kind_of, start_certificate_session
from registry.auth import AUTH_METHOD_KEY, CERTIFICATE, actor_for, client_ip
from registry.views_account import REGISTER_SESSION_KEY
from registry.views_records import SubjectRequest, subject_required


def site_origin(request: HttpRequest) -> str:
    """This site's origin as the browser (and so the agent) sees it."""
    return f"{request.scheme}://{request.get_host()}"


def _signature(body: dict[str, Any]) -> bytes:
    try:
        return base64.b64decode(str(body.get("signature", "")), validate=True)
    except (binascii.Error, ValueError):
        raise DomainError(verify.BAD_SIGNATURE) from None


def _error(error: DomainError) -> JsonResponse:
    return JsonResponse({"ok": False, "error": error.message}, status=error.status)


def signed_holder_from(request: HttpRequest, body: dict[str, Any], purpose: str) -> verify.Holder:
    """The holder the agent's signature in a JSON body proves, over a challenge this session was
    issued for `purpose`. For every view that takes one (here, and a center's registration and
    certificate activation)."""
    return services.signed_holder(
        nonce=str(body.get("nonce", "")),
        session_key=request.session.session_key,
        purpose=purpose,
        origin=site_origin(request),
        certificate=str(body.get("certificate", "")),
        signature=_signature(body),
    )


@require_POST
def challenge(request: HttpRequest) -> JsonResponse:
    try:
        purpose = request.POST.get("purpose") or json_body(request).get("purpose", "")
    except RequestRefused as error:  # `null`, a cut-off body, a form without a purpose
        return _error(error)
    if purpose not in ChallengePurpose.values:
        return _error(DomainError(BAD_REQUEST))
    if request.session.session_key is None:
        request.session.save()  # the challenge is bound to this session, so it must have a key now
    issued = services.challenge_issue(session_key=request.session.session_key or "", purpose=purpose)
    return JsonResponse(
        {"nonce": issued.nonce, "purpose": purpose, "origin": site_origin(request), "expires_in": 300}
    )


@require_POST
def login(request: HttpRequest) -> JsonResponse:
    try:
        holder = signed_holder_from(request, json_body(request), ChallengePurpose.LOGIN)
        hooked = login_by_hooks(request, holder)
        if hooked:
            return JsonResponse({"ok": True, "redirect": hooked})
        found = services.certificate_login(holder=holder, ip=client_ip(request))
    except DomainError as error:
        return _error(error)
    if found is None:
        request.session[REGISTER_SESSION_KEY] = {
            "kind": kind_of(holder),
            "code": holder.code,
            "name": holder.name,
            "certificate": holder.pem,
        }
        messages.info(request, rules.NOT_REGISTERED.format(name=holder.name, code=holder.code))
        return JsonResponse({"ok": True, "redirect": reverse("registry:register_details")})
    subject, _, bound_now = found
    start_certificate_session(request, subject.account, holder)
    messages.success(request, rules.LOGGED_IN)
    if bound_now == BindingHow.RENEWAL:
        messages.info(request, rules.RENEWAL_BOUND)
    elif bound_now == BindingHow.FIRST_LOGIN:
        messages.info(request, rules.FIRST_BOUND)
    if holder.name != subject.name:
        messages.warning(request, rules.NAME_DIFFERS.format(cert_name=holder.name, name=subject.name))
    return JsonResponse({"ok": True, "redirect": reverse("registry:home")})


@subject_required
def certificate_list(request: SubjectRequest) -> HttpResponse:
    """003 §4.7 数字证书: every certificate bound to the account."""
    return render(
        request,
        "pki/certificates.html",
        {
            "certificates": selectors.certificates_for(subject=request.subject),
            "current": request.session.get(CERTIFICATE_SESSION_KEY),
            "by_certificate": request.session.get(AUTH_METHOD_KEY) == CERTIFICATE,
            "now": timezone.now(),
            "active": "certificates",
        },
    )


@subject_required
def certificate_detail(request: SubjectRequest, pk: int) -> HttpResponse:
    bound = selectors.certificate_get_for(subject=request.subject, pk=pk)
    return render(
        request,
        "pki/certificate_detail.html",
        {"bound": bound, "now": timezone.now(), "active": "certificates"},
    )


@require_POST
@subject_required
def certificate_bind(request: SubjectRequest) -> JsonResponse:
    """002 §4: bind one more key while logged in (by password or by another certificate)."""
    try:
        holder = signed_holder_from(request, json_body(request), ChallengePurpose.BIND)
        services.certificate_bind(
            actor=actor_for(request), subject=request.subject, holder=holder, how=BindingHow.MANUAL
        )
    except DomainError as error:
        return _error(error)
    messages.success(request, f"证书（序列号 {holder.serial}）已绑定。")
    return JsonResponse({"ok": True, "redirect": reverse("pki:certificates")})


@require_POST
@subject_required
def certificate_unbind(request: SubjectRequest, pk: int) -> HttpResponse:
    try:
        bound = services.certificate_unbind(actor=actor_for(request), subject=request.subject, pk=pk)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"证书（序列号 {bound.serial}）已解绑。")
    return redirect("pki:certificates")


def detect(request: HttpRequest) -> HttpResponse:
    """000 §3 检测工具 as a page: agent, token, PIN, certificate status, a test signature."""
    return render(
        request, "pki/detect.html", {"agent_command": "ggzy-agent doctor --site " + site_origin(request)}
    )


def _checks(holder_or_error: verify.Holder | DomainError) -> list[dict[str, Any]]:
    if isinstance(holder_or_error, DomainError):
        return [{"name": "证书检测", "ok": False, "message": holder_or_error.message}]
    holder = holder_or_error
    return [
        {
            "name": "证书检测",
            "ok": True,
            "message": f"证书状态正常：{holder.name}（{holder.code}），{holder.anchor.name}颁发，"
            f"有效期至{timezone.localtime(holder.not_after):%Y-%m-%d}，未被吊销",
        }
    ]


@csrf_exempt
@require_POST
def check(request: HttpRequest) -> JsonResponse:
    """证书检测 for the agent's doctor command and the detection page: chain, validity, revocation."""
    try:
        body = json_body(request)
        result: verify.Holder | DomainError = services.certificate_check(
            certificate=str(body.get("certificate", ""))
        )
    except DomainError as error:
        result = error
    checks = _checks(result)
    return JsonResponse({"ok": all(c["ok"] for c in checks), "checks": checks})


@require_POST
def detect_signature(request: HttpRequest) -> JsonResponse:
    """一键检测's login signature: the agent signs a detection challenge; the signature and the
    certificate are checked here. (The seal signature made under the same PIN goes to signing's
    seal_finish, as a real seal's does.)"""
    try:
        holder = signed_holder_from(request, json_body(request), ChallengePurpose.DETECT)
    except DomainError as error:
        checks = [{"name": "登录签名", "ok": False, "message": error.message}]
        # A failed check is an answer (200, shown as a red line); only a body too large is refused.
        return JsonResponse(
            {"ok": False, "checks": checks}, status=200 if error.status == 400 else error.status
        )
    checks = [
        *_checks(holder),
        {"name": "登录签名", "ok": True, "message": "登录用的测试签名验证通过，证书可以登录本网站"},
    ]
    return JsonResponse({"ok": True, "checks": checks})


def agent_settings(request: HttpRequest) -> dict[str, str]:
    """Context processor: where pages find the local agent."""
    return {"agent_url": settings.GGZY_AGENT_URL}
