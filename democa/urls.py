from django.urls import path

from democa import views

app_name = "democa"

urlpatterns = [
    path("", views.application_list, name="list"),
    path("intake/", views.intake, name="intake"),
    path("<int:pk>/answer/", views.application_answer, name="answer"),
]
