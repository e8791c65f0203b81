"""中心工作人员后台: the review queue, the subject lookup, staff members, the calendar, the rooms and
the evaluation results."""

from django.urls import path

from backoffice import views_admin, views_evaluations, views_queue, views_rooms, views_subjects

app_name = "backoffice"

urlpatterns = [
    path("", views_queue.home, name="home"),
    path("queue/", views_queue.queue, name="queue"),
    path("queue/<int:pk>/", views_queue.item, name="item"),
    path("queue/<int:pk>/claim/", views_queue.claim, name="claim"),
    path("queue/<int:pk>/release/", views_queue.release, name="release"),
    path("subjects/", views_subjects.subjects, name="subjects"),
    path("subjects/<slug:center>/<int:pk>/", views_subjects.subject_detail, name="subject"),
    path(
        "subjects/<slug:center>/<int:pk>/commitment/",
        views_subjects.subject_commitment,
        name="subject_commitment",
    ),
    path(
        "subjects/<slug:center>/<int:pk>/types/<slug:type>/remove/",
        views_subjects.subject_type_remove,
        name="subject_type_remove",
    ),
    path("attachments/<int:pk>/", views_subjects.attachment, name="attachment"),
    path(
        "announcements/<slug:center>/<int:pk>/pdf/",
        views_subjects.announcement_pdf,
        name="announcement_pdf",
    ),
    path("staff/", views_admin.staff_list, name="staff"),
    path("staff/new/", views_admin.staff_add, name="staff_add"),
    path("staff/<int:pk>/", views_admin.staff_change, name="staff_change"),
    path("staff/<int:pk>/deactivate/", views_admin.staff_deactivate, name="staff_deactivate"),
    path("staff/<int:pk>/reactivate/", views_admin.staff_reactivate, name="staff_reactivate"),
    path("calendar/", views_admin.calendar_year, name="calendar"),
    path("calendar/<int:pk>/", views_admin.calendar_day, name="calendar_day"),
    path("calendar/<int:pk>/remove/", views_admin.calendar_day_remove, name="calendar_day_remove"),
    path("evaluations/", views_evaluations.evaluations, name="evaluations"),
    path(
        "evaluations/<slug:center>/<int:lot>/", views_evaluations.evaluation_record, name="evaluation_record"
    ),
    path("rooms/", views_rooms.rooms, name="rooms"),
    path("rooms/new/", views_rooms.room_add, name="room_add"),
    path("rooms/usage/", views_rooms.rooms_usage, name="rooms_usage"),
    path("rooms/<slug:center>/<int:pk>/", views_rooms.room_change, name="room"),
    path("rooms/<slug:center>/<int:pk>/deactivate/", views_rooms.room_deactivate, name="room_deactivate"),
    path("rooms/<slug:center>/<int:pk>/activate/", views_rooms.room_activate, name="room_activate"),
]
