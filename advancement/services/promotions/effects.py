"""A decided promotion takes effect: the placement moves to the target level on the
decision's effective date, through the audited placement service, and HR can revert it
with a reason. What cannot take effect by itself waits on HR's list, and HR is told."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from advancement import snapshots
from advancement.audit import PromotionAction
from advancement.models import Case, Decision, Level
from advancement.permissions.promotions import manages_promotions
from advancement.selectors.framework import current_version
from advancement.selectors.placements import placement_of
from advancement.selectors.promotions import application_blocker
from advancement.services.placements import record_placement
from advancement.services.promotions.common import (
    MAX_REASON,
    _event,
    _locked_case,
    _refuse_own_case,
    _tell_subject,
)
from perfapp.notifications import services as notifications
from perfapp.orgs.models import Membership, Organization
from perfapp.orgs.roles import ROLE_PERMISSIONS, Permission
from perfapp.timezones import local_today


@transaction.atomic
def apply_promotion(*, actor: Membership | None, case: Case) -> Case:
    """The decided promotion takes effect: the subject's placement moves to the target
    level through the audited placement service. ``actor`` None is perfapp on the
    effective date; HR (never the subject) applies one that could not take effect by
    itself, once they have checked what was in the way."""
    _refuse_own_case(actor, case, "apply")
    if actor is not None and not manages_promotions(actor):
        raise ValidationError("Only HR applies a promotion.")
    subject = case.subject
    case = _locked_case(case, None)
    if case.decision != Decision.PROMOTED:
        raise ValidationError("Only a promotion takes effect; this case was not promoted.")
    if case.reverted_at is not None:
        raise ValidationError(
            "This promotion was reverted; change the placement on the placements page."
        )
    if case.applied_at is not None:
        raise ValidationError(
            f"This promotion took effect already ({case.applied_at:%-d %B %Y}).",
            code="applied",
        )
    today = local_today(subject.organization)
    if case.effective_on is not None and case.effective_on > today:
        raise ValidationError(
            f"This promotion takes effect on {case.effective_on:%-d %B %Y}, by itself.",
            code="not_due",
        )
    blocker, overridable = application_blocker(
        case, version=current_version(), placement=placement_of(subject)
    )
    if blocker and (actor is None or not overridable):
        raise ValidationError(blocker, code="blocked")
    level = Level.objects.select_related("track").get(pk=case.target_level_id)
    record_placement(
        organization=subject.organization,
        actor=actor,
        membership=subject,
        level=level,
        reason=f"Promotion decided in “{case.round.name}”",
    )
    case.applied_at = timezone.now()
    case.applied_by = actor
    case.lock_version += 1
    case.save(update_fields=["applied_at", "applied_by", "lock_version", "updated_at"])
    _event(
        case,
        actor,
        PromotionAction.PROMOTION_APPLIED,
        f"Took effect: placed at {case.target_level_label}.",
        level=[case.from_level_label, case.target_level_label],
    )
    return case


def _remind_hr(case: Case, reason: str) -> int:
    """Tell HR (never the subject) once that a promotion waits for them."""
    people = [
        person
        for person in Membership.objects.select_related("user").filter(
            is_active=True,
            role__in=[
                role
                for role, granted in ROLE_PERMISSIONS.items()
                if Permission.MANAGE_PROMOTIONS in granted
            ],
        )
        if person.pk != case.subject_id and manages_promotions(person)
    ]
    url = reverse(
        "advancement:promotion_rounds", kwargs={"org_slug": case.subject.organization.slug}
    )
    for person in people:
        notifications.queue(
            recipient=person,
            kind="career.promotion_to_apply",
            occasion=f"case:{case.pk}:to-apply",
            title=f"{case.subject.name}'s promotion to {case.target_level_label} waits for you",
            body=f"It could not take effect by itself: {reason}",
            url=url,
        )
    return len(people)


def take_effect_or_remind(case: Case) -> bool:
    """Apply a due promotion as perfapp; when something is in the way, leave it on HR's
    list and remind them. True when it took effect."""
    try:
        with transaction.atomic():
            apply_promotion(actor=None, case=case)
    except ValidationError as error:
        _remind_hr(case, " ".join(error.messages))
        return False
    case.refresh_from_db()
    return True


def apply_due_promotions(organization: Organization) -> dict:
    """Every promotion whose effective date has come takes effect (the daily task, inside
    the organization's scope). Idempotent: an applied one is never applied again."""
    today = local_today(organization)
    due = list(
        Case.objects.select_related("subject__user", "subject__organization", "round")
        .filter(
            decision=Decision.PROMOTED,
            applied_at__isnull=True,
            reverted_at__isnull=True,
            effective_on__lte=today,
        )
        .order_by("effective_on", "id")
    )
    applied = sum(1 for case in due if take_effect_or_remind(case))
    return {"applied": applied, "waiting": len(due) - applied}


@transaction.atomic
def revert_promotion(
    *, actor: Membership, case: Case, reason: str, lock_version: int | None = None
) -> Case:
    """HR undoes a promotion that took effect: the placement goes back to the level the
    case started from, with the reason in the case's history and the audit log."""
    _refuse_own_case(actor, case, "revert")
    if not manages_promotions(actor):
        raise ValidationError("Only HR reverts a promotion.")
    subject = case.subject
    case = _locked_case(case, lock_version)
    if case.applied_at is None or case.reverted_at is not None:
        raise ValidationError("Only a promotion that took effect can be reverted.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": f"Say why the promotion is reverted: {subject.name} reads it."}
        )
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": f"Keep the reason to {MAX_REASON:,} characters."})
    placement = placement_of(subject)
    if placement is None or placement.level_id != case.target_level_id:
        raise ValidationError(
            f"{subject.name} is no longer at {case.target_level_label}; change their placement "
            "on the placements page."
        )
    version = current_version()
    if version is None or snapshots.find_level(version.snapshot, case.from_level_id) is None:
        raise ValidationError(
            f"{case.from_level_label} is no longer in the published career framework; place "
            f"{subject.name} on the placements page."
        )
    level = Level.objects.select_related("track").get(pk=case.from_level_id)
    record_placement(
        organization=subject.organization,
        actor=actor,
        membership=subject,
        level=level,
        reason=f"Promotion reverted: {reason}",
    )
    case.reverted_at = timezone.now()
    case.reverted_by = actor
    case.revert_reason = reason
    case.lock_version += 1
    case.save(
        update_fields=["reverted_at", "reverted_by", "revert_reason", "lock_version", "updated_at"]
    )
    _event(
        case,
        actor,
        PromotionAction.PROMOTION_REVERTED,
        f"Promotion reverted: {reason}",
        level=[case.target_level_label, case.from_level_label],
        reason=[None, reason],
    )
    _tell_subject(
        case,
        "reverted",
        f"Your move to {case.target_level_label} was reverted",
        f"You are placed at {case.from_level_label} again. {reason}",
    )
    return case
