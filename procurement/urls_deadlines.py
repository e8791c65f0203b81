from django.urls import path

from procurement import deadline_views

app_name = "procurement_deadlines"

urlpatterns = [
    path("", deadline_views.deadline_lookup, name="lookup"),
]
