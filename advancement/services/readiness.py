"""What the subject adds to their own readiness view: a narrative per next-level
criterion, and marks on evidence items (pin, hide, attach private feedback).

Only the subject writes these; each write checks that the criterion is one of their next
level's and that the item is one of their own evidence items, so a forged reference
cannot pin or attach anything else."""

from datetime import UTC, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from advancement import snapshots
from advancement.audit import AssessmentAction
from advancement.evidence import attachable_for, evidence_for
from advancement.models import CriterionNarrative, EvidenceMark, EvidenceMarkAction
from advancement.selectors.framework import current_version
from advancement.selectors.placements import placement_of
from perfapp.audit.services import record
from perfapp.orgs.models import Membership

NARRATIVE_MAX = 1500
EVER = datetime(2000, 1, 1, tzinfo=UTC)  # marks hold across periods: look at all of it


def next_level_criteria(subject: Membership) -> list[dict]:
    """The criteria of the subject's next level in the published framework ([] if none)."""
    version = current_version()
    if version is None:
        return []
    placement = placement_of(subject)
    found = snapshots.find_level(version.snapshot, placement.level_id) if placement else None
    if not found:
        return []
    upcoming = snapshots.next_level(*found)
    return upcoming["criteria"] if upcoming else []


def _own(actor: Membership, subject: Membership) -> None:
    if actor.pk != subject.pk:
        raise PermissionDenied("Only the person writes in their own readiness view.")


def _criterion(subject: Membership, criterion_id: int) -> dict:
    criterion = next((c for c in next_level_criteria(subject) if c["id"] == criterion_id), None)
    if criterion is None:
        raise ValidationError(f"Criterion {criterion_id} is not one of your next level's.")
    return criterion


@transaction.atomic
def save_narrative(
    *, actor: Membership, subject: Membership, criterion_id: int, body: str
) -> CriterionNarrative | None:
    """Write (or, with an empty body, remove) the subject's narrative for a criterion."""
    _own(actor, subject)
    _criterion(subject, criterion_id)
    body = body.strip()
    if len(body) > NARRATIVE_MAX:
        raise ValidationError(
            f"A narrative is at most {NARRATIVE_MAX} characters (this one has {len(body)})."
        )
    if not body:
        CriterionNarrative.objects.filter(subject=subject, criterion_id=criterion_id).delete()
        return None
    narrative, _ = CriterionNarrative.objects.update_or_create(
        subject=subject,
        criterion_id=criterion_id,
        defaults={"body": body},
        create_defaults={"body": body, "organization": subject.organization},
    )
    return narrative


def _competency_ids(subject: Membership) -> set[int]:
    return {c["competency_id"] for c in next_level_criteria(subject) if c["competency_id"]}


@transaction.atomic
def set_mark(
    *,
    actor: Membership,
    subject: Membership,
    item_ref: str,
    action: str,
    on: bool,
    criterion_id: int | None = None,
) -> bool:
    """Pin, hide or attach an evidence item (``on``), or undo it. Returns whether the mark
    is now set. Pinning and hiding are for items readiness shows; attaching is for
    private feedback the subject received (which it never shows otherwise)."""
    _own(actor, subject)
    if action not in EvidenceMarkAction.values:
        raise ValidationError(f"“{action}” is not something you can do with an item.")
    item_ref = (item_ref or "").strip()
    if not item_ref or len(item_ref) > 64:
        raise ValidationError("Choose an evidence item.")
    marks = EvidenceMark.objects.filter(subject=subject, item_ref=item_ref, action=action)
    if not on:
        marks.delete()
        return False
    if criterion_id is not None:
        _criterion(subject, criterion_id)
    competencies = _competency_ids(subject)
    now = timezone.now()
    if action == EvidenceMarkAction.ATTACH:
        candidates = attachable_for(subject, competencies, EVER, now)
        problem = "Only private feedback you received can be attached, and only once."
    else:
        candidates = evidence_for(subject, competencies, EVER, now)
        problem = "That item is not part of your evidence."
    if item_ref not in {item.ref for item in candidates if item.ref}:
        raise ValidationError(problem)
    if action == EvidenceMarkAction.PIN:  # pinning shows what hiding would hide: one or other
        EvidenceMark.objects.filter(
            subject=subject, item_ref=item_ref, action=EvidenceMarkAction.HIDE
        ).delete()
    if action == EvidenceMarkAction.HIDE:
        EvidenceMark.objects.filter(
            subject=subject, item_ref=item_ref, action=EvidenceMarkAction.PIN
        ).delete()
    EvidenceMark.objects.get_or_create(
        subject=subject,
        item_ref=item_ref,
        action=action,
        defaults={"criterion_id": criterion_id, "organization": subject.organization},
    )
    if action == EvidenceMarkAction.ATTACH:
        record(
            organization=actor.organization,
            actor=actor,
            action=AssessmentAction.EVIDENCE_ATTACHED,
            target=subject,
            target_label=item_ref,
        )
    return True
