"""Audited actions and notification kinds of assessments and readiness (registered in
``AdvancementConfig.ready``; action labels are not database choices, so no migration)."""

from django.db import models


class AssessmentAction(models.TextChoices):
    STARTED = "career.assessment_started", "Assessment started"
    SUBMITTED = "career.assessment_submitted", "Assessment side submitted"
    COMPLETED = "career.assessment_completed", "Assessment completed"
    DISCARDED = "career.assessment_discarded", "Open assessment discarded"
    EVIDENCE_ATTACHED = "career.evidence_attached", "Private feedback attached as evidence"


NOTIFICATION_KINDS = (
    (
        "career.assessment_started",
        "Assessments of your work",
        "You or your manager started an assessment against your levels.",
    ),
    (
        "career.assessment_completed",
        "Completed assessments",
        "Both sides of an assessment are in: read them side by side.",
    ),
)
