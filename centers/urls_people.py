"""Practitioners, CA证书激活 and 解绑申请 at a center (`<center>` is the center's code)."""

from django.urls import path

from centers import views_people as views

urlpatterns = [
    path("<slug:center>/practitioners/", views.practitioners_home, name="practitioners"),
    # The numeric paths first: a practitioner's id would otherwise read as a field's name.
    path("<slug:center>/practitioners/<int:pk>/", views.practitioner_detail, name="practitioner"),
    path(
        "<slug:center>/practitioners/<int:pk>/submit/", views.practitioner_submit, name="practitioner_submit"
    ),
    path(
        "<slug:center>/practitioners/<int:pk>/withdraw/",
        views.practitioner_withdraw,
        name="practitioner_withdraw",
    ),
    path("<slug:center>/practitioners/<slug:field>/", views.practitioner_list, name="practitioner_list"),
    path("<slug:center>/practitioners/<slug:field>/new/", views.practitioner_new, name="practitioner_new"),
    path("<slug:center>/activation/", views.activation_list, name="activation_list"),
    path("<slug:center>/activation/<int:pk>/", views.activation_detail, name="activation"),
    path(
        "<slug:center>/activation/<int:pk>/activate/", views.activation_activate, name="activation_activate"
    ),
    path("<slug:center>/activation/revoke/<int:pk>/", views.activation_revoke, name="activation_revoke"),
    path("<slug:center>/unbind/", views.unbind_list, name="unbind_list"),
    path("<slug:center>/unbind/new/", views.unbind_new, name="unbind_new"),
    path("<slug:center>/unbind/<int:pk>/", views.unbind_detail, name="unbind_detail"),
    path("<slug:center>/unbind/<int:pk>/withdraw/", views.unbind_withdraw, name="unbind_withdraw"),
]
