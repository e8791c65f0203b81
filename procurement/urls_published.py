"""Published announcements, for anyone: /procurement/announcements/<pk>/pdf/."""

from django.urls import path

from procurement import views_announcements as views

app_name = "procurement_published"

urlpatterns = [
    path("<int:pk>/pdf/", views.published_pdf, name="pdf"),
]
