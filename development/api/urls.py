"""Development's API routes, under /api/v1/orgs/<org_slug>/ (``perfapp/api/urls.py``
includes them next to the core's router, in the ``api`` namespace: ``api:plan-list``)."""

from rest_framework.routers import SimpleRouter

from development.api.mentoring import (
    MentorProfileViewSet,
    MentorshipRequestViewSet,
    MentorshipViewSet,
)
from development.api.plans.goals import GoalViewSet, LearningItemViewSet, MilestoneViewSet
from development.api.plans.plan import PlanReviewViewSet, PlanViewSet
from development.api.stretch import OpportunityViewSet, StretchInterestViewSet

router = SimpleRouter()
# Development plans: the owner and their manager read everything, the line above and HR
# read the outline (development/permissions/plans.py).
router.register("plans", PlanViewSet, basename="plan")
router.register("plan-reviews", PlanReviewViewSet, basename="plan-review")
router.register("goals", GoalViewSet, basename="goal")
router.register("milestones", MilestoneViewSet, basename="milestone")
router.register("learning-items", LearningItemViewSet, basename="learning-item")
# Mentoring and stretch assignments: a mentorship is its two people's only.
router.register("mentor-profiles", MentorProfileViewSet, basename="mentor-profile")
router.register("mentorship-requests", MentorshipRequestViewSet, basename="mentorship-request")
router.register("mentorships", MentorshipViewSet, basename="mentorship")
router.register("opportunities", OpportunityViewSet, basename="opportunity")
router.register("stretch-interests", StretchInterestViewSet, basename="stretch-interest")

urlpatterns = router.urls
