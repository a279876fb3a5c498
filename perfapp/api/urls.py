"""/api/v1/orgs/<org_slug>/…: every app adds its routes to the one list: the core's router
below, or the app's own api/urls.py (every domain app)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from advancement.api import urls as advancement_api
from development.api import urls as development_api
from feedback.api import urls as feedback_api
from perfapp.analytics.api import AnalyticsViewSet
from perfapp.api.search import SearchViewSet
from perfapp.orgs.api import InvitationViewSet, MemberViewSet, MeViewSet, TeamViewSet
from perfapp.privacy.api import MyDataViewSet
from perfapp.web.api import HomeViewSet, TeamDashboardViewSet
from recognition.api import urls as recognition_api

router = SimpleRouter()
router.register("members", MemberViewSet, basename="member")
router.register("teams", TeamViewSet, basename="team")
router.register("invitations", InvitationViewSet, basename="invitation")
router.register("me", MeViewSet, basename="me")
# The home page and the manager's team dashboard, as data.
router.register("home", HomeViewSet, basename="home")
router.register("team-dashboard", TeamDashboardViewSet, basename="team-dashboard")
# HR analytics and personal data (the core, fed by every app's registrations).
router.register("analytics", AnalyticsViewSet, basename="analytics")
router.register("my-data", MyDataViewSet, basename="my-data")
router.register("search", SearchViewSet, basename="search")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    # Each app that owns its api/urls.py adds its routes to the same list, so every name
    # stays in the one `api` namespace (api:plan-list) and under the same path.
    path(
        "v1/orgs/<slug:org_slug>/",
        include(
            [
                *router.urls,
                *advancement_api.urlpatterns,
                *feedback_api.urlpatterns,
                *development_api.urlpatterns,
                *recognition_api.urlpatterns,
            ]
        ),
    ),
]
