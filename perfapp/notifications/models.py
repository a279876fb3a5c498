from django.db import models
from django.utils import timezone

from perfapp.tenancy.models import TenantModel

# A notification's text: a sentence or two, sometimes with a short quote (an answer).
BODY_MAX = 2000


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class OutboxMessage(TenantModel):
    """One notification or reminder to deliver: a row per (recipient, kind, occasion).

    The unique constraint is what makes "never twice" hold: asking again for the same
    occasion finds the existing row. A periodic dispatcher claims due rows in batches;
    rows stuck in ``sending`` (a worker died) are put back by a sweeper, so none is lost.
    """

    recipient = models.ForeignKey(
        "orgs.Membership", on_delete=models.CASCADE, related_name="outbox_messages", db_index=False
    )
    kind = models.CharField(max_length=60)
    occasion = models.CharField(max_length=200)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, max_length=BODY_MAX)
    url = models.CharField(max_length=500, blank=True)
    due_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=12, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "recipient", "kind", "occasion"],
                name="outbox_one_per_occasion",
            )
        ]
        indexes = [
            # The dispatcher's queue crosses tenants by design; a partial index keeps it
            # tiny (only rows still to send) so it does not need to lead with organization.
            models.Index(
                fields=["due_at"],
                name="outbox_pending_due",
                condition=models.Q(status="pending"),
            ),
            models.Index(
                fields=["claimed_at"],
                name="outbox_sending_claimed",
                condition=models.Q(status="sending"),
            ),
            models.Index(fields=["organization", "recipient", "kind"], name="outbox_org_recipient"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id} ({self.occasion})"


class Notification(TenantModel):
    """An entry in a person's in-app inbox."""

    recipient = models.ForeignKey(
        "orgs.Membership", on_delete=models.CASCADE, related_name="notifications", db_index=False
    )
    kind = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, max_length=BODY_MAX)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Delivering the same outbox row twice (a retry) must not add a second entry.
    outbox_message = models.OneToOneField(
        OutboxMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["organization", "recipient", "-created_at"], name="notification_inbox"
            ),
            models.Index(
                fields=["organization", "recipient"],
                name="notification_unread",
                condition=models.Q(read_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(TenantModel):
    """A person's choice for one kind; absent means the kind's defaults."""

    membership = models.ForeignKey(
        "orgs.Membership",
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        db_index=False,
    )
    kind = models.CharField(max_length=60)
    in_app = models.BooleanField(default=True)
    email = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "membership", "kind"], name="preference_one_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.membership_id}:{self.kind}"


class DigestFrequency(models.TextChoices):
    OFF = "off", "Off: an email for each notification, as chosen per kind"
    DAILY = "daily", "Daily, in my morning"
    WEEKLY = "weekly", "Weekly, on Monday morning"


class DigestPreference(TenantModel):
    """A person's digest choice. With a digest, the kinds they get by email arrive
    gathered in one email in their local morning instead of one email each."""

    membership = models.OneToOneField(
        "orgs.Membership", on_delete=models.CASCADE, related_name="digest_preference"
    )
    frequency = models.CharField(
        max_length=8, choices=DigestFrequency.choices, default=DigestFrequency.OFF
    )
    last_sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            # The hourly digest run crosses tenants by design; a partial index keeps its
            # scan to the people who chose a digest.
            models.Index(
                fields=["frequency"], name="digest_on", condition=~models.Q(frequency="off")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership_id}: {self.frequency}"
