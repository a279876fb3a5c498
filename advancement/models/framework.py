"""The career framework: a draft HR edits, and immutable published versions everyone reads.

The draft lives in ordinary rows (competencies, tracks, levels, criteria) with stable ids.
Publishing freezes the whole draft into ``FrameworkVersion.snapshot`` (JSON) together with
the change log against the previous version, so readers never see work in progress and an
old version reads exactly as it was published.
"""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from perfapp.tenancy.models import TenantModel


class CompetencyCategory(models.TextChoices):
    CRAFT = "craft", "Craft"
    COLLABORATION = "collaboration", "Collaboration"
    LEADERSHIP = "leadership", "Leadership"
    IMPACT = "impact", "Impact"


class Competency(TenantModel):
    """A skill or behaviour the organization grows and judges; feedback, recognition, goals
    and stretch assignments are tagged with these."""

    name = models.CharField(max_length=80)
    description = models.TextField(max_length=600, blank=True)
    category = models.CharField(max_length=16, choices=CompetencyCategory.choices)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["category", "name"]
        verbose_name_plural = "competencies"
        constraints = [
            models.UniqueConstraint(
                "organization",
                models.functions.Lower("name"),
                condition=Q(archived_at__isnull=True),
                name="competency_unique_active_name",
            )
        ]
        indexes = [
            models.Index(fields=["organization", "archived_at"], name="competency_org_active"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Track(TenantModel):
    name = models.CharField(max_length=120)
    description = models.TextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "organization", models.functions.Lower("name"), name="track_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Level(TenantModel):
    """One rung of a track. ``rank`` orders the levels: 1 is the first rung."""

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="levels")
    rank = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    code = models.CharField(max_length=10)
    name = models.CharField(max_length=80)
    summary = models.TextField(max_length=600, blank=True)

    class Meta:
        ordering = ["track", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "track", "rank"], name="level_unique_rank"
            ),
            models.UniqueConstraint(
                fields=["organization", "track", "code"], name="level_unique_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Criterion(TenantModel):
    """What a level asks for, in writing: tied to a competency, or free-standing."""

    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="criteria")
    competency = models.ForeignKey(
        Competency, null=True, blank=True, on_delete=models.PROTECT, related_name="criteria"
    )
    expectation = models.TextField(max_length=1000)
    evidence_examples = models.TextField(max_length=600, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["level", "position", "id"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "level", "competency"],
                condition=Q(competency__isnull=False),
                name="criterion_one_per_competency",
            )
        ]
        indexes = [
            models.Index(fields=["organization", "competency"], name="criterion_org_competency"),
        ]

    def __str__(self) -> str:
        return self.expectation[:60]


class FrameworkVersion(TenantModel):
    """An immutable, published framework: what everyone reads, and what assessments and
    promotion cases record they were judged against."""

    number = models.PositiveIntegerField()
    summary = models.TextField(max_length=2000)
    snapshot = models.JSONField()
    changes = models.JSONField(default=list)
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        "orgs.Membership", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="version_unique_number")
        ]

    def __str__(self) -> str:
        return f"Version {self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.pop("allow_update", False):
            raise ValueError("Published framework versions are immutable.")
        super().save(*args, **kwargs)
