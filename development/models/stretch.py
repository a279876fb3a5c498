"""Growth: stretch assignments and the interest people register in them."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from perfapp.tenancy.models import TenantModel


class Commitment(models.TextChoices):
    LIGHT = "light", "A few hours a week"
    PART = "part", "About a day a week"
    HALF = "half", "About half the week"
    FULL = "full", "Most of the week"


class Audience(models.TextChoices):
    EVERYONE = "everyone", "Everyone"
    TEAMS = "teams", "Chosen teams"


class OpportunityStatus(models.TextChoices):
    OPEN = "open", "Open for interest"
    UNDERWAY = "underway", "Underway"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class StretchAssignment(TenantModel):
    """An opportunity to grow on real work, posted by a manager or HR."""

    owner = models.ForeignKey(
        "orgs.Membership", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    title = models.CharField(max_length=200)
    description = models.TextField(max_length=4000)
    competencies = models.ManyToManyField("advancement.Competency", related_name="+")
    commitment = models.CharField(max_length=8, choices=Commitment.choices)
    duration_weeks = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(52)]
    )
    seats = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="How many people the assignment takes.",
    )
    audience = models.CharField(max_length=8, choices=Audience.choices, default=Audience.EVERYONE)
    teams = models.ManyToManyField("orgs.Team", blank=True, related_name="+")
    status = models.CharField(
        max_length=10, choices=OpportunityStatus.choices, default=OpportunityStatus.OPEN
    )
    closes_on = models.DateField(null=True, blank=True)
    owner_outcome = models.TextField(max_length=2000, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "status", "-created_at"], name="stretch_board"),
            models.Index(fields=["organization", "owner"], name="stretch_owner"),
        ]

    def __str__(self) -> str:
        return self.title


class InterestStatus(models.TextChoices):
    INTERESTED = "interested", "Interested"
    CHOSEN = "chosen", "Chosen"
    NOT_CHOSEN = "not_chosen", "Not chosen this time"
    WITHDRAWN = "withdrawn", "Withdrawn"


class StretchInterest(TenantModel):
    """A person's interest in an opportunity; the chosen ones carry the outcome."""

    assignment = models.ForeignKey(
        StretchAssignment, on_delete=models.CASCADE, related_name="interests"
    )
    person = models.ForeignKey(
        "orgs.Membership", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    note = models.TextField(max_length=2000)
    status = models.CharField(
        max_length=12, choices=InterestStatus.choices, default=InterestStatus.INTERESTED
    )
    person_outcome = models.TextField(max_length=2000, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "assignment", "person"], name="stretch_interest_once"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "person", "status"], name="stretch_interest_mine")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.assignment_id}"
