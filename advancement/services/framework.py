"""Writes to the career framework: the draft, publishing, placements and proposals."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from perfapp.audit.services import record
from perfapp.notifications import services as notifications
from perfapp.orgs.models import Membership

from . import snapshots
from .audit import FrameworkAction
from .models import (
    Competency,
    Criterion,
    FrameworkVersion,
    Level,
    Placement,
    Proposal,
    ProposalComment,
    ProposalStatus,
    ProposalTarget,
    ProposalVote,
    Track,
)
from .selectors import current_version


def _career_url(actor_or_org, name: str = "advancement:index", **kwargs) -> str:
    organization = getattr(actor_or_org, "organization", actor_or_org)
    return reverse(name, kwargs={"org_slug": organization.slug, **kwargs})


def _full_clean(instance, **kwargs) -> None:
    instance.full_clean(exclude=["organization"], **kwargs)


# --- competencies -------------------------------------------------------------------------


def _check_competency_name(competency: Competency) -> None:
    clash = Competency.objects.filter(
        name__iexact=competency.name.strip(), archived_at__isnull=True
    ).exclude(pk=competency.pk)
    if clash.exists():
        raise ValidationError(
            {"name": f"There is already a competency called “{competency.name}”."}
        )


def save_competency(*, actor: Membership, competency: Competency) -> Competency:
    competency.organization = actor.organization
    competency.name = competency.name.strip()
    if competency.is_archived:
        raise ValidationError("This competency is archived; restore it before editing.")
    _full_clean(competency)
    _check_competency_name(competency)
    competency.save()
    return competency


@transaction.atomic
def archive_competency(*, actor: Membership, competency: Competency) -> int:
    """Archive (never delete): it stays on everything tagged with it and in published
    versions, and its criteria leave the draft. Returns how many criteria left."""
    if competency.is_archived:
        raise ValidationError(f"“{competency.name}” is already archived.")
    removed, _ = Criterion.objects.filter(competency=competency).delete()
    competency.archived_at = timezone.now()
    competency.save(update_fields=["archived_at"])
    return removed


def restore_competency(*, actor: Membership, competency: Competency) -> None:
    if not competency.is_archived:
        raise ValidationError(f"“{competency.name}” is not archived.")
    competency.archived_at = None
    _check_competency_name(competency)
    competency.save(update_fields=["archived_at"])


# --- tracks, levels, criteria ---------------------------------------------------------------


def save_track(*, actor: Membership, track: Track) -> Track:
    track.organization = actor.organization
    track.name = track.name.strip()
    _full_clean(track, validate_constraints=False)
    if Track.objects.filter(name__iexact=track.name).exclude(pk=track.pk).exists():
        raise ValidationError({"name": f"There is already a track called “{track.name}”."})
    track.save()
    return track


def delete_track(*, actor: Membership, track: Track) -> None:
    placed = Placement.objects.filter(track=track).count()
    if placed:
        raise ValidationError(
            f"{placed} {'person is' if placed == 1 else 'people are'} placed on “{track.name}”. "
            "Move them to another track first."
        )
    track.delete()


def save_level(*, actor: Membership, level: Level) -> Level:
    """Add or edit a level. A new level without a rank goes on top of its track."""
    level.organization = actor.organization
    if level.rank is None:
        top = Level.objects.filter(track=level.track).aggregate(top=Max("rank"))["top"]
        level.rank = (top or 0) + 1
    _full_clean(level, validate_constraints=False)
    siblings = Level.objects.filter(track=level.track).exclude(pk=level.pk)
    if siblings.filter(rank=level.rank).exists():
        taken = siblings.get(rank=level.rank)
        raise ValidationError(
            {"rank": f"Position {level.rank} is already taken by {taken}. Choose a free one."}
        )
    if siblings.filter(code__iexact=level.code).exists():
        raise ValidationError({"code": f"The code {level.code} is already used in this track."})
    level.save()
    return level


def delete_level(*, actor: Membership, level: Level) -> None:
    placed = Placement.objects.filter(level=level).count()
    if placed:
        raise ValidationError(
            f"{placed} {'person is' if placed == 1 else 'people are'} placed at {level}. "
            "Move them to another level first."
        )
    level.delete()


def save_criterion(*, actor: Membership, criterion: Criterion) -> Criterion:
    criterion.organization = actor.organization
    competency = criterion.competency
    if competency is not None:
        if competency.organization_id != actor.organization.pk:
            raise ValidationError({"competency": "Choose a competency of this organization."})
        if competency.is_archived:
            raise ValidationError({"competency": f"“{competency.name}” is archived."})
        duplicate = Criterion.objects.filter(level=criterion.level, competency=competency)
        if duplicate.exclude(pk=criterion.pk).exists():
            raise ValidationError(
                {
                    "competency": f"{criterion.level} already has a criterion for "
                    f"{competency.name}; edit that one instead."
                }
            )
    if criterion.pk is None and not criterion.position:
        top = Criterion.objects.filter(level=criterion.level).aggregate(top=Max("position"))["top"]
        criterion.position = (top or 0) + 1
    _full_clean(criterion, validate_constraints=False)
    criterion.save()
    return criterion


def delete_criterion(*, actor: Membership, criterion: Criterion) -> None:
    criterion.delete()


# --- publishing -----------------------------------------------------------------------------


@transaction.atomic
def publish(*, actor: Membership, summary: str) -> FrameworkVersion:
    """Freeze the draft into the next version, with its change log."""
    summary = summary.strip()
    if not summary:
        raise ValidationError({"summary": "Say in a sentence or two what changed and why."})
    latest = FrameworkVersion.objects.select_for_update().order_by("-number").first()
    previous = latest.snapshot if latest else snapshots.EMPTY
    snapshot = snapshots.build_draft_snapshot()
    changes = snapshots.diff(previous, snapshot)
    if not changes:
        raise ValidationError(
            "Nothing changed since the last published version: edit the draft first."
        )
    number = (latest.number if latest else 0) + 1
    try:
        version = FrameworkVersion.objects.create(
            organization=actor.organization,
            number=number,
            summary=summary,
            snapshot=snapshot,
            changes=[change.as_dict() for change in changes],
            published_by=actor,
        )
    except IntegrityError as error:  # someone else published the same number meanwhile
        raise ValidationError("Another version was published meanwhile. Try again.") from error
    folded = list(
        Proposal.objects.select_related("author__user").filter(
            status=ProposalStatus.ACCEPTED, included_in__isnull=True
        )
    )
    Proposal.objects.filter(pk__in=[p.pk for p in folded]).update(included_in=version)
    record(
        organization=actor.organization,
        actor=actor,
        action=FrameworkAction.PUBLISHED,
        target=version,
        target_label=f"Version {number}",
        changes={"changes": [None, len(changes)], "proposals": [None, len(folded)]},
    )
    for proposal in folded:
        notifications.queue(
            recipient=proposal.author,
            kind="career.proposal_published",
            occasion=f"proposal:{proposal.pk}:published",
            title=f"Your proposal is part of version {number} of the career framework",
            body=f"“{proposal.target_label}” now reads as you proposed.",
            url=_career_url(actor, "advancement:version", number=number),
        )
    return version


# --- placements -----------------------------------------------------------------------------


SELF_PLACEMENT = "Nobody changes their own placement: another HR admin or the owner does."


@transaction.atomic
def place(*, actor: Membership, membership: Membership, level: Level | None) -> Placement | None:
    """HR puts a person on a published level (or takes them off any track with ``None``).
    Nobody places themselves."""
    if actor.pk == membership.pk:
        raise ValidationError({"level": SELF_PLACEMENT}, code="own_placement")
    return record_placement(
        organization=actor.organization, actor=actor, membership=membership, level=level
    )


@transaction.atomic
def record_placement(
    *,
    organization,
    actor: Membership | None,
    membership: Membership,
    level: Level | None,
    reason: str = "",
) -> Placement | None:
    """Write a placement, audit it and tell the person: the one way placements change,
    whether HR sets one (``place``) or a promotion takes effect (``actor`` None when
    perfapp applies it on the day; ``reason`` says why, for the audit log)."""
    existing = Placement.objects.select_related("level").filter(membership=membership).first()
    before = str(existing.level) if existing else None
    if level is None:
        if existing is None:
            return None
        existing.delete()
        placement = None
    else:
        version = current_version()
        if version is None or snapshots.find_level(version.snapshot, level.pk) is None:
            raise ValidationError(
                {"level": f"{level} is not published yet. Publish the framework first."}
            )
        placement, _ = Placement.objects.update_or_create(
            membership=membership,
            defaults={
                "organization": organization,
                "track": level.track,
                "level": level,
                "placed_by": actor,
            },
        )
    after = str(level) if level else None
    if before == after:
        return placement
    changes = {"level": [before, after]}
    if reason:
        changes["reason"] = [None, reason]
    record(
        organization=organization,
        actor=actor,
        action=FrameworkAction.PLACEMENT_CHANGED,
        target=membership,
        changes=changes,
    )
    if level is not None:
        notifications.queue(
            recipient=membership,
            kind="career.placement_changed",
            occasion=f"placement:{membership.pk}:{timezone.now().isoformat()}",
            title=f"You are now placed at {level.code} {level.name}",
            body=f"On the track “{level.track.name}”. See what your next level asks for.",
            url=_career_url(organization, "advancement:next_level"),
        )
    return placement


# --- proposals ------------------------------------------------------------------------------


def target_text(target: str, obj) -> tuple[str, str]:
    """(label, wording) of a proposal's target as the draft has it (HR's view)."""
    if target == ProposalTarget.CRITERION:
        subject = obj.competency.name if obj.competency else "A criterion"
        return f"{obj.level.track.name} › {obj.level} › {subject}", obj.expectation
    if target == ProposalTarget.LEVEL:
        return f"{obj.track.name} › {obj}", obj.summary
    return obj.name, obj.description


def published_text(target: str, obj) -> tuple[str, str] | None:
    """(label, wording) of a proposal's target as the current published version has it,
    or None when it is not published. Employees read (and propose against) the published
    framework, never the draft."""
    version = current_version()
    if version is None or obj is None:
        return None
    snapshot = version.snapshot
    if target == ProposalTarget.COMPETENCY:
        competency = snapshot["competencies"].get(str(obj.pk))
        return (competency["name"], competency["description"]) if competency else None
    for track in snapshot["tracks"]:
        for level in track["levels"]:
            where = f"{track['name']} › {level['code']} {level['name']}"
            if target == ProposalTarget.LEVEL and level["id"] == obj.pk:
                return where, level["summary"]
            if target != ProposalTarget.CRITERION:
                continue
            for criterion in level["criteria"]:
                if criterion["id"] == obj.pk:
                    subject = (
                        snapshots.competency_name(snapshot, criterion["competency_id"])
                        if criterion["competency_id"]
                        else "A criterion"
                    )
                    return f"{where} › {subject}", criterion["expectation"]
    return None


# The draft field a proposal's wording replaces, per target.
TARGET_FIELDS = {
    ProposalTarget.CRITERION: (Criterion, "expectation"),
    ProposalTarget.LEVEL: (Level, "summary"),
    ProposalTarget.COMPETENCY: (Competency, "description"),
}


@transaction.atomic
def propose(
    *, author: Membership, target: str, obj, proposed_text: str, rationale: str
) -> Proposal:
    """Any member proposes new wording for a criterion, a level summary or a competency."""
    proposed_text, rationale = proposed_text.strip(), rationale.strip()
    errors = {}
    if not proposed_text:
        errors["proposed_text"] = "Write the text you would like to see."
    if not rationale:
        errors["rationale"] = "Say why: what would the new wording make clearer or fairer?"
    if errors:
        raise ValidationError(errors)
    if obj is None:
        raise ValidationError("That part of the framework no longer exists in the draft.")
    if target == ProposalTarget.COMPETENCY and obj.is_archived:
        raise ValidationError(f"“{obj.name}” is archived, so it can no longer be changed.")
    if target == ProposalTarget.CRITERION and obj.competency and obj.competency.is_archived:
        raise ValidationError(
            f"“{obj.competency.name}” is archived, so it can no longer be changed."
        )
    model, attribute = TARGET_FIELDS[target]
    limit = model._meta.get_field(attribute).max_length
    if len(proposed_text) > limit:
        raise ValidationError(
            {
                "proposed_text": f"Keep it to {limit} characters; this wording has "
                f"{len(proposed_text)}."
            }
        )
    published = published_text(target, obj)
    if published is None:
        raise ValidationError("That part of the framework is not published yet.")
    label, current = published
    if proposed_text == current.strip():
        raise ValidationError({"proposed_text": "That is the current wording. Change something."})
    return Proposal.objects.create(
        organization=author.organization,
        author=author,
        target=target,
        criterion=obj if target == ProposalTarget.CRITERION else None,
        level=obj if target == ProposalTarget.LEVEL else None,
        competency=obj if target == ProposalTarget.COMPETENCY else None,
        target_label=label[:240],
        current_text=current,
        proposed_text=proposed_text,
        rationale=rationale,
    )


def comment(*, author: Membership, proposal: Proposal, body: str) -> ProposalComment:
    body = body.strip()
    if not body:
        raise ValidationError({"body": "Write a comment first."})
    return ProposalComment.objects.create(
        organization=author.organization, proposal=proposal, author=author, body=body
    )


def toggle_vote(*, voter: Membership, proposal: Proposal) -> bool:
    """+1 a proposal, or take the +1 back. Returns whether the person now supports it."""
    if proposal.author_id == voter.pk:
        raise ValidationError("You proposed this; your support is implied.")
    deleted, _ = ProposalVote.objects.filter(proposal=proposal, voter=voter).delete()
    if deleted:
        return False
    ProposalVote.objects.get_or_create(
        organization=voter.organization, proposal=proposal, voter=voter
    )
    return True


@transaction.atomic
def answer(*, actor: Membership, proposal: Proposal, status: str, answer: str) -> Proposal:
    """HR answers every proposal. Accepting writes the proposed text into the draft."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    previous_status = proposal.status
    answer = answer.strip()
    if status not in (ProposalStatus.ACCEPTED, ProposalStatus.DECLINED, ProposalStatus.DISCUSSION):
        raise ValidationError({"status": "Choose accept, decline or needs discussion."})
    if proposal.status in (ProposalStatus.ACCEPTED, ProposalStatus.DECLINED):
        raise ValidationError("This proposal has already been answered.")
    if status in (ProposalStatus.DECLINED, ProposalStatus.DISCUSSION) and not answer:
        raise ValidationError({"answer": "Tell the proposer why, in a sentence or two."})
    if status == ProposalStatus.ACCEPTED:
        _apply_to_draft(proposal)
    proposal.status, proposal.answer = status, answer
    proposal.answered_by, proposal.answered_at = actor, timezone.now()
    proposal.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    record(
        organization=actor.organization,
        actor=actor,
        action=FrameworkAction.PROPOSAL_ANSWERED,
        target=proposal,
        target_label=proposal.target_label,
        changes={"status": [previous_status, status]},
    )
    notifications.queue(
        recipient=proposal.author,
        kind="career.proposal_answered",
        occasion=f"proposal:{proposal.pk}:{status}",
        title=f"HR answered your proposal: {ProposalStatus(status).label.lower()}",
        body=answer or f"Your wording for “{proposal.target_label}” is in the draft.",
        url=_career_url(actor, "advancement:proposal", pk=proposal.pk),
    )
    return proposal


def _apply_to_draft(proposal: Proposal) -> None:
    target = {
        ProposalTarget.CRITERION: (proposal.criterion, "expectation"),
        ProposalTarget.LEVEL: (proposal.level, "summary"),
        ProposalTarget.COMPETENCY: (proposal.competency, "description"),
    }[proposal.target]
    obj, attribute = target
    if obj is None or (proposal.target == ProposalTarget.COMPETENCY and obj.is_archived):
        raise ValidationError(
            "What this proposal changes is no longer in the draft. Decline it with a reason."
        )
    setattr(obj, attribute, proposal.proposed_text)
    obj.save(update_fields=[attribute])
