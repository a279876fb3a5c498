"""Audited changes to points, rewards and recognition settings (registered with the audit
log in ``RecognitionConfig``). None of them holds private content."""

from django.db import models


class PointsAction(models.TextChoices):
    SETTINGS_CHANGED = "recognition.settings_changed", "Recognition settings changed"
    POINTS_ADJUSTED = "recognition.points_adjusted", "Points balance adjusted"
    REWARD_CREATED = "recognition.reward_created", "Reward added"
    REWARD_UPDATED = "recognition.reward_updated", "Reward changed"
    REWARD_ARCHIVED = "recognition.reward_archived", "Reward archived"
    REWARD_RESTORED = "recognition.reward_restored", "Reward offered again"
    REDEMPTION_APPROVED = "recognition.redemption_approved", "Reward redemption approved"
    REDEMPTION_REJECTED = "recognition.redemption_rejected", "Reward redemption rejected"
    INSIGHTS_EXPORTED = "recognition.insights_exported", "Recognition insights exported"
