"""Center pages: each part of the centers app keeps its own URL list, joined here."""

from django.urls import include, path

app_name = "centers"

urlpatterns = [
    path("", include("centers.urls_profile")),
    path("", include("centers.urls_people")),
    path("", include("centers.urls_sync")),
]
