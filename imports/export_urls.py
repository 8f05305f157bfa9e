"""Routes of the background exports' pages, under /exports/ (imports.exports)."""

from django.urls import path

from imports import views

app_name = "exports"
urlpatterns = [
    path("", views.export_list, name="list"),
    path("<int:pk>/download/", views.export_download, name="download"),
]
