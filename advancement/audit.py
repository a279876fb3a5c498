from django.db import models


class FrameworkAction(models.TextChoices):
    PUBLISHED = "framework.published", "Career framework published"
    PLACEMENT_CHANGED = "career.placement_changed", "Career placement changed"
    PROPOSAL_ANSWERED = "career.proposal_answered", "Framework proposal answered"
