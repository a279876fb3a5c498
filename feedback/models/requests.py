"""Asking for feedback: a request about someone, and one row per colleague asked."""

from django.db import models

from perfapp.tenancy.models import TenantModel


class FeedbackRequest(TenantModel):
    """Someone asks colleagues for feedback about a topic: about themselves, or (a
    manager) about one of their reports."""

    requester = models.ForeignKey(
        "orgs.Membership",
        on_delete=models.CASCADE,
        related_name="feedback_requests_made",
        db_index=False,
    )
    subject = models.ForeignKey(
        "orgs.Membership", on_delete=models.CASCADE, related_name="feedback_requests_about"
    )
    topic = models.CharField(max_length=200)
    message = models.TextField(max_length=2000, blank=True)
    competency = models.ForeignKey(
        "advancement.Competency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_date = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["organization", "requester", "-created_at"], name="request_requester"
            ),
        ]

    def __str__(self) -> str:
        return self.topic

    @property
    def is_about_someone_else(self) -> bool:
        return self.subject_id != self.requester_id


class RequestStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    ANSWERED = "answered", "Answered"
    DECLINED = "declined", "Declined"
    EXPIRED = "expired", "Expired"


class RequestReviewer(TenantModel):
    request = models.ForeignKey(FeedbackRequest, on_delete=models.CASCADE, related_name="reviewers")
    reviewer = models.ForeignKey(
        "orgs.Membership",
        on_delete=models.CASCADE,
        related_name="feedback_asked_of_me",
        db_index=False,
    )
    status = models.CharField(
        max_length=12, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    decline_reason = models.CharField(max_length=500, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "request", "reviewer"], name="request_reviewer_once"
            )
        ]
        indexes = [
            models.Index(fields=["organization", "reviewer", "status"], name="request_inbox"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer_id} for request {self.request_id}"
