"""/api/v1/orgs/<org_slug>/…: the apps add their routes to the one router, or own them in
<app>/api/urls.py (recognition), which is included here under the same prefix."""

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
from development.api.goals import GoalViewSet, LearningItemViewSet, MilestoneViewSet
from development.api.mentoring import (
    MentorProfileViewSet,
    MentorshipRequestViewSet,
    MentorshipViewSet,
)
from development.api.plans import PlanReviewViewSet, PlanViewSet
from development.api.stretch import OpportunityViewSet, StretchInterestViewSet
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
from perfapp.analytics.api import AnalyticsViewSet
from perfapp.api.search import SearchViewSet
from perfapp.orgs.api import InvitationViewSet, MemberViewSet, MeViewSet, TeamViewSet
from perfapp.privacy.api import MyDataViewSet
from perfapp.web.api import HomeViewSet, TeamDashboardViewSet

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
# Development plans: the owner and their manager read everything, the line above and HR
# read the outline (development/permissions.py).
router.register("plans", PlanViewSet, basename="plan")
router.register("plan-reviews", PlanReviewViewSet, basename="plan-review")
router.register("goals", GoalViewSet, basename="goal")
router.register("milestones", MilestoneViewSet, basename="milestone")
router.register("learning-items", LearningItemViewSet, basename="learning-item")
# Mentoring and stretch assignments (development): a mentorship is its two people's only.
router.register("mentor-profiles", MentorProfileViewSet, basename="mentor-profile")
router.register("mentorship-requests", MentorshipRequestViewSet, basename="mentorship-request")
router.register("mentorships", MentorshipViewSet, basename="mentorship")
router.register("opportunities", OpportunityViewSet, basename="opportunity")
router.register("stretch-interests", StretchInterestViewSet, basename="stretch-interest")

# HR analytics and personal data (the core, fed by every app's registrations).
router.register("analytics", AnalyticsViewSet, basename="analytics")
router.register("my-data", MyDataViewSet, basename="my-data")
router.register("search", SearchViewSet, basename="search")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("v1/orgs/<slug:org_slug>/", include(router.urls)),
    # Apps that own their API routes (<app>/api/urls.py): same prefix, same namespace.
    path("v1/orgs/<slug:org_slug>/", include("recognition.api.urls")),
]
