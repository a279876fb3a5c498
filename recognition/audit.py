"""Recognition's audited actions, in one place: points, rewards and settings, and the
catalogue of values and kinds (``wiring.py`` registers them with the audit log). None of
them holds private content."""

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


class CatalogueAction(models.TextChoices):
    """Audit log entries for HR's changes to values and contribution kinds."""

    VALUE_ADDED = "recognition.value_added", "Company value added"
    VALUE_CHANGED = "recognition.value_changed", "Company value changed"
    VALUE_ARCHIVED = "recognition.value_archived", "Company value archived"
    VALUE_RESTORED = "recognition.value_restored", "Company value restored"
    VALUE_MOVED = "recognition.value_moved", "Company values reordered"
    KIND_ADDED = "recognition.kind_added", "Contribution kind added"
    KIND_CHANGED = "recognition.kind_changed", "Contribution kind changed"
    KIND_ARCHIVED = "recognition.kind_archived", "Contribution kind archived"
    KIND_RESTORED = "recognition.kind_restored", "Contribution kind restored"
    KIND_MOVED = "recognition.kind_moved", "Contribution kinds reordered"
