from django.urls import path

from . import views

app_name = "advancement"

urlpatterns = [
    path("", views.index, name="index"),
]
