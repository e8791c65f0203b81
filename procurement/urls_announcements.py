"""The agency's 公告 pages at a center (`<center>` is the center's code), under /centers/: a list per
kind as the manual's menus have them, 「新增…」, and one page per announcement."""

from django.urls import path

from procurement import views_announcements as views

app_name = "procurement_announcements"

urlpatterns = [
    path("<slug:center>/announcements/", views.announcement_list, name="announcements"),
    path(
        "<slug:center>/announcements/corrections/",
        views.announcement_list,
        {"kind": "correction"},
        name="corrections",
    ),
    path("<slug:center>/announcements/awards/", views.announcement_list, {"kind": "award"}, name="awards"),
    path(
        "<slug:center>/announcements/exceptions/",
        views.announcement_list,
        {"kind": "exception"},
        name="exceptions",
    ),
    path(
        "<slug:center>/announcements/award-changes/",
        views.announcement_list,
        {"kind": "award_change"},
        name="award_changes",
    ),
    path(
        "<slug:center>/announcements/failures/", views.announcement_list, {"kind": "failure"}, name="failures"
    ),
    path("<slug:center>/announcements/new/<int:tender>/", views.announcement_new, name="announcement_new"),
    path(
        "<slug:center>/announcements/<slug:kind>/new/<int:target>/",
        views.announcement_add,
        name="announcement_add",
    ),
    path("<slug:center>/announcements/<int:pk>/", views.announcement_detail, name="announcement"),
    path("<slug:center>/announcements/<int:pk>/save/", views.announcement_save, name="announcement_save"),
    path(
        "<slug:center>/announcements/<int:pk>/submit/", views.announcement_submit, name="announcement_submit"
    ),
    path(
        "<slug:center>/announcements/<int:pk>/withdraw/",
        views.announcement_withdraw,
        name="announcement_withdraw",
    ),
]
