from django.urls import include, path

from pki import views, views_issuers

app_name = "pki"

urlpatterns = [
    path("challenge/", views.challenge, name="challenge"),
    path("login/", views.login, name="login"),
    path("certificates/", views.certificate_list, name="certificates"),
    path("certificates/bind/", views.certificate_bind, name="bind"),
    path("certificates/<int:pk>/", views.certificate_detail, name="certificate"),
    path("certificates/<int:pk>/unbind/", views.certificate_unbind, name="unbind"),
    path("detect/", views.detect, name="detect"),
    path("detect/signature/", views.detect_signature, name="detect_signature"),
    path("check/", views.check, name="check"),
    path("agent/", include("pki.views_agent")),  # 下载证书助手
    path("issuers/", views_issuers.issuer_list, name="issuers"),
]
