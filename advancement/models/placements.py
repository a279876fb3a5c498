"""Where each person stands in the framework: a track and a level, set by HR (or by a
promotion taking effect)."""

from django.db import models

from advancement.models.framework import Level, Track
from perfapp.tenancy.models import TenantModel


class Placement(TenantModel):
    """Where a person stands: a track and a level, set by HR."""

    membership = models.OneToOneField(
        "orgs.Membership", on_delete=models.CASCADE, related_name="placement"
    )
    track = models.ForeignKey(Track, on_delete=models.PROTECT, related_name="placements")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="placements")
    placed_at = models.DateTimeField(auto_now=True)
    placed_by = models.ForeignKey(
        "orgs.Membership", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["organization", "level"], name="placement_org_level")]

    def __str__(self) -> str:
        return f"{self.membership_id} @ {self.level_id}"
