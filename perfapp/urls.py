"""The roof: with perfapp/api/urls.py and the settings, the only core modules that name the
domain apps (make lint checks that no other does)."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from perfapp.notifications import views as notification_views
from perfapp.orgs import views as org_views
from perfapp.web import views as web_views
from perfapp.web.health import health

organization_pages = [
    path("", include("perfapp.web.urls")),
    path("", include("perfapp.orgs.urls")),
    path("notifications/", include("perfapp.notifications.urls")),
    path("audit/", include("perfapp.audit.urls")),
    path("analytics/", include("perfapp.analytics.urls")),
    path("privacy/", include("perfapp.privacy.urls")),
    path("feedback/", include("feedback.urls")),
    path("growth/", include("development.urls")),
    path("recognition/", include("recognition.urls")),
    path("career/", include("advancement.urls")),
]

urlpatterns = [
    path("", web_views.start, name="start"),
    path("favicon.ico", web_views.favicon, name="favicon"),
    path("health/", health, name="health"),
    path("accounts/", include("allauth.urls")),
    path("orgs/new/", org_views.create_organization, name="orgs_create"),
    path("invitations/<str:token>/", org_views.invitation, name="invitation"),
    path(
        "unsubscribe/<str:token>/", notification_views.unsubscribe, name="notifications_unsubscribe"
    ),
    path("o/<slug:org_slug>/", include(organization_pages)),
    path("api/", include(("perfapp.api.urls", "api"), namespace="api")),
    path("admin/", admin.site.urls),
]

# The benchmark's anchor page, only with the settings make bench runs gunicorn with.
if getattr(settings, "BENCH_ANCHOR", False):
    urlpatterns.append(path("bench/", include("bench.urls")))
