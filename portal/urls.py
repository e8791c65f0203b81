from django.urls import path

from portal import views, views_guides
from portal.feeds import AnnouncementsFeed

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("announcements/", views.announcements, name="announcements"),
    path("announcements/atom/", AnnouncementsFeed(), name="announcements_feed"),
    path("announcements/<int:pk>/", views.announcement, name="announcement"),
    path("downloads/", views_guides.downloads, name="downloads"),  # 下载中心
    path("guide/", views_guides.guide, name="guide"),  # 办事指南
]
