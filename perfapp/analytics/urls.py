from django.urls import path

from . import views

app_name = "analytics"

urlpatterns = [
    path("", views.index, name="index"),
    path("<str:key>.csv", views.export_csv, name="csv"),
]
