"""Writes to placements: HR places a person on a published level, and a promotion taking
effect moves them; either way the change is audited and the person told."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from advancement import snapshots
from advancement.audit import FrameworkAction
from advancement.models import Level, Placement
from advancement.selectors.framework import current_version
from advancement.services.framework import career_url
from perfapp.audit.services import record
from perfapp.notifications import services as notifications
from perfapp.orgs.models import Membership

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
            url=career_url(organization, "advancement:next_level"),
        )
    return placement
