"""Demo career framework: both templates, two published versions, everyone placed, and a
proposal with a conversation."""

from advancement import track_io
from advancement.models import Criterion, FrameworkVersion, Level, Proposal, ProposalTarget, Track
from advancement.services import framework, placements, proposals
from perfapp.orgs.models import Membership, Organization

IC_LEVEL_FOR_TITLE = {
    "Engineer": "L2",
    "Senior Engineer": "L3",
    "Product Designer": "L2",
    "Analyst": "L1",
    "Specialist": "L2",
}


def seed_framework(organization: Organization, members: list[Membership]) -> None:
    if FrameworkVersion.objects.exists():
        return
    owner, leads, hr = members[0], members[1:4], members[4]
    ladders = track_io.builtin_ladders()
    ic = track_io.import_track(actor=owner, data=ladders["engineering-ic"])
    manager_track = track_io.import_track(actor=owner, data=ladders["people-manager"])
    framework.publish(
        actor=hr,
        summary="The first written career framework: an engineering ladder for individual "
        "contributors and a ladder for people managers, adapted from perfapp's templates.",
    )
    ic_levels = {level.code: level for level in Level.objects.filter(track=ic)}
    manager_levels = {level.code: level for level in Level.objects.filter(track=manager_track)}
    placements.place(actor=hr, membership=owner, level=manager_levels["M4"])
    for lead in leads:
        placements.place(actor=hr, membership=lead, level=manager_levels["M1"])
    for member in members[5:]:
        code = IC_LEVEL_FOR_TITLE.get(member.job_title, "L2")
        placements.place(actor=hr, membership=member, level=ic_levels[code])
    _second_version(ic, members, hr)


def _second_version(ic: Track, members: list[Membership], hr: Membership) -> None:
    """A proposal from an engineer, discussed and accepted, becomes version 2."""
    senior = Level.objects.get(track=ic, code="L3")
    criterion = (
        Criterion.objects.filter(level=senior, competency__name__icontains="mentor").first()
        or Criterion.objects.filter(level=senior).first()
    )
    author, colleague, lead = members[6], members[7], members[1]
    proposal = proposals.propose(
        author=author,
        target=ProposalTarget.CRITERION,
        obj=criterion,
        proposed_text=criterion.expectation.rstrip(".")
        + ", and makes time for it even in busy delivery weeks.",
        rationale="Mentoring is what slips first when a deadline looms. Saying so in the "
        "criterion makes it count for promotion, not only in good weeks.",
    )
    proposals.comment(
        author=colleague,
        proposal=proposal,
        body="Agreed. My best mentor did exactly this during our launch crunch.",
    )
    proposals.toggle_vote(voter=colleague, proposal=proposal)
    proposals.toggle_vote(voter=lead, proposal=proposal)
    proposals.answer(
        actor=hr,
        proposal=proposal,
        status="accepted",
        answer="Thank you: accepted as written; it will be in the next version.",
    )
    open_target = Criterion.objects.filter(level__track=ic, level__code="L4").first()
    if open_target and not Proposal.objects.filter(criterion=open_target).exists():
        proposals.propose(
            author=members[9],
            target=ProposalTarget.CRITERION,
            obj=open_target,
            proposed_text=open_target.expectation.rstrip(".")
            + ", including work that never ships but teaches the team something.",
            rationale="Calculated risks that fail still create value; the criterion should "
            "not only reward what ships.",
        )
    framework.publish(
        actor=hr,
        summary="Mentorship at L3 now explicitly counts in busy weeks too, proposed by "
        f"{author.name} and supported by colleagues.",
    )
