from django.urls import path

from centers import views_sync

# Fixed words only: centers/urls.py puts a center's own pages under /centers/<code>/.
urlpatterns = [
    path("", views_sync.overview, name="overview"),
    path("resync/", views_sync.resync, name="resync"),
]
