"""Goals reached and milestones done count as evidence for the goal's competencies, for
the plan's owner only; a private goal reads in full only for the plan's two people, and
as a placeholder without its title for everyone else who reads the evidence."""

from datetime import timedelta

from django.utils import timezone

from advancement.evidence import Reader, evidence_for, read_by
from development.evidence import PLAN_PAIR, SHARED, GoalEvidence
from development.models import Goal
from development.services import plans


def test_goals_done_and_milestones_are_evidence_for_their_competencies(world_a):
    world = world_a
    craft, teamwork = world.framework.competency, world.framework.other_competency
    now = timezone.now()
    year = (now - timedelta(days=365), now + timedelta(minutes=1))
    with world.scope():
        assert not [
            i
            for i in evidence_for(world.report, {teamwork.pk}, *year)
            if i.source == "development.goals"
        ]
        shared = Goal.objects.select_related("plan").get(pk=world.plans.shared_goal.pk)
        shared.plan.owner = world.report
        plans.set_goal_status(actor=world.report, goal=shared, status="done")
        private = Goal.objects.select_related("plan").get(pk=world.plans.goal.pk)
        private.plan.owner = world.report
        plans.set_milestone_done(actor=world.report, milestone=world.plans.milestone, done=True)

        items = [
            i
            for i in evidence_for(world.report, {craft.pk, teamwork.pk}, *year)
            if i.source == GoalEvidence.key
        ]
        by_kind = {i.kind: i for i in items}
        assert set(by_kind) == {"goal", "milestone"}
        assert by_kind["goal"].title == f"Goal reached: {shared.title}"
        assert by_kind["goal"].competency_ids == frozenset({craft.pk})
        assert by_kind["goal"].audience == SHARED
        milestone = by_kind["milestone"]
        assert milestone.competency_ids == frozenset({teamwork.pk})
        assert private.title in milestone.title and milestone.audience == PLAN_PAIR
        assert milestone.url.endswith(f"/growth/plans/{world.report.pk}/")
        for viewer in (world.report, world.manager):
            assert read_by(milestone, Reader(viewer, world.report)) == milestone
        for viewer in (world.hr, world.owner):  # the owner is the skip-level
            seen = read_by(milestone, Reader(viewer, world.report))
            assert private.title not in seen.title and seen.url == ""
            assert seen.title == (
                "A milestone of a development goal, shared with "
                f"{world.report.name} and their manager"
            )
            assert read_by(by_kind["goal"], Reader(viewer, world.report)).redacted is False

        # Only for those competencies, that person and that period.
        assert [
            i.kind
            for i in evidence_for(world.report, {craft.pk}, *year)
            if i.source == GoalEvidence.key
        ] == ["goal"]
        assert not [
            i
            for i in evidence_for(world.manager, {craft.pk}, *year)
            if i.source == GoalEvidence.key
        ]
        later = (now + timedelta(days=1), now + timedelta(days=2))
        assert not [
            i
            for i in evidence_for(world.report, {craft.pk}, *later)
            if i.source == GoalEvidence.key
        ]

        # A private goal done: evidence too, without its title outside the plan's pair.
        plans.set_goal_status(actor=world.manager, goal=private, status="done")
        found = evidence_for(world.report, {teamwork.pk}, *year)
        titles = [read_by(i, Reader(world.hr, world.report)).title for i in found]
        assert (
            f"A development goal reached, shared with {world.report.name} and their manager"
            in titles
        )
        assert not any(private.title in title for title in titles)
