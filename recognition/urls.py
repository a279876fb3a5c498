from django.urls import path

from .views import wall

app_name = "recognition"

urlpatterns = [
    path("", wall.index, name="index"),
]
