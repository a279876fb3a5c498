"""/api/v1/orgs/<org_slug>/…: every app adds its routes to the one router."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
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
from feedback.api import (
    CycleResultViewSet,
    CycleReviewViewSet,
    FeedbackCycleViewSet,
    FeedbackRequestViewSet,
    FeedbackViewSet,
)
from feedback.checkin_api import (
    ActionItemViewSet,
    AgendaItemViewSet,
    CheckinSeriesViewSet,
    MeetingViewSet,
)
from perfapp.orgs.api import InvitationViewSet, MemberViewSet, MeViewSet, TeamViewSet

router = SimpleRouter()
router.register("members", MemberViewSet, basename="member")
router.register("teams", TeamViewSet, basename="team")
router.register("invitations", InvitationViewSet, basename="invitation")
router.register("me", MeViewSet, basename="me")
# The career framework (advancement).
router.register("competencies", CompetencyViewSet, basename="competency")
router.register("tracks", TrackViewSet, basename="track")
router.register("levels", LevelViewSet, basename="level")
router.register("criteria", CriterionViewSet, basename="criterion")
router.register("versions", VersionViewSet, basename="version")
router.register("placements", PlacementViewSet, basename="placement")
router.register("proposals", ProposalViewSet, basename="proposal")
# Continuous feedback.
router.register("feedback", FeedbackViewSet, basename="feedback")
router.register("feedback-requests", FeedbackRequestViewSet, basename="feedback-request")
router.register("feedback-cycles", FeedbackCycleViewSet, basename="feedback-cycle")
router.register("cycle-reviews", CycleReviewViewSet, basename="cycle-review")
router.register("cycle-results", CycleResultViewSet, basename="cycle-result")
# Coaching check-ins (1:1s): visible to the series' two people only.
router.register("checkin-series", CheckinSeriesViewSet, basename="checkin-series")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("agenda-items", AgendaItemViewSet, basename="agenda-item")
router.register("action-items", ActionItemViewSet, basename="action-item")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("v1/orgs/<slug:org_slug>/", include(router.urls)),
]
