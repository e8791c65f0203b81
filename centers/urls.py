"""Center pages: each part of the centers app keeps its own URL list, joined here."""

from django.urls import include, path

app_name = "centers"

urlpatterns = [
    # The fixed words of urls_sync (resync/) first: <slug:center>/ below would take them as a center.
    path("", include("centers.urls_sync")),
    path("", include("centers.urls_profile")),
    path("", include("centers.urls_people")),
]
