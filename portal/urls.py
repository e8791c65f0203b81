from django.urls import path

from portal import views
from portal.feeds import AnnouncementsFeed

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("announcements/", views.announcements, name="announcements"),
    path("announcements/atom/", AnnouncementsFeed(), name="announcements_feed"),
    path("announcements/<int:pk>/", views.announcement, name="announcement"),
]
