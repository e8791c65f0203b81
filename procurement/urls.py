"""The agency's procurement pages at a center (`<center>` is the center's code), under /centers/."""

from django.urls import path

from procurement import views

app_name = "procurement"

urlpatterns = [
    path("<slug:center>/projects/", views.project_list, name="projects"),
    path("<slug:center>/projects/new/", views.project_new, name="project_new"),
    path("<slug:center>/projects/delete/", views.project_delete, name="project_delete"),
    path("<slug:center>/projects/<int:pk>/", views.project_detail, name="project"),
    path("<slug:center>/projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("<slug:center>/projects/<int:pk>/submit/", views.project_submit, name="project_submit"),
    path("<slug:center>/projects/<int:pk>/withdraw/", views.project_withdraw, name="project_withdraw"),
]
