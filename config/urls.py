from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import PasswordChangeView
from django.http import HttpRequest, HttpResponseBase
from django.urls import include, path, reverse

from registry.admin import LockoutAdminLoginForm, LockoutAdminPasswordChangeForm
from review.models import StaffMember

admin.site.site_header = "ggzy 后台管理"
admin.site.site_title = "ggzy 后台"
admin.site.index_title = "主体与版本查询"


def _platform_operators_only(request: HttpRequest) -> bool:
    """Django's admin reads every center's data: a center's staff member (a StaffMember with a
    center) works in the back-office, bounded by their center, and never here."""
    if not admin.AdminSite.has_permission(admin.site, request):
        return False
    assert request.user.pk is not None  # has_permission admits active staff accounts only
    return not StaffMember.objects.filter(account_id=request.user.pk, center__isnull=False).exists()


admin.site.has_permission = _platform_operators_only  # type: ignore[method-assign]
# The admin's login counts failures toward, and honours, the one lockout every login form shares.
admin.site.login_form = LockoutAdminLoginForm


def _password_change(request: HttpRequest, extra_context: dict | None = None) -> HttpResponseBase:
    """Django's admin 修改密码 with the lockout's form (AdminSite names its form in code, not a setting)."""
    request.current_app = admin.site.name
    return PasswordChangeView.as_view(
        form_class=LockoutAdminPasswordChangeForm,
        success_url=reverse("admin:password_change_done", current_app=admin.site.name),
        template_name="registration/password_change_form.html",
        extra_context={**admin.site.each_context(request), **(extra_context or {})},
    )(request)


admin.site.password_change = _password_change  # type: ignore[method-assign,assignment]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("registry/", include("registry.urls")),
    path("pki/", include("pki.urls")),
    path("signing/", include("signing.urls")),
    path("centers/", include("procurement.urls")),
    path("centers/", include("procurement.urls_venues")),
    path("centers/", include("procurement.urls_tenders")),
    path("centers/", include("procurement.urls_announcements")),
    path("centers/", include("centers.urls")),
    path("backoffice/", include("backoffice.urls")),
    path("procurement/catalogue/", include("procurement.urls_catalogue")),
    path("procurement/deadlines/", include("procurement.urls_deadlines")),
    path("procurement/announcements/", include("procurement.urls_published")),
    path("", include("portal.urls")),
]

if settings.GGZY_DEMO_CA:
    # The demo CA company (democa/), standing in for a real CA's system; see GGZY_DEMO_CA.
    urlpatterns.insert(0, path("democa/", include("democa.urls")))
