"""Feedback's audited actions, in one place (``wiring.py`` registers them with the audit
log; action labels are not database choices, so adding one needs no migration)."""

from django.db import models


class CheckinAction(models.TextChoices):
    """Audited check-in changes."""

    SETTINGS_CHANGED = "checkin.settings_changed", "Check-in settings changed"
