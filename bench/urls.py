"""Bench-only routes, included by perfapp/urls.py only when ``settings.BENCH_ANCHOR``."""

from django.urls import path

from . import views

urlpatterns = [
    path("anchor/<int:organization_id>/<int:membership_id>/", views.anchor, name="bench_anchor"),
]
