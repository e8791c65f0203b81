"""Only the TSA endpoint, at the address signing/urls.py gives it, for the TSA tests."""

from django.urls import path

from signing.tsa_views import timestamp

urlpatterns = [path("signing/tsa/", timestamp)]
