"""Feedback's API routes, under /api/v1/orgs/<org_slug>/ (``perfapp/api/urls.py``
includes them next to the core's router, in the ``api`` namespace: ``api:feedback-list``)."""

from rest_framework.routers import SimpleRouter

from feedback.api.checkins import (
    ActionItemViewSet,
    AgendaItemViewSet,
    CheckinSeriesViewSet,
    MeetingViewSet,
)
from feedback.api.cycles import CycleResultViewSet, CycleReviewViewSet, FeedbackCycleViewSet
from feedback.api.giving import FeedbackViewSet
from feedback.api.requests import FeedbackRequestViewSet

router = SimpleRouter()
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

urlpatterns = router.urls
