"""The agency's venue pages at a center (`<center>` is the center's code), under /centers/:
场地预约, 场地变更, 场地使用信息 and 项目复评场地预约 (004 §3.3, §3.4, §3.10)."""

from django.urls import path

from procurement import views_re_evaluations as re_evaluation_views
from procurement import views_venues as views

app_name = "procurement_venues"

urlpatterns = [
    path("<slug:center>/venues/", views.venue_list, name="venues"),
    path("<slug:center>/venues/usage/", views.venue_usage, name="usage"),
    path("<slug:center>/venues/new/", views.venue_new, name="venue_new"),
    path("<slug:center>/venues/new/<int:project>/", views.venue_book, name="venue_book"),
    path("<slug:center>/venues/<int:pk>/", views.venue_detail, name="venue"),
    path("<slug:center>/venues/<int:pk>/edit/", views.venue_edit, name="venue_edit"),
    path("<slug:center>/venues/<int:pk>/submit/", views.venue_submit, name="venue_submit"),
    path("<slug:center>/venues/<int:pk>/withdraw/", views.venue_withdraw, name="venue_withdraw"),
    path("<slug:center>/venues/<int:pk>/delete/", views.venue_delete, name="venue_delete"),
    path("<slug:center>/venues/<int:pk>/change/", views.venue_change, name="venue_change"),
    # 项目复评场地预约 (004 §3.10): its own list and form; the booking is then a booking.
    path(
        "<slug:center>/venues/re-evaluations/", re_evaluation_views.re_evaluation_list, name="re_evaluations"
    ),
    path(
        "<slug:center>/venues/re-evaluations/new/<int:lot>/",
        re_evaluation_views.re_evaluation_new,
        name="re_evaluation_new",
    ),
    path(
        "<slug:center>/venues/<int:pk>/re-evaluation/",
        re_evaluation_views.re_evaluation_edit,
        name="re_evaluation_edit",
    ),
]
