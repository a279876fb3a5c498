"""Audited actions of assessments and readiness (registered in ``advancement/wiring.py``;
action labels are not database choices, so no migration)."""

from django.db import models


class AssessmentAction(models.TextChoices):
    STARTED = "career.assessment_started", "Assessment started"
    SUBMITTED = "career.assessment_submitted", "Assessment side submitted"
    COMPLETED = "career.assessment_completed", "Assessment completed"
    DISCARDED = "career.assessment_discarded", "Open assessment discarded"
    EVIDENCE_ATTACHED = "career.evidence_attached", "Private feedback attached as evidence"
