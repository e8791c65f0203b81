from django.urls import path

from signing import tsa_views, views

app_name = "signing"

urlpatterns = [
    path("seals/", views.seal_list, name="seals"),
    path("seals/<int:pk>/", views.seal_detail, name="seal"),
    path("seals/<int:pk>/image.png", views.seal_image, name="seal_image"),
    path("seals/<int:pk>/certificates/", views.seal_certificate_add, name="seal_certificate_add"),
    path(
        "seals/<int:pk>/certificates/<int:certificate_pk>/remove/",
        views.seal_certificate_remove,
        name="seal_certificate_remove",
    ),
    path("seals/<int:pk>/retire/", views.seal_retire, name="seal_retire"),
    path("documents/", views.document_list, name="documents"),
    path("documents/<int:pk>/", views.document_detail, name="document"),
    path("documents/<int:pk>/pages/<int:page>.png", views.document_page, name="document_page"),
    path("documents/<int:pk>/document.pdf", views.document_download, name="document_pdf"),
    path("documents/<int:pk>/seal/", views.seal_prepare, name="seal_prepare"),
    path("seal/finish/", views.seal_finish, name="seal_finish"),
    path("detect/", views.detect_prepare, name="detect_prepare"),
    path("detect/<uuid:pk>/page.png", views.detect_page, name="detect_page"),
    path("detect/<uuid:pk>/sample.pdf", views.detect_pdf, name="detect_pdf"),
    path("verify/", views.verify_page, name="verify"),
    path("tsa/", tsa_views.timestamp, name="tsa"),
]
