"""A small published career framework for every test organization."""

from dataclasses import dataclass

from advancement.models import (
    Competency,
    Criterion,
    FrameworkVersion,
    Level,
    Proposal,
    ProposalTarget,
    Track,
)
from advancement.services import framework as framework_services
from advancement.services import placements as placement_services
from advancement.services import proposals as proposal_services


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
        craft = framework_services.save_competency(
            actor=hr, competency=Competency(name=f"Craft {slug}", category="craft")
        )
        teamwork = framework_services.save_competency(
            actor=hr, competency=Competency(name=f"Teamwork {slug}", category="collaboration")
        )
        track = framework_services.save_track(actor=hr, track=Track(name=f"Engineering {slug}"))
        first = framework_services.save_level(
            actor=hr, level=Level(track=track, code="L1", name="Engineer", summary="Learns.")
        )
        second = framework_services.save_level(
            actor=hr, level=Level(track=track, code="L2", name="Senior", summary="Leads.")
        )
        criterion = framework_services.save_criterion(
            actor=hr,
            criterion=Criterion(
                level=first, competency=craft, expectation=f"Ships tested code ({slug})."
            ),
        )
        framework_services.save_criterion(
            actor=hr,
            criterion=Criterion(level=second, competency=craft, expectation="Designs systems."),
        )
        framework_services.save_criterion(
            actor=hr,
            criterion=Criterion(level=second, competency=teamwork, expectation="Mentors others."),
        )
        version = framework_services.publish(actor=hr, summary=f"First framework of {slug}.")
        placement_services.place(actor=hr, membership=world.report, level=first)
        proposal = proposal_services.propose(
            author=world.member,
            target=ProposalTarget.CRITERION,
            obj=criterion,
            proposed_text="Ships tested, observable code.",
            rationale="Observability matters.",
        )
    return FrameworkWorld(craft, teamwork, track, first, second, criterion, version, proposal)
