"""A subject's pages at one center: home, 单位信息, 诚信承诺书, 主体类型, the role pick, and 丰台's
own registration with a certificate. Thin: a form checks the input, one service does the work, a
domain error is shown on the same page with the input kept."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from centers import forms, grants, profiles, registration, roles, rules, selectors, subject_types
from centers.models import Center, CenterSource, CenterSubject, ProfileStatus, SubjectType
from centers.views_base import CenterRequest, center_context, center_page
from core.errors import ConflictError, DomainError, IncompleteError, NotFound
from core.http import json_body, safe_next
from pki import services as pki_services
from pki.models import BoundCertificate, ChallengePurpose
from pki.sessions import CERTIFICATE_SESSION_KEY, start_certificate_session
from pki.views import signed_holder_from
from registry import passwords
from registry.auth import actor_for, client_ip
from registry.models import BiddingScope, CodeType, SubjectKind, SubjectStatus
from registry.selectors import subject_for_code
from review import calendar

REGISTER_SESSION_KEY = "ggzy_center_register"
SAVED = "已保存。"


def _certificate_name_notice(request: HttpRequest, entry: CenterSubject, name: str) -> str:
    """000 §8.1: after a rename at the platform the certificate still logs in; say it should follow."""
    fingerprint = request.session.get(CERTIFICATE_SESSION_KEY)
    if not fingerprint:
        return ""
    cert_name = (
        BoundCertificate.objects.filter(subject_id=entry.subject_id, fingerprint=fingerprint)
        .values_list("holder_name", flat=True)
        .first()
    )
    if cert_name and cert_name != name:
        return rules.CERTIFICATE_NAME_DIFFERS.format(cert_name=cert_name, name=name)
    return ""


# --- home -------------------------------------------------------------------------------------------


@center_page
def home(request: CenterRequest) -> HttpResponse:
    center, entry = request.center, request.center_subject
    context = center_context(request, "home")
    if context["roles_count"] > 1 and context["role"] is None:
        messages.info(request, rules.ROLE_PICK_FIRST)
        return redirect(f"{reverse('centers:role', args=[center.code])}?next={request.path}")
    check = profiles.commitment_check(center=center, entry=entry)
    waiting = (
        profiles.review_waiting(center=center, entry=entry)
        if entry.profile_status == ProfileStatus.SUBMITTED
        else None
    )
    filled = entry.profile_status != ProfileStatus.NEW and not profiles.missing_fields(entry)
    has_types = context["roles_count"] > 0
    steps = [
        ("完善单位信息", filled or bool(entry.profile), reverse("centers:profile", args=[center.code])),
        ("选择主体类型", has_types, reverse("centers:types", args=[center.code])),
        (
            "生成并签章诚信承诺书",
            check.ok or bool(entry.profile),
            reverse("centers:commitment", args=[center.code]),
        ),
        (
            "提交",
            entry.profile_status in (ProfileStatus.SUBMITTED, ProfileStatus.APPROVED),
            reverse("centers:profile", args=[center.code]),
        ),
    ]
    next_step = next((step for step in steps if not step[1]), None)
    return render(
        request,
        "centers/home.html",
        {
            **context,
            "check": check,
            "waiting": waiting,
            "due": rules.due_label(waiting.due_at) if waiting else "",
            "steps": steps,
            "next_step": next_step,
            "registry_rows": _registry_rows(entry),
            "permissions": grants.permissions_listed(center=center, center_subject=entry),
            "certificate_notice": _certificate_name_notice(request, entry, context["unit_name"]),
        },
    )


def _label(choices: Any, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


def _registry_rows(entry: CenterSubject) -> list[tuple[str, str]]:
    """The registry's data as the center keeps it (registry_data), in the words of the registry."""
    data = entry.registry_data
    basic = data.get("basic") or {}
    contact = " ".join(str(basic.get(k) or "") for k in ("contact_name", "contact_phone")).strip()
    return [
        ("单位名称" if data.get("kind", "unit") == SubjectKind.UNIT else "姓名", profiles.unit_name(entry)),
        (
            _label(CodeType, data.get("code_type") or entry.subject.code_type),
            data.get("code") or entry.subject.code,
        ),
        ("法定代表人", str(basic.get("legal_rep_name") or "")),
        ("注册地址", str(basic.get("registered_address") or "")),
        ("联系人", contact),
        ("主体状态", _label(SubjectStatus, data.get("status"))),
        ("业务范围", _label(BiddingScope, data.get("bidding_scope"))),
    ]


# --- 单位信息 ----------------------------------------------------------------------------------------


def _initial(entry: CenterSubject) -> dict[str, Any]:
    """A first draft starts from what the registry already says (contact, bank account, legal rep)."""
    if entry.profile_draft:
        return dict(entry.profile_draft)
    basic = entry.registry_data.get("basic") or {}
    name = profiles.unit_name(entry)
    return {
        "name": name,
        "legal_rep_name": basic.get("legal_rep_name", ""),
        "legal_rep_id_number": basic.get("legal_rep_id_number", ""),
        "legal_rep_phone": basic.get("legal_rep_phone", ""),
        "registered_address": basic.get("registered_address", ""),
        "contact_name": basic.get("contact_name", ""),
        "contact_phone": basic.get("contact_phone", ""),
        "contact_email": basic.get("contact_email", ""),
        "refund_bank_name": basic.get("bank_name", ""),
        "refund_account_name": basic.get("bank_account_name", "") or name,
        "refund_account": basic.get("bank_account", ""),
    }


def _posted_revision(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("revision") or 0)
    except ValueError:
        return 0  # meets the conflict check rather than an error page


def _profile_page(request: CenterRequest, form: forms.CenterProfileForm, **extra: Any) -> HttpResponse:
    entry = request.center_subject
    editable = profiles.action_allowed(entry, "open", "save")
    waiting = (
        profiles.review_waiting(center=request.center, entry=entry)
        if entry.profile_status == ProfileStatus.SUBMITTED
        else None
    )
    return render(
        request,
        "centers/profile.html",
        center_context(
            request,
            "profile",
            form=form if editable else None,
            editable=editable,
            revision=extra.pop("revision", entry.profile_revision),
            in_force=_described(entry.profile),
            due=rules.due_label(waiting.due_at) if waiting else "",
            **extra,
        ),
    )


def _described(data: dict[str, Any]) -> list[tuple[str, str]]:
    labels = rules.PROFILE_LABELS
    return [(labels[name], str(data[name])) for name in labels if data.get(name)]


@center_page
def profile(request: CenterRequest) -> HttpResponse:
    center, entry = request.center, request.center_subject
    registry_name = profiles.unit_name(entry)
    if request.method != "POST":
        form = forms.CenterProfileForm(
            initial=_initial(entry), origin=entry.origin, registry_name=registry_name
        )
        marked = request.GET.get("missing") and entry.profile_draft
        missing = profiles.missing_fields(entry) if marked else []
        for name in missing:
            form.fields[name].missing = True  # type: ignore[attr-defined]
        labels = rules.PROFILE_LABELS
        message = (
            rules.PROFILE_MISSING.format(fields="、".join(labels[n] for n in missing)) if missing else ""
        )
        return _profile_page(request, form, missing_message=message)
    form = forms.CenterProfileForm(request.POST, origin=entry.origin, registry_name=registry_name)
    if not form.is_valid():
        return _profile_page(request, form, revision=_posted_revision(request))
    actor = actor_for(request)
    try:
        entry = profiles.profile_save(
            actor=actor,
            center=center,
            center_subject=entry,
            data=form.to_data(),
            expected_revision=_posted_revision(request),
        )
    except ConflictError as error:
        typed = form.to_data()
        differing = [form.fields[n].label for n in form.fields if typed.get(n) != error.saved_data.get(n)]
        form.add_error(None, error.message)
        return _profile_page(request, form, revision=error.current_revision, conflict_fields=differing)
    except DomainError as error:
        form.add_error(None, error.message)
        return _profile_page(request, form, revision=_posted_revision(request))
    if request.POST.get("action") != "submit":
        messages.success(request, SAVED)
        return redirect("centers:profile", center=center.code)
    return _submit(request, entry, form)


def _submit(request: CenterRequest, entry: CenterSubject, form: forms.CenterProfileForm) -> HttpResponse:
    center = request.center
    old_name = profiles.unit_name(entry)
    try:
        entry = profiles.profile_submit(
            actor=actor_for(request),
            center=center,
            center_subject=entry,
            expected_revision=entry.profile_revision,
        )
    except IncompleteError:
        # The draft is saved; the page marks what is still empty.
        return redirect(reverse("centers:profile", args=[center.code]) + "?missing=1")
    except DomainError as error:
        # Saved, not submitted: the message says what is still needed, the input stays on the page.
        request.center_subject = entry
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _profile_page(request, form, revision=entry.profile_revision, saved_not_submitted=True)
    if entry.profile_status == ProfileStatus.APPROVED:
        messages.success(request, rules.SUBMITTED_APPROVED.format(center=center.name))
        new_name = profiles.unit_name(entry)
        if new_name != old_name:
            messages.warning(request, rules.NAME_CHANGED_RENEW_CERTIFICATE.format(old=old_name, new=new_name))
    else:
        waiting = profiles.review_waiting(center=center, entry=entry)
        due = rules.DUE_BY.format(day=rules.due_label(waiting.due_at)) if waiting else ""
        messages.success(
            request, rules.SUBMITTED_FOR_REVIEW.format(department=rules.department_of(center), due=due)
        )
    return redirect("centers:home", center=center.code)


@center_page
@require_POST
def profile_withdraw(request: CenterRequest) -> HttpResponse:
    try:
        profiles.profile_withdraw(
            actor=actor_for(request), center=request.center, center_subject=request.center_subject
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "已撤回，可以修改后重新提交。")
    return redirect("centers:profile", center=request.center.code)


# --- 诚信承诺书 -----------------------------------------------------------------------------------------


@center_page
def commitment(request: CenterRequest) -> HttpResponse:
    center, entry = request.center, request.center_subject
    if request.method == "POST":
        try:
            document = profiles.commitment_generate(
                actor=actor_for(request), center=center, center_subject=entry
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"已生成「{document.title}」，请点击「去签章」加盖单位公章。")
        return redirect("centers:commitment", center=center.code)
    check = profiles.commitment_check(center=center, entry=entry)
    return render(
        request,
        "centers/commitment.html",
        center_context(
            request,
            "commitment",
            check=check,
            may_generate=profiles.action_allowed(entry, "commitment"),
        ),
    )


# --- 主体类型 -------------------------------------------------------------------------------------------


@center_page
def types(request: CenterRequest) -> HttpResponse:
    center, entry = request.center, request.center_subject
    held = selectors.types_of(center=center, center_subject=entry)
    form = forms.TypeAddForm(request.POST or None, held={t.type for t in held})
    if request.method == "POST" and form.is_valid():
        try:
            added = subject_types.subject_type_add(
                actor=actor_for(request), center=center, center_subject=entry, type=form.cleaned_data["type"]
            )
        except DomainError as error:
            form.add_error("type" if error.field == "type" else None, error.message)
        else:
            if added.effective_at is None:
                messages.success(
                    request,
                    f"已提交新增主体类型「{added.get_type_display()}」，{rules.department_of(center)}审核通过后生效。",
                )
            else:
                messages.success(request, f"已新增主体类型「{added.get_type_display()}」。")
            return redirect("centers:types", center=center.code)
    rows = [(t, [rules.PERMISSION_LABELS[c] for c in rules.TYPE_PERMISSIONS[t.type]]) for t in held]
    return render(
        request, "centers/types.html", center_context(request, "types", types=held, rows=rows, form=form)
    )


# --- the role to act in (004 1.3) ----------------------------------------------------------------------


def _safe_next(request: HttpRequest, default: str) -> str:
    return safe_next(request, request.POST.get("next") or request.GET.get("next"), default)


@center_page
def role(request: CenterRequest) -> HttpResponse:
    center, entry = request.center, request.center_subject
    context = center_context(request, "role")
    effective = [t.type for t in context["types"] if t.effective_at is not None]
    form = forms.RoleForm(request.POST or None, roles=effective, initial={"role": context["role"]})
    home_url = reverse("centers:home", args=[center.code])
    if request.method == "POST" and form.is_valid():
        try:
            picked = roles.role_pick(request, center, entry, form.cleaned_data["role"])
        except DomainError as error:
            form.add_error("role", error.message)
        else:
            messages.success(request, f"已以「{SubjectType(picked).label}」身份进入{center.name}。")
            return redirect(_safe_next(request, home_url))
    return render(
        request, "centers/role.html", {**context, "form": form, "next": _safe_next(request, home_url)}
    )


# --- 丰台: 新用户注册 with a certificate (002 §3) ------------------------------------------------------------


def _own_center(code: str) -> Center:
    try:
        center = selectors.center_get(code=code)
    except NotFound as error:
        raise Http404(error.message) from error
    if center.source != CenterSource.OWN:
        raise Http404(rules.REGISTER_NOT_HERE.format(center=center.name))
    return center


def _review_promise(center: Center) -> str:
    """The last day of the review if the unit submitted now (002 §3: "审核需一个工作日")."""
    return rules.due_label(calendar.due_at(timezone.now(), center.review_working_days))


def register(request: HttpRequest, center: str) -> HttpResponse:
    """GET: the page with the certificate picker. POST (JSON from static/js/agent.js): the signed
    challenge; a new unit continues to register_details, a known one is logged in and joins."""
    own = _own_center(center)
    if request.method != "POST":
        return render(
            request,
            "centers/register.html",
            {
                "center": own,
                "due": _review_promise(own),
                "purpose": ChallengePurpose.LOGIN,
                "accepted": registration.accepted_issuer_names(own),
            },
        )
    try:
        holder = signed_holder_from(request, json_body(request), ChallengePurpose.LOGIN)
        registration.register_check(center=own, holder=holder)
        subject = subject_for_code(holder.code)
        if subject is None:
            request.session[REGISTER_SESSION_KEY] = {
                "center": own.code,
                "code": holder.code,
                "name": holder.name,
                "certificate": holder.pem,
            }
            return JsonResponse(
                {"ok": True, "redirect": reverse("centers:register_details", args=[own.code])}
            )
        found = pki_services.certificate_login(holder=holder, ip=client_ip(request))
        assert found is not None
        start_certificate_session(request, subject.account, holder)
        _, created = registration.center_join(
            actor=actor_for(request), center=own, subject=subject, holder=holder
        )
    except DomainError as error:
        return JsonResponse({"ok": False, "error": error.message}, status=error.status)
    if created:
        messages.success(request, rules.REGISTER_EXISTING_SUBJECT.format(center=own.name))
        return JsonResponse({"ok": True, "redirect": reverse("centers:profile", args=[own.code])})
    messages.info(request, rules.REGISTER_ALREADY_HERE.format(center=own.name))
    return JsonResponse({"ok": True, "redirect": reverse("centers:home", args=[own.code])})


def register_details(request: HttpRequest, center: str) -> HttpResponse:
    """Name and code as the certificate says (shown, not typed); a mailbox and a password."""
    own = _own_center(center)
    start = request.session.get(REGISTER_SESSION_KEY)
    if not start or start.get("center") != own.code:
        messages.info(request, rules.REGISTER_EXPIRED)
        return redirect("centers:register", center=own.code)
    form = forms.CenterRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            # Checked again: the certificate may have been revoked since it signed the challenge.
            holder = pki_services.certificate_check(certificate=start["certificate"])
            account, _ = registration.center_register(
                center=own,
                holder=holder,
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                ip=client_ip(request),
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            del request.session[REGISTER_SESSION_KEY]
            start_certificate_session(request, account, holder)
            messages.success(request, rules.REGISTER_DONE.format(days=own.review_working_days))
            return redirect("centers:profile", center=own.code)
    return render(
        request,
        "centers/register_details.html",
        {
            "center": own,
            "start": start,
            "form": form,
            "due": _review_promise(own),
            "password_rule": passwords.PASSWORD_RULE,
        },
    )
