"""The agency's 招标文件 and 答疑文件 pages at a center (`<center>` is the center's code), under /centers/."""

from django.urls import path

from procurement import views_tenders as views

app_name = "procurement_tenders"

urlpatterns = [
    path("<slug:center>/tenders/", views.tender_list, name="tenders"),
    path("<slug:center>/tenders/new/", views.tender_new, name="tender_new"),
    path("<slug:center>/tenders/new/<int:project>/", views.tender_new_for, name="tender_new_for"),
    path("<slug:center>/tenders/<int:pk>/", views.tender_detail, name="tender"),
    path("<slug:center>/tenders/<int:pk>/edit/", views.tender_edit, name="tender_edit"),
    path("<slug:center>/tenders/<int:pk>/submit/", views.tender_submit, name="tender_submit"),
    path(
        "<slug:center>/tenders/<int:pk>/clarifications/new/",
        views.clarification_new,
        name="clarification_new",
    ),
    path(
        "<slug:center>/tenders/<int:pk>/clarifications/<int:number>/submit/",
        views.clarification_submit,
        name="clarification_submit",
    ),
]
