from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("my-data/", views.mine, name="mine"),
    path("my-data/download/", views.download, name="download"),
    path("people/<int:pk>/erase/", views.erase, name="erase"),
]
