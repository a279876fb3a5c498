"""Writes to the career framework: the draft (competencies, tracks, levels, criteria) and
publishing it as a new version."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from advancement import snapshots
from advancement.audit import FrameworkAction
from advancement.models import (
    Competency,
    Criterion,
    FrameworkVersion,
    Level,
    Placement,
    Proposal,
    ProposalStatus,
    Track,
)
from perfapp.audit.services import record
from perfapp.notifications import services as notifications
from perfapp.orgs.models import Membership


def career_url(actor_or_org, name: str = "advancement:index", **kwargs) -> str:
    """A career page of the actor's (or the organization's) organization, for a
    notification's link."""
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
            url=career_url(actor, "advancement:version", number=number),
        )
    return version
