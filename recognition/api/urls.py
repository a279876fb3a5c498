"""Recognition's API routes, included by ``perfapp/api/urls.py`` under
/api/v1/orgs/<org_slug>/ (so every name stays in the ``api`` namespace)."""

from rest_framework.routers import SimpleRouter

from recognition.api.insights import RecognitionInsightsViewSet
from recognition.api.points import (
    PointsBalanceViewSet,
    PointsEntryViewSet,
    RedemptionViewSet,
    RewardViewSet,
)
from recognition.api.recognition import CommentViewSet, ReactionViewSet, RecognitionViewSet
from recognition.api.values import CompanyValueViewSet, ContributionKindViewSet

router = SimpleRouter()
# The wall, giving, reactions and comments (public inside the organization), company values
# and contribution kinds (HR writes).
router.register("recognitions", RecognitionViewSet, basename="recognition")
router.register("recognition-reactions", ReactionViewSet, basename="recognition-reaction")
router.register("recognition-comments", CommentViewSet, basename="recognition-comment")
router.register("company-values", CompanyValueViewSet, basename="company-value")
router.register("contribution-kinds", ContributionKindViewSet, basename="contribution-kind")
# Points, rewards and insights.
router.register("points-balances", PointsBalanceViewSet, basename="points-balance")
router.register("points-entries", PointsEntryViewSet, basename="points-entry")
router.register("rewards", RewardViewSet, basename="reward")
router.register("redemptions", RedemptionViewSet, basename="redemption")
router.register("recognition-insights", RecognitionInsightsViewSet, basename="recognition-insights")

urlpatterns = router.urls
