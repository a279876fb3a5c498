"""Coaching check-ins (1:1s): a series between a manager and a report, its meetings,
their shared agenda, notes and action items.

Edits that two people make at the same time carry a ``version``: a write names the
version it started from, and a stale one is refused instead of overwriting.
"""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from perfapp.orgs.models import OrganizationSettings
from perfapp.tenancy.models import TenantModel


class Cadence(models.TextChoices):
    WEEKLY = "weekly", "Every week"
    BIWEEKLY = "biweekly", "Every two weeks"
    MONTHLY = "monthly", "Every month, same weekday"


class SeriesStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    ENDED = "ended", "Ended"


class CheckinSettings(OrganizationSettings):
    """An organization's defaults and policy for check-ins (HR edits them)."""

    editable = ("default_cadence", "lapse_grace_days", "reminder_lead_hours", "weekly_update")
    audit_label = "Check-in settings"

    default_cadence = models.CharField(
        max_length=10, choices=Cadence.choices, default=Cadence.BIWEEKLY
    )
    lapse_grace_days = models.PositiveSmallIntegerField(
        default=7,
        help_text="A series counts as lapsed when no meeting was held for its cadence "
        "plus this many days.",
    )
    reminder_lead_hours = models.PositiveSmallIntegerField(default=24)
    weekly_update = models.BooleanField(
        default=False,
        help_text="Reports fill a short update (wins, priorities, blockers, mood) before "
        "each 1:1; it shows on the meeting for both people.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="checkin_settings_once")
        ]

    def __str__(self) -> str:
        return f"check-in settings of {self.organization_id}"


class CheckinSeries(TenantModel):
    manager = models.ForeignKey(
        "orgs.Membership",
        on_delete=models.CASCADE,
        related_name="checkins_as_manager",
        db_index=False,
    )
    report = models.ForeignKey(
        "orgs.Membership",
        on_delete=models.CASCADE,
        related_name="checkins_as_report",
        db_index=False,
    )
    proposed_by = models.ForeignKey(
        "orgs.Membership", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    cadence = models.CharField(max_length=10, choices=Cadence.choices)
    time_of_day = models.TimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=30)
    time_zone = models.CharField(max_length=64)
    starts_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=SeriesStatus.choices, default=SeriesStatus.ACTIVE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["report__user__name", "id"]
        constraints = [
            # One running series per pair; an ended one may be followed by a new one.
            models.UniqueConstraint(
                fields=["organization", "manager", "report"],
                condition=models.Q(status__in=["proposed", "active", "paused"]),
                name="series_one_running_per_pair",
            )
        ]
        indexes = [
            models.Index(fields=["organization", "manager", "status"], name="series_manager"),
            models.Index(fields=["organization", "report", "status"], name="series_report"),
        ]

    def __str__(self) -> str:
        return f"1:1 {self.manager_id}–{self.report_id}"

    def involves(self, membership) -> bool:
        return membership.pk in (self.manager_id, self.report_id)


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    SKIPPED = "skipped", "Skipped"
    CANCELLED = "cancelled", "Cancelled"


class Meeting(TenantModel):
    series = models.ForeignKey(CheckinSeries, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    skip_reason = models.CharField(max_length=300, blank=True)
    moved_from = models.DateTimeField(null=True, blank=True)
    shared_notes = models.TextField(max_length=20000, blank=True)
    notes_version = models.PositiveIntegerField(default=0)
    held_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["organization", "series", "starts_at"], name="meeting_series"),
            models.Index(fields=["organization", "status", "starts_at"], name="meeting_due"),
        ]

    def __str__(self) -> str:
        return f"meeting {self.pk} at {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_closed(self) -> bool:
        return self.status != MeetingStatus.SCHEDULED


class Linkable(models.Model):
    """A generic reference to something of another app (a feedback item, a criterion, a
    goal), so this app never imports the others."""

    link_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    link_id = models.PositiveBigIntegerField(null=True, blank=True)
    link = GenericForeignKey("link_type", "link_id")

    class Meta:
        abstract = True


class AgendaItem(TenantModel, Linkable):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    author = models.ForeignKey("orgs.Membership", on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=500)
    position = models.PositiveIntegerField(default=0)
    discussed = models.BooleanField(default=False)
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [
            models.Index(fields=["organization", "meeting", "position"], name="agenda_order")
        ]

    def __str__(self) -> str:
        return self.text[:60]


class PrivateNote(TenantModel):
    """Seen by its writer only: not the other participant, not HR, never exported."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey("orgs.Membership", on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=20000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "meeting", "author"], name="private_note_once"
            )
        ]

    def __str__(self) -> str:
        return f"private note {self.pk}"


class ActionItem(TenantModel, Linkable):
    series = models.ForeignKey(CheckinSeries, on_delete=models.CASCADE, related_name="actions")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions_created")
    owner = models.ForeignKey(
        "orgs.Membership", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    text = models.CharField(max_length=500)
    due_on = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["done_at", "due_on", "id"]
        indexes = [
            models.Index(fields=["organization", "series", "done_at"], name="action_open"),
            models.Index(
                fields=["organization", "owner", "done_at", "due_on"], name="action_owner"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class WeeklyUpdate(TenantModel):
    """The report's short update before a meeting, shared with their manager."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="update")
    author = models.ForeignKey("orgs.Membership", on_delete=models.CASCADE, related_name="+")
    wins = models.TextField(max_length=2000, blank=True)
    priorities = models.TextField(max_length=2000, blank=True)
    blockers = models.TextField(max_length=2000, blank=True)
    mood = models.PositiveSmallIntegerField(help_text="How it's going, from 1 to 5.")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"update for meeting {self.meeting_id}"


class PromptTheme(models.TextChoices):
    GROWTH = "growth", "Growth"
    BLOCKERS = "blockers", "Blockers"
    CAREER = "career", "Career"
    WELLBEING = "wellbeing", "Wellbeing"
    MANAGER = "manager", "Feedback on the manager"


class CoachingPrompt(TenantModel):
    theme = models.CharField(max_length=10, choices=PromptTheme.choices)
    text = models.CharField(max_length=300)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["theme", "id"]

    def __str__(self) -> str:
        return self.text
