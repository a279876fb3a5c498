"""Calibration and decisions: moving cases to calibration, notes, deciding."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from advancement import outcomes
from advancement.audit import PromotionAction
from advancement.models import CalibrationNote, Case, CaseState, Decision, Round
from advancement.permissions.promotions import can_calibrate, manages_promotions
from advancement.services.promotions.common import (
    MAX_EFFECT_DAYS,
    MAX_NOTE,
    MAX_RATIONALE,
    _locked_case,
    _refuse_candidate,
    _refuse_closed,
    _refuse_own_case,
    _tell_subject,
    _transition,
)
from advancement.services.promotions.effects import take_effect_or_remind
from perfapp.orgs.models import Membership
from perfapp.timezones import local_today


@transaction.atomic
def move_to_calibration(*, actor: Membership, case: Case, lock_version: int | None = None) -> Case:
    _refuse_own_case(actor, case, "move")
    if not manages_promotions(actor):
        raise ValidationError("Only HR moves cases to calibration.")
    case = _locked_case(case, lock_version)
    _refuse_closed(case.round, "its cases no longer move to calibration")
    _refuse_candidate(actor, case.round, "calibrate its cases")
    if case.state != CaseState.SUBMITTED:
        raise ValidationError(
            f"Only submitted cases move to calibration; this one is {case.get_state_display()}."
        )
    _transition(case, actor, CaseState.CALIBRATION, PromotionAction.CASE_CALIBRATION)
    return case


@transaction.atomic
def move_round_to_calibration(*, actor: Membership, round_: Round) -> int:
    """Every submitted case of the round goes to calibration. Returns how many moved."""
    if not manages_promotions(actor):
        raise ValidationError("Only HR moves cases to calibration.")
    _refuse_closed(round_, "its cases no longer move to calibration")
    _refuse_candidate(actor, round_, "calibrate its cases")
    cases = list(
        Case.objects.select_related("subject__user", "subject__organization").filter(
            round=round_, state=CaseState.SUBMITTED
        )
    )
    for case in cases:
        move_to_calibration(actor=actor, case=case)
    return len(cases)


def _record_decision(
    case: Case,
    actor: Membership,
    *,
    decision: str,
    rationale: str,
    criteria: list[dict],
    effective_on: date | None = None,
    note: str = "",
) -> None:
    """Write a decision on a locked, undecided case: its history, the audit event, the
    registered outcome handlers and the subject's notification."""
    case.decision = decision
    case.rationale = rationale
    case.not_yet_criteria = [c["id"] for c in criteria]
    case.decided_by = actor
    case.decided_at = timezone.now()
    case.effective_on = effective_on if decision == Decision.PROMOTED else None
    changes = {"decision": [None, decision]}
    if case.effective_on is not None:
        changes["effective_on"] = [None, case.effective_on.isoformat()]
    _transition(case, actor, CaseState.DECIDED, PromotionAction.CASE_DECIDED, note, **changes)
    outcomes.dispatch(case, case.subject, criteria)
    label = Decision(decision).label.lower()
    body = "Read the decision and its rationale."
    if case.effective_on is not None:
        body = f"Your new level takes effect on {case.effective_on:%-d %B %Y}. {body}"
    _tell_subject(case, "decided", f"Your case for {case.target_level_label}: {label}", body)


def ensure_may_decide(*, actor: Membership, case: Case) -> None:
    """Raise the reason ``actor`` may not decide ``case`` now, if any: their own case, a
    closed round, a round they are a candidate of, not HR or the calibration group, a case
    already decided or not in calibration. ``decide`` checks it on the locked case; pages
    ask it first so that nobody is shown a form they cannot use."""
    _refuse_own_case(actor, case, "decide")
    _refuse_closed(case.round, "it takes no more decisions")
    _refuse_candidate(actor, case.round, "decide its cases")
    if not can_calibrate(actor, case.round):
        raise ValidationError("Only HR and the round's calibration group decide cases.")
    if case.state == CaseState.DECIDED:
        raise ValidationError("This case is decided; a decision cannot be changed.")
    if case.state != CaseState.CALIBRATION:
        raise ValidationError("Move the case to calibration before deciding it.")


@transaction.atomic
def decide(
    *,
    actor: Membership,
    case: Case,
    decision: str,
    rationale: str,
    not_yet_criteria: Iterable[int] = (),
    effective_on: date | None = None,
    lock_version: int | None,
) -> Case:
    """HR or the calibration group decides a case in calibration, while its round is open.
    A decision is final; "not yet" names the criteria to work on, which registered
    handlers act on; "promoted" takes effect on ``effective_on`` (default: today on the
    organization's calendar): at once when that is today, else on the day."""
    _refuse_own_case(actor, case, "decide")
    rationale = (rationale or "").strip()
    chosen = [int(c) for c in not_yet_criteria]
    case = _locked_case(case, lock_version)
    ensure_may_decide(actor=actor, case=case)
    today = local_today(case.subject.organization)
    errors = {}
    if decision not in Decision.values:
        errors["decision"] = "Choose promoted or not yet."
    if not rationale:
        errors["rationale"] = "Write the rationale: the person reads it with the decision."
    elif len(rationale) > MAX_RATIONALE:
        errors["rationale"] = f"Keep the rationale to {MAX_RATIONALE:,} characters."
    packet_criteria = {c["id"]: c for c in (case.packet or {}).get("criteria", [])}
    if decision == Decision.NOT_YET:
        if not chosen:
            errors["not_yet_criteria"] = "Choose the criteria to work on before the next round."
        elif any(c not in packet_criteria for c in chosen):
            errors["not_yet_criteria"] = "Choose among the criteria of this case's packet."
    elif decision == Decision.PROMOTED:
        chosen = []
        effective_on = effective_on or today
        if effective_on < today:
            errors["effective_on"] = (
                f"Choose today ({today:%-d %B %Y}) or a later day: a promotion takes effect "
                "on or after its decision."
            )
        elif effective_on > today + timedelta(days=MAX_EFFECT_DAYS):
            errors["effective_on"] = "Choose a day within a year of the decision."
    if errors:
        raise ValidationError(errors)
    _record_decision(
        case,
        actor,
        decision=decision,
        rationale=rationale,
        criteria=[packet_criteria[c] for c in dict.fromkeys(chosen)],
        effective_on=effective_on if decision == Decision.PROMOTED else None,
    )
    if case.effective_on is not None and case.effective_on <= today:
        take_effect_or_remind(case)
    return case


def add_note(*, actor: Membership, case: Case, body: str) -> CalibrationNote:
    body = (body or "").strip()
    _refuse_own_case(actor, case, "write calibration notes on")
    _refuse_closed(case.round, "it takes no more calibration notes")
    _refuse_candidate(actor, case.round, "write its calibration notes")
    if not can_calibrate(actor, case.round):
        raise ValidationError("Only HR and the calibration group write calibration notes.")
    if case.state == CaseState.DRAFT:
        raise ValidationError("Notes are for submitted cases.")
    if not body:
        raise ValidationError({"body": "Write the note first."})
    if len(body) > MAX_NOTE:
        raise ValidationError({"body": f"Keep it to {MAX_NOTE:,} characters."})
    return CalibrationNote.objects.create(
        organization=actor.organization, case=case, author=actor, body=body
    )
