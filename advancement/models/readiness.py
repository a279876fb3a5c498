"""What a person adds to their own readiness view: a narrative per next-level criterion, and
what they did with an evidence item (pinned, hidden, or attached private feedback).

Criteria are named by their id in the published snapshot (``criterion_id``), as
assessments name them, so a narrative outlives the draft row it speaks of.
"""

from django.db import models

from perfapp.tenancy.models import TenantModel


class CriterionNarrative(TenantModel):
    """The subject's own short account of how they meet a next-level criterion."""

    subject = models.ForeignKey(
        "orgs.Membership", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    criterion_id = models.PositiveIntegerField()
    body = models.TextField(max_length=1500)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "subject", "criterion_id"],
                name="narrative_one_per_criterion",
            )
        ]

    def __str__(self) -> str:
        return self.body[:60]


class EvidenceMarkAction(models.TextChoices):
    PIN = "pin", "Pinned"
    HIDE = "hide", "Hidden"
    ATTACH = "attach", "Attached"  # private feedback the recipient chose to show


class EvidenceMark(TenantModel):
    """What the subject did with one evidence item: pinned it, hid it, or attached a piece
    of private feedback that readiness would otherwise never show.

    ``item_ref`` is the item's stable reference from its evidence source ("feedback:42").
    """

    subject = models.ForeignKey(
        "orgs.Membership", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    item_ref = models.CharField(max_length=64)
    action = models.CharField(max_length=8, choices=EvidenceMarkAction.choices)
    criterion_id = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "subject", "item_ref", "action"],
                name="evidence_mark_unique",
            )
        ]
        indexes = [
            models.Index(fields=["organization", "subject", "action"], name="evidence_mark_subject")
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.item_ref}"
