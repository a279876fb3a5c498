"""Development plan coverage for HR analytics (``perfapp.analytics``): per team, who
has a plan, how many are agreed, and how many were reviewed in the range. One query."""

from django.db.models import Count, Q

from development.models import DevelopmentPlan, PlanStatus
from perfapp.analytics.registry import Filters, Row, Table, percent, team_rows


def plan_tables(filters: Filters) -> list[Table]:
    found = {
        row["owner__team_id"]: row
        for row in DevelopmentPlan.objects.filter(owner__in=filters.members())
        .values("owner__team_id")
        .annotate(
            plans=Count("id"),
            agreed=Count("id", filter=Q(status=PlanStatus.AGREED)),
            reviewed=Count(
                "id",
                filter=Q(last_reviewed_at__gte=filters.since, last_reviewed_at__lt=filters.until),
            ),
        )
        .order_by()
    }

    def build(team_id, name, people) -> Row:
        row = found.get(team_id, {})
        plans, agreed = row.get("plans", 0), row.get("agreed", 0)
        share = percent(agreed, people)
        return Row(
            name,
            people,
            [people, plans, agreed, row.get("reviewed", 0), f"{share}%"],
            chart_value=share,
            chart_text=f"{share}%",
        )

    return [
        Table(
            "plans.coverage",
            "Development plan coverage",
            "People with a plan, with a plan agreed with their manager, and whose plan was "
            "last reviewed in the range. Plan content is never shown here.",
            ["Team", "People", "With a plan", "Agreed", "Reviewed in range", "Agreed share"],
            team_rows(filters, build),
            chart_title="Share of each team with an agreed plan",
            chart_top=100,
        )
    ]
