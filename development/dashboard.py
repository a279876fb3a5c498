"""What development plans contribute to the manager's team dashboard
(``perfapp.web.dashboard``): each person's plan status and goals at risk or past their
target date. Registered in ``DevelopmentConfig``."""

from django.db.models import Count, Q

from development.models import DevelopmentPlan, GoalStatus
from development.selectors.plans import OPEN, plan_status
from perfapp.compiled import CompiledQuery
from perfapp.web.dashboard import Attention, Cell, Column, Contribution
from perfapp.web.templatetags.row_urls import row_address

STATUS_TEXT = {
    "none": ("No plan yet", "warning", 0),
    "draft": ("Draft", "", 1),
    "waiting_manager": ("Needs your sign-off", "accent", 2),
    "waiting_owner": ("Waiting for them", "", 3),
    "agreed": ("Agreed", "success", 4),
}


# Every team dashboard reads it for the whole team: compiled once (perfapp/compiled.py).
_plans = CompiledQuery(
    lambda organization_id, member_ids, today: DevelopmentPlan.objects.filter(
        organization_id=organization_id, owner_id__in=member_ids
    ).annotate(
        goals_open=Count("goals", filter=Q(goals__status__in=OPEN), distinct=True),
        goals_at_risk=Count("goals", filter=Q(goals__status=GoalStatus.AT_RISK), distinct=True),
        goals_overdue=Count(
            "goals", filter=Q(goals__status__in=OPEN, goals__target_on__lt=today), distinct=True
        ),
    ),
    params=("organization_id", "member_ids", "today"),
)


class PlanColumns:
    """One query: every plan of the team with its goal counts."""

    key = "growth"
    order = 40
    columns = (
        Column("plan_status", "Plan"),
        Column("goals_at_risk", "Goals at risk", numeric=True),
    )

    def rows(self, members, *, viewer, today):
        found_plans = (
            _plans(
                organization_id=members[0].organization_id,
                member_ids=[person.pk for person in members],
                today=today,
            )
            if members
            else []
        )
        plans = {plan.owner_id: plan for plan in found_plans}
        slug = viewer.organization.slug
        found = {}
        for person in members:
            plan = plans.get(person.pk)
            status = plan_status(plan)
            text, tone, rank = STATUS_TEXT[status]
            url = row_address("development:plan", org_slug=slug, pk=person.pk)
            at_risk = getattr(plan, "goals_at_risk", 0)
            overdue = getattr(plan, "goals_overdue", 0)
            contribution = Contribution(
                cells={
                    "plan_status": Cell(
                        text,
                        sort=rank,
                        tone=tone,
                        detail=f"{plan.goals_open} open goal{'s' * (plan.goals_open != 1)}"
                        if plan
                        else "",
                        url=url,
                    ),
                    "goals_at_risk": Cell(
                        str(at_risk) if plan else "—",
                        sort=at_risk if plan else None,
                        tone="warning" if at_risk else "",
                        detail=f"{overdue} past target" if overdue else "",
                        url=url,
                    ),
                }
            )
            if at_risk or overdue:
                parts = []
                if at_risk:
                    parts.append(f"{at_risk} goal{'s' * (at_risk > 1)} at risk")
                if overdue:
                    parts.append(f"{overdue} past target date")
                contribution.attention.append(Attention("growth.at_risk", ", ".join(parts)))
            found[person.pk] = contribution
        return found
