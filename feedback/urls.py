from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("", views.index, name="index"),
    path("check-ins/", views.checkins, name="checkins"),
]
