from django.urls import path

from procurement import catalogue_views

app_name = "procurement_catalogue"

urlpatterns = [
    path("", catalogue_views.catalogue_lookup, name="lookup"),
]
