"""Growth: mentorship (mentor profiles, requests, mentorships and their sessions)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from perfapp.tenancy.models import TenantModel

# --- mentorship -------------------------------------------------------------------------


class MentorProfile(TenantModel):
    """Someone willing to mentor: in which competencies, and for how many people at once."""

    membership = models.OneToOneField(
        "orgs.Membership", on_delete=models.CASCADE, related_name="mentor_profile"
    )
    competencies = models.ManyToManyField("advancement.Competency", related_name="+")
    capacity = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
        help_text="How many people you can mentor at the same time.",
    )
    about = models.TextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Mentor {self.membership_id}"


class MentorshipRequestStatus(models.TextChoices):
    PENDING = "pending", "Waiting for an answer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class MentorshipRequest(TenantModel):
    mentee = models.ForeignKey(
        "orgs.Membership", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    mentor = models.ForeignKey(
        "orgs.Membership", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    competency = models.ForeignKey(
        "advancement.Competency", on_delete=models.PROTECT, related_name="+"
    )
    message = models.TextField("what you want to learn", max_length=2000)
    status = models.CharField(
        max_length=10,
        choices=MentorshipRequestStatus.choices,
        default=MentorshipRequestStatus.PENDING,
    )
    answer = models.CharField(max_length=1000, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "mentee", "mentor", "competency"],
                condition=Q(status="pending"),
                name="mentorship_request_one_pending",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "mentor", "status"], name="mentor_request_inbox"),
            models.Index(fields=["organization", "mentee", "status"], name="mentee_request_out"),
        ]

    def __str__(self) -> str:
        return f"{self.mentee_id} → {self.mentor_id}"


class MentorshipCadence(models.TextChoices):
    WEEKLY = "weekly", "Every week"
    BIWEEKLY = "biweekly", "Every two weeks"
    MONTHLY = "monthly", "Every month"


class MentorshipStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"


class Mentorship(TenantModel):
    mentor = models.ForeignKey(
        "orgs.Membership", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    mentee = models.ForeignKey(
        "orgs.Membership", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    competency = models.ForeignKey(
        "advancement.Competency", on_delete=models.PROTECT, related_name="+"
    )
    request = models.OneToOneField(
        MentorshipRequest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentorship",
    )
    goals = models.TextField(max_length=2000, blank=True)
    cadence = models.CharField(
        max_length=10, choices=MentorshipCadence.choices, default=MentorshipCadence.BIWEEKLY
    )
    status = models.CharField(
        max_length=8, choices=MentorshipStatus.choices, default=MentorshipStatus.ACTIVE
    )
    started_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        "orgs.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mentor_reflection = models.TextField(max_length=2000, blank=True)
    mentee_reflection = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "mentor", "status"], name="mentorship_mentor"),
            models.Index(fields=["organization", "mentee", "status"], name="mentorship_mentee"),
        ]

    def __str__(self) -> str:
        return f"{self.mentor_id} mentors {self.mentee_id}"


class MentorshipSession(TenantModel):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField()
    notes = models.TextField(max_length=4000, blank=True)
    logged_by = models.ForeignKey(
        "orgs.Membership", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["organization", "mentorship", "-held_on"], name="session_log")
        ]

    def __str__(self) -> str:
        return f"Session {self.held_on}"


# --- stretch assignments ----------------------------------------------------------------
