"""Writes for promotion rounds, cases, endorsements, calibration notes and decisions.

A case moves draft → submitted → in calibration → decided. Every transition writes a
``CaseEvent`` (the case's own history) and an audit event. Submitting freezes the readiness
view into ``Case.packet``; from then on calibration and the decision judge the packet, not
the live evidence. Forms carry the case's ``lock_version``: a write based on a case that
changed meanwhile is refused with nothing changed. Bad input raises ``ValidationError``
before anything is written.
"""

from collections.abc import Iterable
from datetime import date
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone

from perfapp.audit.services import record
from perfapp.notifications import services as notifications
from perfapp.orgs.models import Membership

from . import outcomes, snapshots
from .models import FrameworkVersion, Track
from .promotion_models import (
    CalibrationNote,
    Case,
    CaseEvent,
    CaseState,
    Decision,
    Endorsement,
    Round,
)
from .promotion_permissions import can_calibrate, can_edit_case, manages_promotions
from .selectors import current_version, placement_of

MAX_SUMMARY = 5000
MAX_RATIONALE = 5000
MAX_ENDORSEMENT = 3000
MAX_NOTE = 3000
STALE = "This case changed meanwhile. Here it is as it is now; apply your change again."


class PromotionAction(models.TextChoices):
    """Audited promotion changes (registered in ``promotion_setup``). They name rounds,
    people and states, never a summary, rationale or endorsement."""

    ROUND_SAVED = "promotion.round_saved", "Promotion round saved"
    ROUND_CLOSED = "promotion.round_closed", "Promotion round closed"
    CASE_OPENED = "promotion.case_opened", "Promotion case opened"
    CASE_REFRESHED = "promotion.case_refreshed", "Promotion case moved to a new version"
    CASE_SUBMITTED = "promotion.case_submitted", "Promotion case submitted"
    CASE_CALIBRATION = "promotion.case_calibration", "Promotion case moved to calibration"
    CASE_DECIDED = "promotion.case_decided", "Promotion case decided"


# (key, label, description), registered in ``promotion_setup``.
NOTIFICATION_KINDS = (
    (
        "career.promotion_case",
        "Your promotion case",
        "A case for your promotion was opened, submitted or decided.",
    ),
    (
        "career.endorsement_requested",
        "Endorsement requests",
        "A colleague asks you to endorse someone's promotion case.",
    ),
)


# --- helpers ----------------------------------------------------------------------------------


def today_for(person: Membership) -> date:
    return timezone.now().astimezone(ZoneInfo(person.effective_time_zone)).date()


def case_url(case: Case) -> str:
    return reverse(
        "advancement:promotion_case",
        kwargs={"org_slug": case.subject.organization.slug, "pk": case.pk},
    )


def _locked_case(case: Case, lock_version: int | None) -> Case:
    """The case row locked for this transaction; refused when it moved past the version
    the person's form started from."""
    locked = Case.objects.select_for_update().select_related("round").get(pk=case.pk)
    locked.subject = case.subject
    if lock_version is not None and locked.lock_version != lock_version:
        raise ValidationError(STALE, code="stale")
    return locked


def _transition(
    case: Case, actor: Membership | None, to_state: str, action: str, note: str = "", **changes
) -> None:
    """Write the case's new state, its history row and the audit event."""
    from_state = case.state
    case.state = to_state
    case.lock_version += 1
    case.save()
    CaseEvent.objects.create(
        organization_id=case.organization_id,
        case=case,
        actor=actor,
        from_state=from_state if from_state != to_state else "",
        to_state=to_state,
        note=note[:2000],
    )
    record(
        organization=case.subject.organization,
        actor=actor,
        action=action,
        target=case,
        target_label=f"{case.subject.name} → {case.target_level_label}",
        changes={"state": [from_state, to_state], **changes},
    )


def _tell_subject(case: Case, occasion: str, title: str, body: str = "") -> None:
    if case.subject.is_active:
        notifications.queue(
            recipient=case.subject,
            kind="career.promotion_case",
            occasion=f"case:{case.pk}:{occasion}",
            title=title,
            body=body,
            url=case_url(case),
        )


# --- rounds -----------------------------------------------------------------------------------


@transaction.atomic
def save_round(
    *,
    actor: Membership,
    round_: Round,
    tracks: Iterable[Track],
    calibration_group: Iterable[Membership] = (),
) -> Round:
    """Create or edit a round (HR). Tracks must be on the current published version."""
    if not manages_promotions(actor):
        raise ValidationError("Only HR configures promotion rounds.")
    if round_.closed_at is not None:
        raise ValidationError("This round is closed; it can no longer be changed.")
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
    if errors:
        raise ValidationError(errors)
    created = round_.pk is None
    if created:
        round_.created_by = actor
    round_.full_clean(exclude=["organization", "created_by", "tracks", "calibration_group"])
    round_.save()
    round_.tracks.set(tracks)
    round_.calibration_group.set(group)
    record(
        organization=actor.organization,
        actor=actor,
        action=PromotionAction.ROUND_SAVED,
        target=round_,
        changes={
            "window": [None, f"{round_.opens_on:%Y-%m-%d} – {round_.closes_on:%Y-%m-%d}"],
            "tracks": [None, len(tracks)],
            "calibration_group": [None, len(group)],
            "created": [None, created],
        },
    )
    return round_


@transaction.atomic
def close_round(*, actor: Membership, round_: Round) -> Round:
    """Close a round (HR): no more cases or decisions; the calibration group loses access."""
    if not manages_promotions(actor):
        raise ValidationError("Only HR closes promotion rounds.")
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.closed_at is not None:
        raise ValidationError("This round is already closed.")
    round_.closed_at = timezone.now()
    round_.save(update_fields=["closed_at"])
    record(
        organization=actor.organization,
        actor=actor,
        action=PromotionAction.ROUND_CLOSED,
        target=round_,
        changes={"closed": [False, True]},
    )
    return round_


def round_is_open(round_: Round, person: Membership) -> bool:
    today = today_for(person)
    return round_.closed_at is None and round_.opens_on <= today <= round_.closes_on


def may_nominate(actor: Membership, subject: Membership, round_: Round) -> bool:
    if actor.pk == subject.pk:
        return round_.allow_self_nomination
    return subject.manager_id == actor.pk


# --- cases ------------------------------------------------------------------------------------


def _target_of(subject: Membership, version: FrameworkVersion) -> tuple[dict, dict, dict]:
    """(track, current level, next level) of the subject in ``version``'s snapshot."""
    placement = placement_of(subject)
    found = snapshots.find_level(version.snapshot, placement.level_id) if placement else None
    if found is None:
        raise ValidationError(
            f"{subject.name} is not placed on a published level; HR places people first."
        )
    track, level = found
    target = snapshots.next_level(track, level)
    if target is None:
        raise ValidationError(
            f"{subject.name} is at the top of “{track['name']}”: there is no next level."
        )
    return track, level, target


def _apply_target(case: Case, version: FrameworkVersion, track, level, target) -> None:
    case.version = version
    case.track_id, case.track_name = track["id"], track["name"]
    case.from_level_id = level["id"]
    case.from_level_label = f"{level['code']} {level['name']}"
    case.target_level_id = target["id"]
    case.target_level_label = f"{target['code']} {target['name']}"
    case.target_rank = target["rank"]


@transaction.atomic
def open_case(
    *,
    actor: Membership,
    round_: Round,
    subject: Membership,
    target_level_id: int | None = None,
    summary: str = "",
) -> Case:
    """The subject's manager (or the subject, where the round allows) opens a case for the
    next level during the round's window."""
    summary = (summary or "").strip()
    if subject.organization_id != actor.organization.pk or not subject.is_active:
        raise ValidationError({"subject": "Choose an active person of this organization."})
    if not may_nominate(actor, subject, round_):
        if actor.pk == subject.pk:
            raise ValidationError("This round does not take self-nominations; ask your manager.")
        raise ValidationError(
            {"subject": f"Only {subject.name}'s manager can nominate them in this round."}
        )
    if not round_is_open(round_, actor):
        raise ValidationError(
            f"“{round_.name}” takes nominations from {round_.opens_on:%-d %B} to "
            f"{round_.closes_on:%-d %B %Y}" + (" and is closed." if round_.closed_at else ".")
        )
    version = current_version()
    if version is None:
        raise ValidationError("No version of the career framework has been published yet.")
    track, level, target = _target_of(subject, version)
    if not round_.tracks.filter(pk=track["id"]).exists():
        raise ValidationError(f"“{round_.name}” does not cover the track “{track['name']}”.")
    target_label = f"{target['code']} {target['name']}"
    if target_level_id is not None and target_level_id != target["id"]:
        raise ValidationError(
            {
                "target_level": f"A case is for the next level only: {subject.name} is at "
                f"{level['code']} {level['name']}, so the case is for {target_label}."
            }
        )
    if len(summary) > MAX_SUMMARY:
        raise ValidationError({"summary": f"Keep the summary to {MAX_SUMMARY:,} characters."})
    if Case.objects.filter(round=round_, subject=subject).exists():
        raise ValidationError(f"{subject.name} already has a case in “{round_.name}”.")
    case = Case(
        organization=actor.organization,
        round=round_,
        subject=subject,
        nominator=actor,
        self_nominated=actor.pk == subject.pk,
        summary=summary,
    )
    _apply_target(case, version, track, level, target)
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError as error:  # opened by someone else meanwhile
        raise ValidationError(f"{subject.name} already has a case in “{round_.name}”.") from error
    case.subject = subject
    case.round = round_
    _transition(case, actor, CaseState.DRAFT, PromotionAction.CASE_OPENED)
    if actor.pk != subject.pk:
        _tell_subject(
            case,
            "opened",
            f"{actor.name} nominated you for {target_label}",
            f"In “{round_.name}”. You can follow the case as it moves on.",
        )
    return case


def _require_editor(actor: Membership, case: Case) -> None:
    if case.state == CaseState.DECIDED:
        raise ValidationError("This case is decided; it can no longer be changed.")
    if case.state != CaseState.DRAFT:
        raise ValidationError(
            f"This case is {case.get_state_display().lower()}; only a draft can be changed."
        )
    if not can_edit_case(actor, case):
        raise ValidationError("Only the nominator or the person's manager changes the case.")


@transaction.atomic
def save_summary(*, actor: Membership, case: Case, summary: str, lock_version: int | None) -> Case:
    summary = (summary or "").strip()
    case = _locked_case(case, lock_version)
    _require_editor(actor, case)
    if len(summary) > MAX_SUMMARY:
        raise ValidationError({"summary": f"Keep the summary to {MAX_SUMMARY:,} characters."})
    case.summary = summary
    case.lock_version += 1
    case.save(update_fields=["summary", "lock_version", "updated_at"])
    return case


@transaction.atomic
def refresh_version(*, actor: Membership, case: Case, lock_version: int | None) -> Case:
    """Re-target a draft to the current published version (the next level as it now
    stands). Needed before submitting once a new version was published."""
    case = _locked_case(case, lock_version)
    _require_editor(actor, case)
    version = current_version()
    if version is None or version.pk == case.version_id:
        raise ValidationError("The case already uses the current version of the framework.")
    before = case.target_level_label
    track, level, target = _target_of(case.subject, version)
    if not case.round.tracks.filter(pk=track["id"]).exists():
        raise ValidationError(f"“{case.round.name}” does not cover the track “{track['name']}”.")
    _apply_target(case, version, track, level, target)
    _transition(
        case,
        actor,
        CaseState.DRAFT,
        PromotionAction.CASE_REFRESHED,
        note=f"Moved to version {version.number} of the framework.",
        version=[None, version.number],
        target=[before, case.target_level_label],
    )
    return case


def stale_version(case: Case) -> FrameworkVersion | None:
    """The newer published version a draft must move to before it is submitted, if any."""
    version = current_version()
    if version is not None and version.pk != case.version_id and case.state == CaseState.DRAFT:
        return version
    return None


@transaction.atomic
def submit_case(*, actor: Membership, case: Case, lock_version: int | None) -> Case:
    """Freeze the readiness view into the packet and hand the case to calibration."""
    from .readiness import readiness_packet  # part of the readiness view, built alongside

    case = _locked_case(case, lock_version)
    _require_editor(actor, case)
    newer = stale_version(case)
    if newer is not None:
        raise ValidationError(
            f"The career framework changed since this case was opened (now version "
            f"{newer.number}). Refresh the case to version {newer.number}, check its target "
            "level, then submit.",
            code="stale_version",
        )
    if not round_is_open(case.round, actor):
        raise ValidationError(f"“{case.round.name}” no longer takes submissions.")
    packet = readiness_packet(case.subject, viewer=actor)
    totals = packet.get("totals", {})
    if not case.summary.strip() and not totals.get("evidence"):
        raise ValidationError(
            "There is nothing to judge yet: write the nominator's summary or gather at least "
            "one piece of evidence before submitting."
        )
    case.packet = packet
    case.criteria_total = totals.get("criteria", 0)
    case.criteria_with_evidence = totals.get("criteria_with_evidence", 0)
    case.evidence_count = totals.get("evidence", 0)
    case.assessment_gaps = totals.get("assessment_gaps", 0)
    case.submitted_at = timezone.now()
    _transition(case, actor, CaseState.SUBMITTED, PromotionAction.CASE_SUBMITTED)
    _tell_subject(
        case,
        "submitted",
        f"Your case for {case.target_level_label} is submitted",
        "It now goes to calibration. You will be told the decision.",
    )
    return case


@transaction.atomic
def move_to_calibration(*, actor: Membership, case: Case, lock_version: int | None = None) -> Case:
    if not manages_promotions(actor):
        raise ValidationError("Only HR moves cases to calibration.")
    case = _locked_case(case, lock_version)
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
    cases = list(
        Case.objects.select_related("subject__user", "subject__organization").filter(
            round=round_, state=CaseState.SUBMITTED
        )
    )
    for case in cases:
        move_to_calibration(actor=actor, case=case)
    return len(cases)


@transaction.atomic
def decide(
    *,
    actor: Membership,
    case: Case,
    decision: str,
    rationale: str,
    not_yet_criteria: Iterable[int] = (),
    lock_version: int | None,
) -> Case:
    """HR or the calibration group decides a case in calibration. A decision is final;
    "not yet" names the criteria to work on, which registered handlers act on."""
    rationale = (rationale or "").strip()
    chosen = [int(c) for c in not_yet_criteria]
    case = _locked_case(case, lock_version)
    if not can_calibrate(actor, case.round):
        raise ValidationError("Only HR and the round's calibration group decide cases.")
    if case.state == CaseState.DECIDED:
        raise ValidationError("This case is decided; a decision cannot be changed.")
    if case.state != CaseState.CALIBRATION:
        raise ValidationError("Move the case to calibration before deciding it.")
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
    if errors:
        raise ValidationError(errors)
    case.decision = decision
    case.rationale = rationale
    case.not_yet_criteria = chosen
    case.decided_by = actor
    case.decided_at = timezone.now()
    _transition(
        case,
        actor,
        CaseState.DECIDED,
        PromotionAction.CASE_DECIDED,
        decision=[None, decision],
    )
    outcomes.dispatch(case, case.subject, [packet_criteria[c] for c in chosen])
    label = Decision(decision).label.lower()
    _tell_subject(
        case,
        "decided",
        f"Your case for {case.target_level_label}: {label}",
        "Read the decision and its rationale.",
    )
    return case


# --- endorsements and notes -----------------------------------------------------------------


@transaction.atomic
def request_endorsement(*, actor: Membership, case: Case, endorser: Membership) -> Endorsement:
    _require_editor(actor, case)
    if endorser.organization_id != actor.organization.pk or not endorser.is_active:
        raise ValidationError({"endorser": "Choose an active colleague of this organization."})
    if endorser.pk == case.subject_id:
        raise ValidationError({"endorser": "People do not endorse their own case."})
    if Endorsement.objects.filter(case=case, endorser=endorser).exists():
        raise ValidationError({"endorser": f"{endorser.name} was already asked."})
    endorsement = Endorsement.objects.create(
        organization=actor.organization, case=case, endorser=endorser, requested_by=actor
    )
    notifications.queue(
        recipient=endorser,
        kind="career.endorsement_requested",
        occasion=f"endorsement:{endorsement.pk}",
        title=f"{actor.name} asks you to endorse {case.subject.name}",
        body=f"For {case.target_level_label}. A few sentences from what you saw first-hand.",
        url=reverse(
            "advancement:promotion_endorsement",
            kwargs={"org_slug": actor.organization.slug, "pk": endorsement.pk},
        ),
    )
    return endorsement


@transaction.atomic
def write_endorsement(*, actor: Membership, endorsement: Endorsement, body: str) -> Endorsement:
    body = (body or "").strip()
    if actor.pk != endorsement.endorser_id:
        raise ValidationError("Only the person asked writes this endorsement.")
    if endorsement.case.state == CaseState.DECIDED:
        raise ValidationError("This case is decided; endorsements can no longer be changed.")
    if not body:
        raise ValidationError({"body": "Write the endorsement first."})
    if len(body) > MAX_ENDORSEMENT:
        raise ValidationError({"body": f"Keep it to {MAX_ENDORSEMENT:,} characters."})
    endorsement.body = body
    endorsement.submitted_at = timezone.now()
    endorsement.save(update_fields=["body", "submitted_at"])
    return endorsement


def add_note(*, actor: Membership, case: Case, body: str) -> CalibrationNote:
    body = (body or "").strip()
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
