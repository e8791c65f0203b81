"""Registration and password login (003 §2-§3)."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import logout, password_validation
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.http import safe_next
from registry import passwords, rules, services
from registry.auth import client_ip, password_login
from registry.models import Account, Subject, SubjectKind

REGISTER_SESSION_KEY = "ggzy_register"

# Binds the certificate a subject registered from and logs it in by that certificate:
# (request, account, certificate PEM). Set by the certificates app (pki) in its AppConfig.ready, so
# the registry need not name it; without it a registration from a certificate is a password login.
certificate_registered: Callable[[HttpRequest, Account, str], None] | None = None


class ChineseForm(forms.Form):
    """Django words "required" and "invalid" in the browser's language (LocaleMiddleware);
    these pages speak to units in Chinese whatever their browser asks for."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            verb = "选择" if isinstance(field, forms.ChoiceField) else "填写"
            field.error_messages["required"] = f"请{verb}{field.label}。"
            if isinstance(field, forms.EmailField):
                field.error_messages["invalid"] = "请填写有效的电子邮箱地址，如 name@example.com。"
            if isinstance(field, forms.ChoiceField):
                field.error_messages["invalid_choice"] = f"请从列表中选择{field.label}。"
            # Validators are shared with the class's fields: replaced, never changed in place.
            field.validators = [
                MaxLengthValidator(
                    v.limit_value, f"{field.label}最多%(limit_value)d个字，您输入了%(show_value)d个。"
                )
                if isinstance(v, MaxLengthValidator)
                else v
                for v in field.validators
            ]


class RegisterStartForm(ChineseForm):
    kind = forms.ChoiceField(
        label="注册类型", choices=SubjectKind.choices, widget=forms.RadioSelect, initial=SubjectKind.UNIT
    )
    code = forms.CharField(label="代码/证件号", max_length=40)


class RegisterDetailsForm(ChineseForm):
    name = forms.CharField(label="名称", max_length=200)
    email = forms.EmailField(label="电子邮箱", help_text="用于找回密码和接收通知。")
    password = forms.CharField(
        label="新建密码", widget=forms.PasswordInput(render_value=True), help_text=passwords.PASSWORD_RULE
    )
    password2 = forms.CharField(label="确认密码", widget=forms.PasswordInput(render_value=True))

    def __init__(self, *args: Any, code: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.code = code

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        password = cleaned.get("password")
        if password and password != cleaned.get("password2"):
            self.add_error("password2", "两次输入的密码不一致，请重新输入。")
        if password:
            # The whole rule here, beside the other fields' errors, so one 「注册并登录」 shows
            # everything to correct; subject_register checks it again with the same validator.
            account = Account(
                username=self.code, display_name=cleaned.get("name", ""), email=cleaned.get("email", "")
            )
            try:
                password_validation.validate_password(password, account)
            except ValidationError as error:
                for message in error.messages:
                    self.add_error("password", message)
        return cleaned


class LoginForm(ChineseForm):
    login = forms.CharField(label="账号", max_length=200)
    password = forms.CharField(label="密码", widget=forms.PasswordInput)


def register_start(request: HttpRequest) -> HttpResponse:
    """Step 1: kind and code. A code already registered goes to the login page."""
    form = RegisterStartForm(request.POST or None, initial=request.session.get(REGISTER_SESSION_KEY))
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        code, check = services.code_check(kind=kind, code=form.cleaned_data["code"])
        if not check.ok:
            form.add_error("code", check.error)
        elif Subject.objects.filter(code=code).exists():
            messages.info(request, rules.CODE_ALREADY_REGISTERED)
            return redirect(f"{reverse('registry:login')}?login={code}")
        else:
            request.session[REGISTER_SESSION_KEY] = {"kind": kind, "code": code}
            for warning in check.warnings:
                messages.warning(request, warning)
            return redirect("registry:register_details")
    return render(request, "registry/register_start.html", {"form": form})


def register_check_code(request: HttpRequest) -> HttpResponse:
    """htmx: the code's check as it is typed, before 「下一步」."""
    kind = request.POST.get("kind", SubjectKind.UNIT)
    raw = request.POST.get("code", "")
    code, check = services.code_check(kind=kind, code=raw) if raw.strip() else ("", None)
    registered = bool(check and check.ok and Subject.objects.filter(code=code).exists())
    return render(
        request,
        "registry/_code_check.html",
        {"check": check, "code": code, "registered": registered, "message": rules.CODE_ALREADY_REGISTERED},
    )


def register_details(request: HttpRequest) -> HttpResponse:
    """Step 2: the full name (or the person's name) and a new password → 「注册并登录」."""
    start = request.session.get(REGISTER_SESSION_KEY)
    if not start:
        return redirect("registry:register")
    kind_label = SubjectKind(start["kind"]).label
    from_certificate = bool(start.get("certificate"))
    data = request.POST.copy() if request.method == "POST" else None
    if data is not None and from_certificate:
        data["name"] = start["name"]  # 002 §3: the name comes from the certificate, never retyped
    form = RegisterDetailsForm(data, initial={"name": start.get("name", "")}, code=start["code"])
    form.fields["name"].label = "单位全称" if start["kind"] == SubjectKind.UNIT else "姓名"
    if from_certificate:
        form.fields["name"].disabled = True
        form.fields["name"].help_text = "由CA证书读取，不可修改。"
    if request.method == "POST" and form.is_valid():
        try:
            account = services.subject_register(
                kind=start["kind"],
                code=start["code"],
                name=form.cleaned_data["name"],
                password=form.cleaned_data["password"],
                email=form.cleaned_data["email"],
                ip=client_ip(request),
            )
        except DomainError as error:
            if error.message == rules.CODE_ALREADY_REGISTERED:
                messages.info(request, error.message)
                return redirect(f"{reverse('registry:login')}?login={start['code']}")
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            try:
                if from_certificate and certificate_registered is not None:
                    certificate_registered(request, account, start["certificate"])
                else:
                    from_certificate = False
            except DomainError as error:
                # The subject is registered either way; a certificate that failed its second check
                # (revoked meanwhile, say) is not bound, and the user is told why.
                messages.warning(request, f"注册已完成，但证书未能绑定：{error.message}")
                from_certificate = False
            if not from_certificate:
                password_login(request, login=account.username, password=form.cleaned_data["password"])
            del request.session[REGISTER_SESSION_KEY]
            subject = account.subject
            assert subject is not None
            login_names = (
                f"单位全称“{subject.name}”或统一社会信用代码 {subject.code}"
                if subject.kind == SubjectKind.UNIT
                else f"身份证号 {subject.code}"
            )
            messages.success(request, f"注册成功。今后请用{login_names}登录。请完善基本信息并提交。")
            return redirect("registry:basic")
    return render(
        request,
        "registry/register_details.html",
        {"form": form, "start": start, "kind_label": kind_label, "from_certificate": from_certificate},
    )


def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None, initial={"login": request.GET.get("login", "")})
    if request.method == "POST" and form.is_valid():
        try:
            account = password_login(
                request, login=form.cleaned_data["login"], password=form.cleaned_data["password"]
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            next_url = safe_next(request, request.GET.get("next"), "")
            if next_url:
                return redirect(next_url)
            if account.is_staff and account.subject_id is None:
                # Center staff work in the back-office; only platform operators use Django's admin.
                return redirect("backoffice:queue" if hasattr(account, "staff_member") else "admin:index")
            return redirect("registry:home")
    ca_tab = request.GET.get("method") == "certificate"
    return render(request, "registry/login.html", {"form": form, "ca_tab": ca_tab})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "您已安全退出。")
    return redirect("portal:home")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if getattr(request.user, "subject_id", None) is None:
        return redirect("backoffice:queue" if hasattr(request.user, "staff_member") else "admin:index")
    return redirect("registry:basic")
