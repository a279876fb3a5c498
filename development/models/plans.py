"""Growth: development plans made with people (not for them), their goals and learning,
mentorship, and stretch assignments.

A plan is co-created: the employee drafts, the manager comments and agrees, and both sign
off. Every later change by either person is a row in ``PlanEvent``, so the plan's history
shows who changed what and when.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from perfapp.orgs.models import OrganizationSettings
from perfapp.tenancy.models import TenantModel

# --- settings ---------------------------------------------------------------------------


class DevelopmentSettings(OrganizationSettings):
    """An organization's cadence for plan reviews (HR edits it)."""

    editable = ("review_every_months",)
    audit_label = "Growth settings"

    review_every_months = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="How often a person and their manager review the plan together.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="development_settings_one")
        ]

    def __str__(self) -> str:
        return f"Development settings of {self.organization_id}"


# --- plans ------------------------------------------------------------------------------


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AGREED = "agreed", "Agreed"


class DevelopmentPlan(TenantModel):
    """One plan per person, owned by them and agreed with their manager."""

    owner = models.OneToOneField(
        "orgs.Membership", on_delete=models.CASCADE, related_name="development_plan"
    )
    aspirations = models.TextField(
        max_length=4000,
        blank=True,
        help_text="Where you want to be in one to three years, in your own words.",
    )
    target_track = models.ForeignKey(
        "advancement.Track", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_level = models.ForeignKey(
        "advancement.Level", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    focus_competencies = models.ManyToManyField(
        "advancement.Competency", blank=True, related_name="+"
    )
    status = models.CharField(max_length=8, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    # Sign-offs name the version of the plan they agreed to: an edit after signing clears
    # the other person's sign-off, so "agreed" always means both saw the same content.
    owner_signed_at = models.DateTimeField(null=True, blank=True)
    manager_signed_at = models.DateTimeField(null=True, blank=True)
    manager_signed_by = models.ForeignKey(
        "orgs.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agreed_at = models.DateTimeField(null=True, blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    last_reviewed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["organization", "next_review_on"], name="plan_review_due"),
        ]

    def __str__(self) -> str:
        return f"Plan of {self.owner_id}"


class PlanEventKind(models.TextChoices):
    CREATED = "created", "Started the plan"
    EDITED = "edited", "Edited the plan"
    SIGNED = "signed", "Signed off"
    AGREED = "agreed", "Agreed — both signed off"
    COMMENTED = "commented", "Commented"
    GOAL_ADDED = "goal_added", "Added a goal"
    GOAL_CHANGED = "goal_changed", "Changed a goal"
    MILESTONE = "milestone", "Updated a milestone"
    LEARNING = "learning", "Updated learning"
    REVIEWED = "reviewed", "Reviewed the plan"
    STRETCH = "stretch", "Took on a stretch assignment"


class PlanEvent(TenantModel):
    """The plan's history: one row per change, with a short summary of what changed."""

    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        "orgs.Membership", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=PlanEventKind.choices)
    summary = models.CharField(max_length=500, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "plan", "-created_at"], name="plan_event_recent")
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.plan_id}"


class PlanComment(TenantModel):
    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey("orgs.Membership", on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["organization", "plan"], name="plan_comment_plan")]

    def __str__(self) -> str:
        return self.body[:60]


class PlanReview(TenantModel):
    """A periodic review the person and their manager hold together."""

    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="reviews")
    recorded_by = models.ForeignKey(
        "orgs.Membership", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    what_changed = models.TextField(max_length=4000)
    next_review_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "plan"], name="plan_review_plan")]

    def __str__(self) -> str:
        return f"Review of {self.plan_id}"


# --- goals ------------------------------------------------------------------------------


class GoalStatus(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class GoalVisibility(models.TextChoices):
    PRIVATE = "private", "You and your manager"
    TEAM = "team", "Shared with your team"


class ProgressMode(models.TextChoices):
    MILESTONES = "milestones", "From milestones"
    MANUAL = "manual", "Set by hand"


class Goal(TenantModel):
    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(max_length=200)
    why = models.TextField("why it matters", max_length=2000, blank=True)
    success_criteria = models.TextField(
        "how we will know", max_length=2000, help_text="Measurable: what done looks like."
    )
    competencies = models.ManyToManyField("advancement.Competency", blank=True, related_name="+")
    start_on = models.DateField()
    target_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=GoalStatus.choices, default=GoalStatus.ON_TRACK
    )
    dropped_reason = models.CharField(max_length=500, blank=True)
    progress_mode = models.CharField(
        max_length=10, choices=ProgressMode.choices, default=ProgressMode.MILESTONES
    )
    manual_progress = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(100)]
    )
    visibility = models.CharField(
        max_length=8, choices=GoalVisibility.choices, default=GoalVisibility.PRIVATE
    )
    # Set when the goal came from a stretch assignment the person was chosen for.
    stretch_interest = models.OneToOneField(
        "development.StretchInterest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="goal",
    )
    done_at = models.DateTimeField(null=True, blank=True)
    # The day the overdue flag was sent, so each overdue goal is flagged once.
    overdue_flagged_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Not columns: what a page shows of a goal, set by selectors.plans.decorate.
    milestones_total: int
    milestones_done: int
    progress: int
    overdue: bool

    class Meta:
        ordering = ["target_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_on__gte=models.F("start_on")), name="goal_target_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "plan", "status"], name="goal_plan_status"),
            models.Index(
                fields=["organization", "target_on"],
                name="goal_open_target",
                condition=Q(status__in=["on_track", "at_risk"]),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in (GoalStatus.ON_TRACK, GoalStatus.AT_RISK)


class Milestone(TenantModel):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    due_on = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["organization", "goal"], name="milestone_goal")]

    def __str__(self) -> str:
        return self.title


class LearningKind(models.TextChoices):
    COURSE = "course", "Course"
    BOOK = "book", "Book"
    TALK = "talk", "Talk"
    SHADOWING = "shadowing", "Shadowing session"
    OTHER = "other", "Other"


class LearningStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class LearningItem(TenantModel):
    """Something to learn from, attached to a goal or to a competency of the plan."""

    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="learning")
    goal = models.ForeignKey(
        Goal, null=True, blank=True, on_delete=models.CASCADE, related_name="learning"
    )
    competency = models.ForeignKey(
        "advancement.Competency",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(max_length=10, choices=LearningKind.choices)
    title = models.CharField(max_length=200)
    url = models.URLField(max_length=500, blank=True)
    status = models.CharField(
        max_length=12, choices=LearningStatus.choices, default=LearningStatus.PLANNED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["status", "id"]
        indexes = [models.Index(fields=["organization", "plan"], name="learning_plan")]

    def __str__(self) -> str:
        return self.title
