from django.conf import settings
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "ggzy 后台管理"
admin.site.site_title = "ggzy 后台"
admin.site.index_title = "主体与版本查询"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("registry/", include("registry.urls")),
    path("pki/", include("pki.urls")),
    path("signing/", include("signing.urls")),
    path("centers/", include("centers.urls")),
    path("backoffice/", include("backoffice.urls")),
    path("", include("portal.urls")),
]

if settings.GGZY_DEMO_CA:
    # The demo CA company (democa/), standing in for a real CA's system; see GGZY_DEMO_CA.
    urlpatterns.insert(0, path("democa/", include("democa.urls")))
