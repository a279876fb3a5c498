"""Reads of requests for feedback: those the viewer made, and those made of them."""

from django.db.models import Count, Q, QuerySet

from feedback.models import FeedbackRequest, RequestReviewer, RequestStatus
from perfapp.orgs.models import Membership


def requests_made(viewer: Membership) -> QuerySet[FeedbackRequest]:
    return (
        FeedbackRequest.objects.filter(requester=viewer)
        .select_related("subject__user", "competency")
        .annotate(
            asked=Count("reviewers", distinct=True),
            answered=Count(
                "reviewers", filter=Q(reviewers__status=RequestStatus.ANSWERED), distinct=True
            ),
        )
        .order_by("-created_at", "-id")
    )


def requests_for_me(viewer: Membership, *, open_only: bool = True) -> QuerySet[RequestReviewer]:
    rows = RequestReviewer.objects.filter(reviewer=viewer).select_related(
        "request__requester__user", "request__subject__user", "request__competency"
    )
    if open_only:
        rows = rows.filter(status=RequestStatus.PENDING)
    return rows.order_by("request__due_date", "id")
