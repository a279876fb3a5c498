"""Promotion rounds, cases, endorsements and calibration.

A case is frozen at submission: ``packet`` holds the readiness view (criteria, assessments,
evidence, narratives) as it stood, so calibration and the decision judge what was
submitted, not what the evidence became afterwards.
"""

from django.db import models
from django.db.models import Q

from perfapp.tenancy.models import TenantModel


class Round(TenantModel):
    """A promotion round HR configures: a window, the tracks it covers, who may nominate."""

    name = models.CharField(max_length=120)
    opens_on = models.DateField()
    closes_on = models.DateField()  # last day nominations may be submitted
    tracks = models.ManyToManyField("advancement.Track", related_name="promotion_rounds")
    allow_self_nomination = models.BooleanField(default=False)
    calibration_group = models.ManyToManyField(
        "orgs.Membership", blank=True, related_name="calibration_rounds"
    )
    decisions_published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        "orgs.Membership", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="round_window_ordered"
            )
        ]
        indexes = [models.Index(fields=["organization", "-opens_on"], name="round_org_opens")]

    def __str__(self) -> str:
        return self.name


class CaseState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    CALIBRATION = "calibration", "In calibration"
    DECIDED = "decided", "Decided"


class Decision(models.TextChoices):
    PROMOTED = "promoted", "Promoted"
    NOT_YET = "not_yet", "Not yet"


class Case(TenantModel):
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="cases")
    subject = models.ForeignKey(
        "orgs.Membership", on_delete=models.CASCADE, related_name="promotion_cases", db_index=False
    )
    nominator = models.ForeignKey(
        "orgs.Membership", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    self_nominated = models.BooleanField(default=False)
    version = models.ForeignKey(
        "advancement.FrameworkVersion", on_delete=models.PROTECT, related_name="promotion_cases"
    )
    # From where to where, as the version's snapshot named them (ids and labels).
    track_id = models.PositiveIntegerField()
    track_name = models.CharField(max_length=120)
    from_level_id = models.PositiveIntegerField()
    from_level_label = models.CharField(max_length=100)
    target_level_id = models.PositiveIntegerField()
    target_level_label = models.CharField(max_length=100)
    target_rank = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=12, choices=CaseState.choices, default=CaseState.DRAFT)
    summary = models.TextField(max_length=5000, blank=True)
    packet = models.JSONField(null=True, blank=True)  # frozen at submission
    # Figures of the packet kept as columns, so calibration sorts and compares cheaply.
    criteria_total = models.PositiveSmallIntegerField(default=0)
    criteria_with_evidence = models.PositiveSmallIntegerField(default=0)
    evidence_count = models.PositiveIntegerField(default=0)
    assessment_gaps = models.PositiveSmallIntegerField(default=0)
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    rationale = models.TextField(max_length=5000, blank=True)
    not_yet_criteria = models.JSONField(default=list, blank=True)  # snapshot criterion ids
    decided_by = models.ForeignKey(
        "orgs.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # "Promoted" takes effect on this day (the organization's calendar): the placement
    # moves to the target level then, by itself (``services.promotions.apply_promotion``).
    effective_on = models.DateField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(  # None: perfapp applied it on the day
        "orgs.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    reverted_at = models.DateTimeField(null=True, blank=True)
    reverted_by = models.ForeignKey(
        "orgs.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    revert_reason = models.TextField(max_length=2000, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    lock_version = models.PositiveIntegerField(default=0)

    # Not columns: why a decided promotion cannot take effect yet, set on HR's list by
    # selectors.promotions.promotions_to_apply.
    blocker: str
    overridable: bool

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "round", "subject"], name="case_one_per_round_subject"
            ),
            # One open case per person and target level, whichever round it is in.
            models.UniqueConstraint(
                fields=["organization", "subject", "target_level_id"],
                condition=~Q(state="decided"),
                name="case_one_open_per_level",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organization", "round", "state", "track_id", "target_rank"],
                name="case_org_round_state",
            ),
            models.Index(
                fields=["organization", "subject", "-created_at"], name="case_org_subject"
            ),
            models.Index(
                fields=["organization", "decision", "target_level_id"], name="case_org_outcome"
            ),
            # Promotions still to take effect (the daily task and HR's list).
            models.Index(
                fields=["organization", "effective_on"],
                condition=Q(decision="promoted", applied_at__isnull=True, reverted_at__isnull=True),
                name="case_org_to_apply",
            ),
        ]

    def __str__(self) -> str:
        return f"Case for {self.subject_id} → {self.target_level_label}"

    @property
    def awaits_effect(self) -> bool:
        """A promotion whose new level has not taken effect (and was not reverted)."""
        return (
            self.decision == Decision.PROMOTED
            and self.applied_at is None
            and self.reverted_at is None
        )


class Endorsement(TenantModel):
    """A colleague's endorsement, asked for by the nominator. Endorsers see only their own."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="endorsements")
    endorser = models.ForeignKey(
        "orgs.Membership", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    requested_by = models.ForeignKey(
        "orgs.Membership", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(max_length=3000, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "case", "endorser"], name="endorsement_one_per_person"
            )
        ]
        indexes = [
            models.Index(fields=["organization", "endorser"], name="endorsement_org_endorser")
        ]

    def __str__(self) -> str:
        return f"Endorsement by {self.endorser_id} of case {self.case_id}"


class CaseEvent(TenantModel):
    """The case's own history: every transition and every decision, in order."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        "orgs.Membership", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12)
    note = models.TextField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["organization", "case", "created_at"], name="case_event_org")
        ]

    def __str__(self) -> str:
        return f"{self.from_state or '—'} → {self.to_state}"


class CalibrationNote(TenantModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="calibration_notes")
    author = models.ForeignKey(
        "orgs.Membership", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(max_length=3000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["organization", "case", "created_at"], name="calibration_note_org")
        ]

    def __str__(self) -> str:
        return self.body[:60]
