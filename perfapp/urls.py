"""The roof: the only core module that names the domain apps."""

from django.contrib import admin
from django.urls import include, path

from perfapp.orgs import views as org_views
from perfapp.web import views as web_views
from perfapp.web.health import health

organization_pages = [
    path("", include("perfapp.web.urls")),
    path("", include("perfapp.orgs.urls")),
    path("notifications/", include("perfapp.notifications.urls")),
    path("audit/", include("perfapp.audit.urls")),
    path("feedback/", include("feedback.urls")),
    path("growth/", include("development.urls")),
    path("recognition/", include("recognition.urls")),
    path("career/", include("advancement.urls")),
]

urlpatterns = [
    path("", web_views.start, name="start"),
    path("health/", health, name="health"),
    path("accounts/", include("allauth.urls")),
    path("orgs/new/", org_views.create_organization, name="orgs_create"),
    path("invitations/<str:token>/", org_views.invitation, name="invitation"),
    path("o/<slug:org_slug>/", include(organization_pages)),
    path("api/", include(("perfapp.api.urls", "api"), namespace="api")),
    path("admin/", admin.site.urls),
]
