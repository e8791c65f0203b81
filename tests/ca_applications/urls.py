"""The site's URLs with the demo CA mounted, as with GGZY_DEMO_CA=1 (config/urls.py decides that
once, at import, from the environment)."""

from django.urls import include, path

from config.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path("democa/", include("democa.urls")),
    *[p for p in site_urlpatterns if getattr(p, "namespace", None) != "democa"],
]
