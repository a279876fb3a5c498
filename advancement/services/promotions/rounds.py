"""Promotion rounds: HR saves, closes (deliberately) and reopens them."""

from collections import Counter
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from advancement.audit import PromotionAction
from advancement.models import Case, CaseState, Decision, Round, Track
from advancement.permissions.promotions import manages_promotions
from advancement.selectors.framework import current_version
from advancement.services.promotions.calibration import _record_decision
from advancement.services.promotions.common import (
    MAX_RATIONALE,
    MAX_REASON,
    _names,
    _refuse_candidate,
)
from perfapp.audit.services import record
from perfapp.orgs.models import Membership


@transaction.atomic
def save_round(
    *,
    actor: Membership,
    round_: Round,
    tracks: Iterable[Track],
    calibration_group: Iterable[Membership] = (),
) -> Round:
    """Create or edit a round (HR). Tracks must be on the current published version; the
    calibration group holds none of the round's candidates."""
    if not manages_promotions(actor):
        raise ValidationError("Only HR configures promotion rounds.")
    if round_.closed_at is not None:
        raise ValidationError("This round is closed; it can no longer be changed.")
    if round_.pk is not None:
        _refuse_candidate(actor, round_, "change it")
    round_.organization = actor.organization
    round_.name = (round_.name or "").strip()
    tracks, group = list(tracks), list(calibration_group)
    errors = {}
    if not round_.name:
        errors["name"] = "Give the round a name, e.g. “Spring 2027”."
    if round_.opens_on and round_.closes_on and round_.closes_on < round_.opens_on:
        errors["closes_on"] = (
            f"The round closes before it opens ({round_.opens_on:%-d %B %Y}): choose a day "
            "on or after it."
        )
    version = current_version()
    published = {t["id"] for t in version.snapshot["tracks"]} if version else set()
    if not tracks:
        errors["tracks"] = "Choose at least one track the round covers."
    elif any(track.pk not in published for track in tracks):
        errors["tracks"] = "Choose tracks of the published career framework."
    if any(m.organization_id != actor.organization.pk or not m.is_active for m in group):
        errors["calibration_group"] = "Choose active people of this organization."
    elif round_.pk is not None:
        candidate_ids = set(
            Case.objects.filter(round=round_, subject__in=group).values_list(
                "subject_id", flat=True
            )
        )
        candidates = [m for m in group if m.pk in candidate_ids]
        if candidates:
            errors["calibration_group"] = (
                f"{_names(candidates)} {'have' if len(candidates) > 1 else 'has'} a case in "
                "this round, so they cannot calibrate it. Take them out of the calibration "
                "group."
            )
    if errors:
        raise ValidationError(errors)
    created = round_.pk is None
    if created:
        round_.created_by = actor
        before: set[Membership] = set()
    else:
        before = set(round_.calibration_group.select_related("user"))
    round_.full_clean(exclude=["organization", "created_by", "tracks", "calibration_group"])
    round_.save()
    round_.tracks.set(tracks)
    round_.calibration_group.set(group)
    changes = {
        "window": [None, f"{round_.opens_on:%Y-%m-%d} – {round_.closes_on:%Y-%m-%d}"],
        "tracks": [None, len(tracks)],
        "calibration_group": [len(before) if not created else None, len(group)],
        "created": [None, created],
    }
    added, removed = set(group) - before, before - set(group)
    if added:
        changes["calibration_group_added"] = [None, _names(added)]
    if removed:
        changes["calibration_group_removed"] = [None, _names(removed)]
    record(
        organization=actor.organization,
        actor=actor,
        action=PromotionAction.ROUND_SAVED,
        target=round_,
        changes=changes,
    )
    return round_


def undecided_cases(round_: Round) -> Counter:
    """How many of the round's cases are not decided yet, by state."""
    return Counter(
        Case.objects.filter(round=round_)
        .exclude(state=CaseState.DECIDED)
        .values_list("state", flat=True)
    )


def describe_undecided(counts: Counter) -> str:
    """ "3 cases are not decided yet (1 draft, 2 in calibration)"."""
    total = sum(counts.values())
    parts = [
        f"{counts[state]} {CaseState(state).label.lower()}"
        for state in (CaseState.DRAFT, CaseState.SUBMITTED, CaseState.CALIBRATION)
        if counts[state]
    ]
    return f"{total} case{'s are' if total != 1 else ' is'} not decided yet ({', '.join(parts)})"


@transaction.atomic
def close_round(
    *,
    actor: Membership,
    round_: Round,
    resolve_remaining: bool = False,
    rationale: str = "",
) -> Round:
    """Close a round (HR): no more cases or decisions; the calibration group loses access.
    Refused while cases are undecided, unless ``resolve_remaining`` decides every one of
    them "not yet" with ``rationale`` (which their subjects read)."""
    if not manages_promotions(actor):
        raise ValidationError("Only HR closes promotion rounds.")
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.closed_at is not None:
        raise ValidationError("This round is already closed.")
    _refuse_candidate(actor, round_, "close it")
    rationale = (rationale or "").strip()
    remaining = list(
        Case.objects.select_for_update()
        .select_related("subject__user", "subject__organization")
        .filter(round=round_)
        .exclude(state=CaseState.DECIDED)
        .order_by("id")
    )
    if remaining and not resolve_remaining:
        counts = Counter(case.state for case in remaining)
        raise ValidationError(
            f"{describe_undecided(counts)}. Decide them first, or close the round marking "
            "the remaining cases “not yet”, with a rationale.",
            code="undecided_cases",
        )
    if remaining:
        if not rationale:
            raise ValidationError(
                {
                    "rationale": "Write the rationale the people with remaining cases read "
                    "with their “not yet”."
                }
            )
        if len(rationale) > MAX_RATIONALE:
            raise ValidationError(
                {"rationale": f"Keep the rationale to {MAX_RATIONALE:,} characters."}
            )
    for case in remaining:
        case.round = round_
        _record_decision(
            case,
            actor,
            decision=Decision.NOT_YET,
            rationale=rationale,
            criteria=[],
            note="Decided when the round closed.",
        )
    round_.closed_at = timezone.now()
    round_.save(update_fields=["closed_at"])
    changes: dict[str, list[bool | int | None]] = {"closed": [False, True]}
    if remaining:
        changes["resolved_as_not_yet"] = [None, len(remaining)]
    record(
        organization=actor.organization,
        actor=actor,
        action=PromotionAction.ROUND_CLOSED,
        target=round_,
        changes=changes,
    )
    return round_


@transaction.atomic
def reopen_round(*, actor: Membership, round_: Round, reason: str) -> Round:
    """Reopen a closed round (HR), with the reason kept in the audit log. Decisions stay
    decided; the calibration group reads and decides again; outcomes leave it out until
    it closes again."""
    if not manages_promotions(actor):
        raise ValidationError("Only HR reopens promotion rounds.")
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.closed_at is None:
        raise ValidationError("This round is open already.")
    _refuse_candidate(actor, round_, "reopen it")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the round reopens: the audit log keeps it."})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": f"Keep the reason to {MAX_REASON:,} characters."})
    round_.closed_at = None
    round_.save(update_fields=["closed_at"])
    record(
        organization=actor.organization,
        actor=actor,
        action=PromotionAction.ROUND_REOPENED,
        target=round_,
        changes={"closed": [True, False], "reason": [None, reason]},
    )
    return round_
