"""/api/v1/orgs/<org_slug>/…: every app adds its routes to the one list: the core's router
below, or the app's own api/urls.py (feedback, development, recognition)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from advancement.api import (
    CompetencyViewSet,
    CriterionViewSet,
    LevelViewSet,
    PlacementViewSet,
    ProposalViewSet,
    TrackViewSet,
    VersionViewSet,
)
from advancement.api.assessments import AssessmentViewSet
from advancement.api.promotions import (
    EndorsementViewSet,
    PromotionCaseViewSet,
    PromotionOutcomesViewSet,
    PromotionRoundViewSet,
)
from advancement.api.readiness import (
    ReadinessMarkViewSet,
    ReadinessNarrativeViewSet,
    ReadinessViewSet,
)
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
# The career framework (advancement).
router.register("competencies", CompetencyViewSet, basename="competency")
router.register("tracks", TrackViewSet, basename="track")
router.register("levels", LevelViewSet, basename="level")
router.register("criteria", CriterionViewSet, basename="criterion")
router.register("versions", VersionViewSet, basename="version")
router.register("placements", PlacementViewSet, basename="placement")
router.register("proposals", ProposalViewSet, basename="proposal")
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("readiness", ReadinessViewSet, basename="readiness")
router.register("readiness-narratives", ReadinessNarrativeViewSet, basename="readiness-narrative")
router.register("readiness-marks", ReadinessMarkViewSet, basename="readiness-mark")
router.register("promotion-rounds", PromotionRoundViewSet, basename="promotion-round")
router.register("promotion-cases", PromotionCaseViewSet, basename="promotion-case")
router.register("endorsements", EndorsementViewSet, basename="endorsement")
router.register("promotion-outcomes", PromotionOutcomesViewSet, basename="promotion-outcomes")
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
                *feedback_api.urlpatterns,
                *development_api.urlpatterns,
                *recognition_api.urlpatterns,
            ]
        ),
    ),
]
