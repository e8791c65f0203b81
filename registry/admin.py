"""Staff views (issue 2 §10): find any subject and read every version of its records."""

import re

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm, AdminPasswordChangeForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.html import format_html, format_html_join

from core.errors import DomainError
from registry import identifiers
from registry.auth import login_audit, password_check
from registry.kinds import form_for
from registry.models import Account, Attachment, QualificationType, Record, RecordVersion, Subject

# A term of digits and capitals with at least four digits is a code, not a name.
CODE_LIKE = re.compile(r"(?=(?:.*\d){4})[0-9A-Z]{4,18}")


class LockoutAdminLoginForm(AdminAuthenticationForm):
    """Django's admin login behind the registry's lockout (config/urls.py installs it): a wrong
    password here counts toward the same lock as at /registry/login/, and a locked account is
    refused with the same words, the right password included."""

    def clean(self):  # type: ignore[no-untyped-def]
        login = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if login is not None and password:
            try:
                account = password_check(self.request, login=login, password=password)
            except DomainError as error:
                raise ValidationError(error.message, code="invalid_login") from None
            self.confirm_login_allowed(account)  # active staff only, as Django's admin asks
            account.backend = "registry.auth.LoginNameBackend"
            self.user_cache = account
            with transaction.atomic():
                login_audit(self.request, account, via="admin")
        return self.cleaned_data


class LockoutAdminPasswordChangeForm(AdminPasswordChangeForm):
    """Django's admin 修改密码 asks for the old password: another place to guess it, so it goes
    through the same lockout (config/urls.py installs it)."""

    def clean_old_password(self) -> str:
        old_password = str(self.cleaned_data["old_password"])
        try:
            password_check(None, login=self.user.get_username(), password=old_password)
        except DomainError as error:
            raise ValidationError(error.message, code="password_incorrect") from None
        return old_password


class ReadOnlyAdmin(admin.ModelAdmin):
    """Registry data changes only through the subjects' own pages (audited services)."""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class RecordInline(admin.TabularInline):
    model = Record
    fields = readonly_fields = ("kind", "title", "status", "current", "draft", "updated_at")
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Subject)
class SubjectAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "kind", "status", "bidding_scope", "created_at"]
    list_filter = ["kind", "status", "bidding_scope"]
    search_fields = ["code", "name"]  # get_search_results decides which one a term means
    search_help_text = "输入统一社会信用代码/身份证号（完整或开头部分），或名称的一部分"
    readonly_fields = [
        "kind",
        "code_type",
        "code",
        "name",
        "status",
        "bidding_scope",
        "created_at",
        "updated_at",
    ]
    inlines = [RecordInline]
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):  # type: ignore[no-untyped-def]
        # Django's default ORs case-insensitive matches over both fields, which no index serves:
        # a code (or its beginning) is matched on the indexed code, anything else on the name.
        term = search_term.strip()
        if not term:
            return queryset, False
        code = identifiers.normalize_code(term)
        if CODE_LIKE.fullmatch(code):
            if len(code) == 18:
                return queryset.filter(code=code), False
            return queryset.filter(code__startswith=code), False
        return queryset.filter(name__icontains=term), False


class VersionInline(admin.TabularInline):
    model = RecordVersion
    fields = readonly_fields = (
        "number",
        "state",
        "submitted_at",
        "submitted_by",
        "submitted_auth",
        "saved_at",
        "revision",
    )
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Record)
class RecordAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "status", "subject", "updated_at"]
    list_filter = ["kind", "status"]
    search_fields = ["=subject__code", "title"]
    list_select_related = ["subject"]
    readonly_fields = ["subject", "kind", "status", "title", "current", "draft", "created_at", "updated_at"]
    inlines = [VersionInline]


@admin.register(RecordVersion)
class RecordVersionAdmin(ReadOnlyAdmin):
    list_display = ["record", "number", "state", "submitted_at", "submitted_auth"]
    list_select_related = ["record", "record__subject"]
    fields = readonly_fields = (
        "record",
        "number",
        "state",
        "content",
        "submitted_at",
        "submitted_by",
        "submitted_auth",
        "saved_at",
        "saved_by",
    )

    @admin.display(description="内容")
    def content(self, obj: RecordVersion) -> str:
        form_class = form_for(obj.record.subject.kind, obj.record.kind)
        if form_class is None:
            return ""
        rows = [
            (section, label, shown or "—")
            for section, fields in form_class.describe(obj.data)
            for _, label, shown, _ in fields
        ]
        return format_html(
            "<table>{}</table>",
            format_html_join("", "<tr><td>{}</td><th>{}</th><td>{}</td></tr>", rows),
        )


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "subject", "content_type", "size", "sha256", "uploaded_at"]
    search_fields = ["=sha256", "=subject__code"]
    list_select_related = ["subject"]


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["username", "display_name", "email", "is_staff", "is_active", "locked_until"]
    search_fields = ["=username", "display_name", "email"]
    list_filter = ["is_staff", "is_active"]
    fields = [
        "username",
        "display_name",
        "email",
        "subject",
        "is_active",
        "is_staff",
        "groups",
        "failed_logins",
        "locked_until",
        "last_login",
    ]
    readonly_fields = ["username", "subject", "last_login"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(QualificationType)
class QualificationTypeAdmin(admin.ModelAdmin):
    list_display = ["attribute", "name", "grades", "sort"]
    list_filter = ["attribute"]
    search_fields = ["name"]
