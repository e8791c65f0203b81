"""A subject's pages at one center (centers/views_profile.py)."""

from django.urls import path

from centers import views_profile

urlpatterns = [
    path("<slug:center>/", views_profile.home, name="home"),
    path("<slug:center>/profile/", views_profile.profile, name="profile"),
    path("<slug:center>/profile/withdraw/", views_profile.profile_withdraw, name="profile_withdraw"),
    path("<slug:center>/commitment/", views_profile.commitment, name="commitment"),
    path("<slug:center>/types/", views_profile.types, name="types"),
    path("<slug:center>/role/", views_profile.role, name="role"),
    path("<slug:center>/register/", views_profile.register, name="register"),
    path("<slug:center>/register/details/", views_profile.register_details, name="register_details"),
]
