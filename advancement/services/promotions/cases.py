"""Promotion cases before calibration: nominating, the draft, submitting, endorsements."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from advancement import snapshots
from advancement.audit import PromotionAction
from advancement.models import Case, CaseState, Endorsement, FrameworkVersion, Round
from advancement.permissions.promotions import can_edit_case, in_calibration_group
from advancement.selectors.framework import current_version
from advancement.selectors.placements import placement_of
from advancement.services.promotions.common import (
    MAX_ENDORSEMENT,
    MAX_SUMMARY,
    _clash_message,
    _locked_case,
    _open_case_clash,
    _refuse_own_case,
    _tell_subject,
    _transition,
    may_nominate,
    round_is_open,
)
from perfapp.notifications import services as notifications
from perfapp.orgs.models import Membership


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
    if in_calibration_group(subject, round_):
        raise ValidationError(
            {
                "subject": f"{subject.name} calibrates “{round_.name}”, so they cannot have a "
                "case in it. HR takes them out of its calibration group first."
            },
            code="calibrator",
        )
    clash = _open_case_clash(subject, target["id"])
    if clash is not None:
        raise ValidationError(_clash_message(subject, clash), code="open_case")
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
        raise ValidationError(
            f"{subject.name} already has an open case for {target_label}.", code="open_case"
        ) from error
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
    clash = _open_case_clash(case.subject, target["id"], exclude=case.pk)
    if clash is not None:
        raise ValidationError(_clash_message(case.subject, clash), code="open_case")
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
    # Part of the readiness view, built alongside it.
    from advancement.selectors.readiness import readiness_packet

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
def request_endorsement(*, actor: Membership, case: Case, endorser: Membership) -> Endorsement:
    if endorser.pk == case.subject_id:
        raise ValidationError({"endorser": "People do not endorse their own case."})
    _require_editor(actor, case)
    if endorser.organization_id != actor.organization.pk or not endorser.is_active:
        raise ValidationError({"endorser": "Choose an active colleague of this organization."})
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
    _refuse_own_case(actor, endorsement.case, "endorse")
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
