from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from registry import views_account, views_ca, views_feed, views_records
from registry.auth import UnlockingSetPasswordForm

app_name = "registry"

urlpatterns = [
    path("register/", views_account.register_start, name="register"),
    path("register/check/", views_account.register_check_code, name="register_check"),
    path("register/details/", views_account.register_details, name="register_details"),
    path("login/", views_account.login_view, name="login"),
    path("logout/", views_account.logout_view, name="logout"),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            template_name="registry/password_reset.html",
            email_template_name="registry/password_reset_email.txt",
            subject_template_name="registry/password_reset_subject.txt",
            success_url=reverse_lazy("registry:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="registry/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="registry/password_reset_confirm.html",
            form_class=UnlockingSetPasswordForm,
            success_url=reverse_lazy("registry:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(template_name="registry/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("", views_account.home, name="home"),
    path("basic/", views_records.basic, name="basic"),
    path("basic/ca-application/", views_ca.ca_apply, name="ca_apply"),
    path("basic/ca-application/withdraw/", views_ca.ca_withdraw, name="ca_withdraw"),
    path("ca-applications/callback/", views_ca.ca_callback, name="ca_callback"),
    path("feed/subjects/", views_feed.subject_feed, name="subject_feed"),
    path("records/<int:pk>/", views_records.record_detail, name="record"),
    path("records/<int:pk>/change/", views_records.record_change, name="record_change"),
    path("records/<int:pk>/discard/", views_records.record_discard, name="record_discard"),
    path("records/<int:pk>/void/", views_records.record_void, name="record_void"),
    path("records/<int:pk>/unvoid/", views_records.record_unvoid, name="record_unvoid"),
    path("records/<int:pk>/delete/", views_records.record_delete, name="record_delete"),
    path("history/", views_records.history, name="history"),
    path("history/<int:pk>/", views_records.history_detail, name="history_detail"),
    path("attachments/<int:pk>/", views_records.attachment_download, name="attachment"),
    path("<slug:kind>/", views_records.record_list, name="records"),
    path("<slug:kind>/new/", views_records.record_new, name="record_new"),
]
