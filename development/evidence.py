"""Goals reached and milestones done, as evidence for the owner's promotion criteria.

A goal marked done is evidence, for the competencies it grows, at the moment it was done;
each milestone done on a goal that grows the competency is too. Evidence is read by the
person, their manager chain, HR and a calibration group (the readiness view, promotion
cases), so each item carries the goal's own audience (``permissions.can_see_goal``): a
private goal its plan's two people, the owner and their manager; a goal shared with the
team also the team, the reporting line and HR. Anyone else reads a placeholder without
its title or milestone names: "A development goal reached, shared with Sam and their
manager".
"""

from datetime import datetime

from django.db.models import Prefetch

from advancement.evidence import Audience, EvidenceItem, Placeholder
from advancement.models import Competency
from development.models import Goal, GoalStatus, GoalVisibility, Milestone
from development.services.plans import plan_url
from perfapp.orgs.models import Membership
from perfapp.orgs.roles import Permission

PRIVATE_GOAL = "A private development goal"
PLAN_PAIR = Audience(subject=True, manager=True)  # a private goal: "You and your manager"
SHARED = Audience(
    subject=True, manager=True, chain=True, team=True, permission=Permission.MANAGE_GROWTH
)


def goal_audience(goal: Goal) -> Audience:
    return SHARED if goal.visibility == GoalVisibility.TEAM else PLAN_PAIR


class GoalEvidence:
    key = "development.goals"
    label = "Development goals"
    # Frozen before items carried their audience: private goals were frozen without their
    # titles already; shared ones stay with the plan's two people, to be safe.
    frozen_audience = PLAN_PAIR

    def placeholder(self, item: EvidenceItem) -> Placeholder:
        if item.kind == "milestone":
            return Placeholder("milestone", "A milestone of a development goal")
        return Placeholder("goal", "A development goal reached")

    def items(
        self, *, subject: Membership, competency_ids: set[int], since: datetime, until: datetime
    ):
        """Two queries (plus one for competencies), whatever the number of goals."""
        if not competency_ids:
            return
        through = Goal.competencies.through
        tagged = through.objects.filter(competency_id__in=competency_ids).values("goal_id")
        competencies = Prefetch("competencies", queryset=Competency.objects.only("id"))
        url = plan_url(subject)
        goals = (
            Goal.objects.filter(
                plan__owner=subject,
                status=GoalStatus.DONE,
                done_at__range=(since, until),
                pk__in=tagged,
            )
            .prefetch_related(competencies)
            .order_by("-done_at", "-id")
        )
        for goal in goals:
            yield EvidenceItem(
                source=self.key,
                kind="goal",
                title=f"Goal reached: {goal.title}",
                occurred_at=goal.done_at,
                competency_ids=frozenset(c.pk for c in goal.competencies.all()),
                summary=goal.success_criteria[:280],
                url=url,
                ref=f"goal:{goal.pk}",
                audience=goal_audience(goal),
            )
        milestones = (
            Milestone.objects.filter(
                goal__plan__owner=subject,
                done_at__range=(since, until),
                goal_id__in=tagged,
            )
            .exclude(goal__status=GoalStatus.DROPPED)
            .select_related("goal")
            .prefetch_related(
                Prefetch("goal__competencies", queryset=Competency.objects.only("id"))
            )
            .order_by("-done_at", "-id")
        )
        for milestone in milestones:
            goal = milestone.goal
            yield EvidenceItem(
                source=self.key,
                kind="milestone",
                title=f"Milestone: {milestone.title} ({goal.title})",
                occurred_at=milestone.done_at,
                competency_ids=frozenset(c.pk for c in goal.competencies.all()),
                url=url,
                ref=f"milestone:{milestone.pk}",
                audience=goal_audience(goal),
            )
