from django.urls import path, register_converter

from portal import ocds_views, views, views_guides
from portal.feeds import AnnouncementsFeed


class OcidConverter:
    """An ocid: the prefix, the project code and the tender id, in letters, digits and hyphens."""

    regex = "ocds-[A-Za-z0-9]{6}-[A-Za-z0-9-]{1,100}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(OcidConverter, "ocid")

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("announcements/", views.announcements, name="announcements"),
    path("announcements/atom/", AnnouncementsFeed(), name="announcements_feed"),
    path("announcements/<int:pk>/", views.announcement, name="announcement"),
    path("ocds/", ocds_views.home, name="ocds"),
    path("ocds/releases/<ocid:ocid>.json", ocds_views.release_package, name="ocds_releases"),
    path("ocds/records/<ocid:ocid>.json", ocds_views.record_package, name="ocds_records"),
    path("ocds/feed/", ocds_views.feed, name="ocds_feed"),
    path("ocds/bulk/", ocds_views.bulk_index, name="ocds_bulk"),
    path("ocds/bulk/<str:day>.jsonl", ocds_views.bulk_day, name="ocds_bulk_day"),
    path("downloads/", views_guides.downloads, name="downloads"),  # 下载中心
    path("guide/", views_guides.guide, name="guide"),  # 办事指南
]
