"""A small published career framework for every test organization."""

from dataclasses import dataclass

from advancement import services
from advancement.models import (
    Competency,
    Criterion,
    FrameworkVersion,
    Level,
    Proposal,
    ProposalTarget,
    Track,
)


@dataclass
class FrameworkWorld:
    competency: Competency
    other_competency: Competency
    track: Track
    level: Level
    next_level: Level
    criterion: Criterion
    version: FrameworkVersion
    proposal: Proposal


def build_framework(world) -> FrameworkWorld:
    """Track "Engineering" with L1 and L2, two competencies, version 1 published, the
    report placed at L1, and an open proposal by the member."""
    slug = world.organization.slug
    hr = world.hr
    with world.scope():
        craft = services.save_competency(
            actor=hr, competency=Competency(name=f"Craft {slug}", category="craft")
        )
        teamwork = services.save_competency(
            actor=hr, competency=Competency(name=f"Teamwork {slug}", category="collaboration")
        )
        track = services.save_track(actor=hr, track=Track(name=f"Engineering {slug}"))
        first = services.save_level(
            actor=hr, level=Level(track=track, code="L1", name="Engineer", summary="Learns.")
        )
        second = services.save_level(
            actor=hr, level=Level(track=track, code="L2", name="Senior", summary="Leads.")
        )
        criterion = services.save_criterion(
            actor=hr,
            criterion=Criterion(
                level=first, competency=craft, expectation=f"Ships tested code ({slug})."
            ),
        )
        services.save_criterion(
            actor=hr,
            criterion=Criterion(level=second, competency=craft, expectation="Designs systems."),
        )
        services.save_criterion(
            actor=hr,
            criterion=Criterion(level=second, competency=teamwork, expectation="Mentors others."),
        )
        version = services.publish(actor=hr, summary=f"First framework of {slug}.")
        services.place(actor=hr, membership=world.report, level=first)
        proposal = services.propose(
            author=world.member,
            target=ProposalTarget.CRITERION,
            obj=criterion,
            proposed_text="Ships tested, observable code.",
            rationale="Observability matters.",
        )
    return FrameworkWorld(craft, teamwork, track, first, second, criterion, version, proposal)
