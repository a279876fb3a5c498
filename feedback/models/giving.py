"""Feedback given freely, or in answer to a request (``feedback.models.requests``)."""

from django.db import models

from perfapp.tenancy.models import TenantModel


class FeedbackKind(models.TextChoices):
    PRAISE = "praise", "Praise"
    CONSTRUCTIVE = "constructive", "Constructive"
    SUGGESTION = "suggestion", "Suggestion for the future"


class Visibility(models.TextChoices):
    PRIVATE = "private", "Only the recipient"
    WITH_MANAGER = "with_manager", "The recipient and their manager"
    MANAGER_ONLY = "manager_only", "Only the manager who asked"


class Feedback(TenantModel):
    author = models.ForeignKey(
        "orgs.Membership", on_delete=models.CASCADE, related_name="feedback_given", db_index=False
    )
    recipient = models.ForeignKey(
        "orgs.Membership",
        on_delete=models.CASCADE,
        related_name="feedback_received",
        db_index=False,
    )
    kind = models.CharField(max_length=16, choices=FeedbackKind.choices)
    situation = models.TextField("what happened", max_length=4000)
    impact = models.TextField(max_length=4000, blank=True)
    suggestion = models.TextField("suggestion for next time", max_length=4000, blank=True)
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    competencies = models.ManyToManyField("advancement.Competency", blank=True, related_name="+")
    # Private feedback is evidence for promotion only when its recipient says so.
    attached_as_evidence = models.BooleanField(default=False)
    request_reviewer = models.OneToOneField(
        "feedback.RequestReviewer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="answer",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["organization", "recipient", "-created_at"], name="feedback_received"
            ),
            models.Index(fields=["organization", "author", "-created_at"], name="feedback_given"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient_id}"
