"""Goals reached and milestones done count as evidence for the goal's competencies, for
the plan's owner only; a private goal shows without its title."""

from datetime import timedelta

from django.utils import timezone

from advancement.evidence import evidence_for
from development import plans
from development.evidence import GoalEvidence
from development.models import Goal


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
        milestone = by_kind["milestone"]
        assert milestone.competency_ids == frozenset({teamwork.pk})
        assert private.title not in milestone.title and "private" in milestone.title
        assert milestone.url.endswith(f"/growth/plans/{world.report.pk}/")

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

        # A private goal done: evidence too, without its title.
        plans.set_goal_status(actor=world.manager, goal=private, status="done")
        titles = [i.title for i in evidence_for(world.report, {teamwork.pk}, *year)]
        assert "A private development goal reached" in titles
        assert not any(private.title in title for title in titles)
