"""Recognition: specific thanks for output and for everything beyond it, the company values
it shows, and (where the organization wants them) points and rewards.

Points are a ledger, never a counter: every gift received, redemption and refund is a row,
and a balance is the sum of a person's rows. Writes that spend points lock the spender's
membership row first, so two concurrent spends can neither overdraw nor lose points.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from perfapp.orgs.models import OrganizationSettings
from perfapp.tenancy.models import TenantModel


class RecognitionSettings(OrganizationSettings):
    """An organization's choices for recognition (HR edits them)."""

    editable = (
        "points_enabled",
        "monthly_allowance",
        "manager_allowance",
        "admin_allowance",
        "quiet_after_days",
    )
    audit_label = "Recognition settings"

    points_enabled = models.BooleanField(
        default=True, help_text="People give points with recognition and redeem rewards."
    )
    monthly_allowance = models.PositiveIntegerField(
        default=100,
        validators=[MaxValueValidator(100_000)],
        help_text="Points each person may give per calendar month.",
    )
    manager_allowance = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(100_000)],
        help_text="For people with reports; empty means the same as everyone.",
    )
    admin_allowance = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(100_000)],
        help_text="For owners and HR admins; empty means the same as everyone.",
    )
    quiet_after_days = models.PositiveSmallIntegerField(
        default=60,
        validators=[MinValueValidator(7), MaxValueValidator(365)],
        help_text="Someone not recognized for this long shows on the 'not recognized "
        "lately' lists and in managers' weekly notes.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="recognition_settings_one")
        ]

    def __str__(self) -> str:
        return f"Recognition settings of {self.organization_id}"


class CompanyValue(TenantModel):
    name = models.CharField(max_length=60)
    description = models.CharField(max_length=300, blank=True)
    emoji = models.CharField(max_length=8, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                "organization",
                Lower("name"),
                condition=Q(archived_at__isnull=True),
                name="value_unique_active_name",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class ContributionKind(TenantModel):
    """What kind of contribution was recognized: output, collaboration, mentorship, ...
    Editable per organization; HR maps kinds to competencies so recognition of that kind
    becomes evidence for them."""

    name = models.CharField(max_length=60)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    competencies = models.ManyToManyField("advancement.Competency", blank=True, related_name="+")
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                "organization",
                Lower("name"),
                condition=Q(archived_at__isnull=True),
                name="contribution_unique_active",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Recognition(TenantModel):
    giver = models.ForeignKey(
        "orgs.Membership", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    message = models.TextField(max_length=2000)
    kind = models.ForeignKey(ContributionKind, on_delete=models.PROTECT, related_name="+")
    values = models.ManyToManyField(CompanyValue, blank=True, related_name="+")
    competencies = models.ManyToManyField("advancement.Competency", blank=True, related_name="+")
    points_each = models.PositiveIntegerField(default=0)
    # points_each × recipients: what this gift took from the giver's monthly allowance.
    points_total = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    # Not columns: what the wall and a recognition's page show, set by the selectors
    # (selectors/recognition.py).
    # RecognitionComment rows, or on the wall selectors.recognition.CommentRow.
    latest_comments: list
    more_comments: int
    # The wall only (selectors.recognition.attach_card_parts): RecipientRow and Badge rows.
    recipients: list
    shown_values: list
    shown_competencies: list
    reaction_counts: list  # of selectors.recognition.ReactionCount

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The wall: newest first, keyset-paginated on (created_at, id).
            models.Index(fields=["organization", "-created_at", "-id"], name="recognition_wall"),
            models.Index(fields=["organization", "giver", "-created_at"], name="recognition_given"),
            models.Index(fields=["organization", "kind", "-created_at"], name="recognition_kind"),
        ]

    def __str__(self) -> str:
        return self.message[:60]


class RecognitionRecipient(TenantModel):
    """One recipient of a recognition; a row each so filters and insights stay indexed."""

    recognition = models.ForeignKey(
        Recognition, on_delete=models.CASCADE, related_name="recipient_rows"
    )
    recipient = models.ForeignKey(
        "orgs.Membership", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    # Denormalized from the recognition so "received, newest first" needs no join.
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "recognition", "recipient"], name="recipient_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["organization", "recipient", "-created_at"], name="recognition_received"
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} in {self.recognition_id}"


class Reaction(TenantModel):
    EMOJI = ("👏", "🎉", "❤️", "🙌", "🚀", "💡")

    recognition = models.ForeignKey(Recognition, on_delete=models.CASCADE, related_name="reactions")
    member = models.ForeignKey("orgs.Membership", on_delete=models.CASCADE, related_name="+")
    emoji = models.CharField(max_length=8, choices=[(e, e) for e in EMOJI])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "recognition", "member", "emoji"], name="reaction_once"
            )
        ]
        indexes = [models.Index(fields=["organization", "recognition"], name="reaction_on")]

    def __str__(self) -> str:
        return f"{self.emoji} by {self.member_id}"


class RecognitionComment(TenantModel):
    recognition = models.ForeignKey(Recognition, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey("orgs.Membership", on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["organization", "recognition"], name="rcomment_on")]

    def __str__(self) -> str:
        return self.body[:60]


class Reward(TenantModel):
    name = models.CharField(max_length=120)
    description = models.TextField(max_length=1000, blank=True)
    cost = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    # None: unlimited. Decremented with a guarded UPDATE, so it never goes below zero.
    stock = models.PositiveIntegerField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cost", "name"]
        indexes = [models.Index(fields=["organization", "archived_at"], name="reward_active")]

    def __str__(self) -> str:
        return self.name


class RedemptionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class Redemption(TenantModel):
    """A request to spend points on a reward. The points leave the balance when asked
    (so they cannot be spent twice) and come back with a refund row if HR rejects it."""

    reward = models.ForeignKey(Reward, on_delete=models.PROTECT, related_name="redemptions")
    member = models.ForeignKey(
        "orgs.Membership", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    cost = models.PositiveIntegerField()
    status = models.CharField(
        max_length=10, choices=RedemptionStatus.choices, default=RedemptionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        "orgs.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "status", "-created_at"], name="redemption_queue"),
            models.Index(fields=["organization", "member", "-created_at"], name="redemption_mine"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.reward_id}"


class LedgerReason(models.TextChoices):
    RECEIVED = "received", "Received with recognition"
    REDEEMED = "redeemed", "Redeemed for a reward"
    REFUNDED = "refunded", "Refunded: redemption rejected"
    ADJUSTED = "adjusted", "Adjusted by HR"


class PointsEntry(TenantModel):
    """One change to a person's received-points balance. Rows are only ever added."""

    member = models.ForeignKey(
        "orgs.Membership", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    delta = models.IntegerField()
    reason = models.CharField(max_length=10, choices=LedgerReason.choices)
    recognition = models.ForeignKey(
        Recognition, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    redemption = models.ForeignKey(
        Redemption, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        "orgs.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "member", "-created_at"], name="ledger_member")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.delta:+d}"
