"""The career framework's audited actions, in one place: framework changes, assessments
and promotions. ``wiring.py`` registers them with the audit log; action labels are not
database choices, so adding one needs no migration."""

from django.db import models


class FrameworkAction(models.TextChoices):
    PUBLISHED = "framework.published", "Career framework published"
    PLACEMENT_CHANGED = "career.placement_changed", "Career placement changed"
    PROPOSAL_ANSWERED = "career.proposal_answered", "Framework proposal answered"


class AssessmentAction(models.TextChoices):
    """Audited actions of assessments and readiness."""

    STARTED = "career.assessment_started", "Assessment started"
    SUBMITTED = "career.assessment_submitted", "Assessment side submitted"
    COMPLETED = "career.assessment_completed", "Assessment completed"
    DISCARDED = "career.assessment_discarded", "Open assessment discarded"
    EVIDENCE_ATTACHED = "career.evidence_attached", "Private feedback attached as evidence"


class PromotionAction(models.TextChoices):
    """Audited promotion changes. They name rounds,
    people, states and HR's reasons for reopening a round or reverting a promotion, never
    a summary, rationale, endorsement or calibration note."""

    ROUND_SAVED = "promotion.round_saved", "Promotion round saved"
    ROUND_CLOSED = "promotion.round_closed", "Promotion round closed"
    ROUND_REOPENED = "promotion.round_reopened", "Promotion round reopened"
    CASE_OPENED = "promotion.case_opened", "Promotion case opened"
    CASE_REFRESHED = "promotion.case_refreshed", "Promotion case moved to a new version"
    CASE_SUBMITTED = "promotion.case_submitted", "Promotion case submitted"
    CASE_CALIBRATION = "promotion.case_calibration", "Promotion case moved to calibration"
    CASE_DECIDED = "promotion.case_decided", "Promotion case decided"
    PROMOTION_APPLIED = "promotion.applied", "Promotion took effect"
    PROMOTION_REVERTED = "promotion.reverted", "Promotion reverted"
