"""Goals reached and milestones done, as evidence for the owner's promotion criteria.

A goal marked done is evidence, for the competencies it grows, at the moment it was done;
each milestone done on a goal that grows the competency is too. Evidence is read by the
person, their manager chain and HR (the readiness view, promotion cases), so a goal the
owner kept private shows without its title or milestone names: "A private development
goal reached". Its link leads to the plan, which shows it only to the two people.
"""

from datetime import datetime

from django.db.models import Prefetch

from advancement.evidence import EvidenceItem
from advancement.models import Competency
from perfapp.orgs.models import Membership

from .models import Goal, GoalStatus, GoalVisibility, Milestone
from .plans import plan_url

PRIVATE_GOAL = "A private development goal"


class GoalEvidence:
    key = "development.goals"
    label = "Development goals"

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
            shared = goal.visibility == GoalVisibility.TEAM
            yield EvidenceItem(
                source=self.key,
                kind="goal",
                title=f"Goal reached: {goal.title}" if shared else f"{PRIVATE_GOAL} reached",
                occurred_at=goal.done_at,
                competency_ids=frozenset(c.pk for c in goal.competencies.all()),
                summary=goal.success_criteria[:280] if shared else "",
                url=url,
                ref=f"goal:{goal.pk}",
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
            shared = goal.visibility == GoalVisibility.TEAM
            yield EvidenceItem(
                source=self.key,
                kind="milestone",
                title=(
                    f"Milestone: {milestone.title} ({goal.title})"
                    if shared
                    else f"A milestone of {PRIVATE_GOAL.lower()}"
                ),
                occurred_at=milestone.done_at,
                competency_ids=frozenset(c.pk for c in goal.competencies.all()),
                url=url,
                ref=f"milestone:{milestone.pk}",
            )
