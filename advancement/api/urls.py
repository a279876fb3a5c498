"""The career framework's API routes, under /api/v1/orgs/<org_slug>/ (``perfapp/api/urls.py``
includes them next to the core's router, in the ``api`` namespace: ``api:track-list``)."""

from rest_framework.routers import SimpleRouter

from advancement.api.assessments import AssessmentViewSet
from advancement.api.framework.structure import (
    CompetencyViewSet,
    CriterionViewSet,
    LevelViewSet,
    TrackViewSet,
)
from advancement.api.framework.versions import VersionViewSet
from advancement.api.placements import PlacementViewSet
from advancement.api.promotions import (
    EndorsementViewSet,
    PromotionCaseViewSet,
    PromotionOutcomesViewSet,
    PromotionRoundViewSet,
)
from advancement.api.proposals import ProposalViewSet
from advancement.api.readiness import (
    ReadinessMarkViewSet,
    ReadinessNarrativeViewSet,
    ReadinessViewSet,
)

router = SimpleRouter()
# The framework: HR edits the draft and publishes; everyone reads the published version.
router.register("competencies", CompetencyViewSet, basename="competency")
router.register("tracks", TrackViewSet, basename="track")
router.register("levels", LevelViewSet, basename="level")
router.register("criteria", CriterionViewSet, basename="criterion")
router.register("versions", VersionViewSet, basename="version")
router.register("placements", PlacementViewSet, basename="placement")
router.register("proposals", ProposalViewSet, basename="proposal")
# Assessments and readiness: the person, their manager chain, HR.
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("readiness", ReadinessViewSet, basename="readiness")
router.register("readiness-narratives", ReadinessNarrativeViewSet, basename="readiness-narrative")
router.register("readiness-marks", ReadinessMarkViewSet, basename="readiness-mark")
# Promotion rounds, cases, endorsements and outcomes.
router.register("promotion-rounds", PromotionRoundViewSet, basename="promotion-round")
router.register("promotion-cases", PromotionCaseViewSet, basename="promotion-case")
router.register("endorsements", EndorsementViewSet, basename="endorsement")
router.register("promotion-outcomes", PromotionOutcomesViewSet, basename="promotion-outcomes")

urlpatterns = router.urls
