"""Routes of the import pages, under /imports/."""

from django.urls import path

from imports import views

app_name = "imports"
urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("new/<slug:kind>/", views.upload, name="upload"),
    path("templates/<slug:kind>/", views.template, name="template"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/confirm/", views.job_confirm, name="job_confirm"),
    path("jobs/<int:pk>/retry/", views.job_retry, name="job_retry"),
    path("jobs/<int:pk>/progress/", views.progress, name="progress"),
]
