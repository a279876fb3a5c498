"""Assessments against the framework.

An assessment is one occasion on which the person and their manager each rate the person,
criterion by criterion, against the current and the next level. The two responses are
written independently and shown side by side only once both are submitted.

Criteria are named by their id in the published snapshot (``criterion_id``), never by a
foreign key to the draft rows: HR may delete a criterion from the draft, and an old
assessment must still read exactly as it was written.
"""

from django.db import models
from django.db.models import Q

from perfapp.tenancy.models import TenantModel


class Rating(models.TextChoices):
    NOT_YET = "not_yet", "Not yet"
    PARTLY = "partly", "Partly"
    CONSISTENTLY = "consistently", "Consistently"
    BEYOND = "beyond", "Beyond"


class Perspective(models.TextChoices):
    SELF = "self", "Self-assessment"
    MANAGER = "manager", "Manager's assessment"


class Assessment(TenantModel):
    """One occasion: the subject and their manager each assess, against one version."""

    subject = models.ForeignKey(
        "orgs.Membership", on_delete=models.CASCADE, related_name="assessments", db_index=False
    )
    version = models.ForeignKey(
        "advancement.FrameworkVersion", on_delete=models.PROTECT, related_name="assessments"
    )
    # Where the subject stood when the assessment started (snapshot ids).
    track_id = models.PositiveIntegerField()
    level_id = models.PositiveIntegerField()
    next_level_id = models.PositiveIntegerField(null=True, blank=True)
    started_by = models.ForeignKey(
        "orgs.Membership", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)  # both responses submitted

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "subject"],
                condition=Q(completed_at__isnull=True),
                name="assessment_one_open_per_subject",
            )
        ]
        indexes = [
            models.Index(
                fields=["organization", "subject", "-created_at"], name="assessment_org_subject"
            )
        ]

    def __str__(self) -> str:
        return f"Assessment of {self.subject_id} ({self.created_at:%Y-%m-%d})"


class AssessmentResponse(TenantModel):
    """One side of an assessment: the subject's own, or their manager's."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="responses")
    perspective = models.CharField(max_length=8, choices=Perspective.choices)
    author = models.ForeignKey(
        "orgs.Membership", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    lock_version = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "assessment", "perspective"],
                name="assessment_one_response_per_perspective",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_perspective_display()} of {self.assessment_id}"


class AssessmentAnswer(TenantModel):
    response = models.ForeignKey(
        AssessmentResponse, on_delete=models.CASCADE, related_name="answers"
    )
    criterion_id = models.PositiveIntegerField()
    rating = models.CharField(max_length=14, choices=Rating.choices)
    comment = models.TextField(max_length=2000, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "response", "criterion_id"],
                name="assessment_one_answer_per_criterion",
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.rating}"
