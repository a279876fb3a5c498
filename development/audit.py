"""Growth's audited actions, in one place: plans, mentoring and stretch assignments
(``wiring.py`` registers them with the audit log; action labels are not database
choices, so adding one needs no migration)."""

from django.db import models


class PlanAction(models.TextChoices):
    """Audited growth changes.
    They name who signed which plan and the cadence HR set, never a plan's content."""

    PLAN_SIGNED = "development.plan_signed", "Development plan signed off"
    SETTINGS_CHANGED = "development.settings_changed", "Growth settings changed"


class MentoringAction(models.TextChoices):
    """Audited mentoring changes.
    The audit keeps who and when, never what the two people wrote."""

    MENTORSHIP_STARTED = "mentorship.started", "Mentorship started"
    MENTORSHIP_CLOSED = "mentorship.closed", "Mentorship closed"


class StretchAction(models.TextChoices):
    """Audited stretch assignment changes."""

    POSTED = "stretch.posted", "Stretch assignment posted"
    CHOSEN = "stretch.chosen", "People chosen for a stretch assignment"
    COMPLETED = "stretch.completed", "Stretch assignment completed"
    CANCELLED = "stretch.cancelled", "Stretch assignment cancelled"
