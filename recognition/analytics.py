"""Recognition figures for HR analytics (``perfapp.analytics``): the insights' spread
across teams and kinds of contribution, for the analytics filters. Reuses
``recognition.selectors.insights`` so both pages count the same way."""

from dataclasses import dataclass

from django.db.models import QuerySet

from perfapp.analytics.registry import Filters, Row, Table
from perfapp.orgs.models import Membership
from recognition.selectors import insights


@dataclass(frozen=True)
class _FilterScope:
    """The insights' scope interface (``members()``) over the analytics filters."""

    filters: Filters

    def members(self) -> QuerySet[Membership]:
        return self.filters.members()


def recognition_tables(filters: Filters) -> list[Table]:
    scope = _FilterScope(filters)
    teams = insights.spread_by_team(scope, filters.since, filters.until)
    kinds = insights.spread_by_kind(scope, filters.since, filters.until)
    return [
        Table(
            "recognition.by_team",
            "Recognition across teams",
            "People recognized at least once in the range, and those who were not.",
            ["Team", "People", "Recognized", "Not recognized", "Recognitions", "Share"],
            [
                Row(
                    row.name,
                    row.people,
                    [
                        row.people,
                        row.recognized,
                        row.people - row.recognized,
                        row.received,
                        f"{row.share}%",
                    ]
                    if not row.hidden
                    else [row.people, None, None, None, None],  # the core hides the row
                    chart_value=row.share or 0,
                    chart_text=f"{row.share}%",
                )
                for row in teams
            ],
            chart_title="Share of each team recognized",
            chart_top=100,
        ),
        Table(
            "recognition.by_kind",
            "Kinds of contribution recognized",
            "What recognition in the range was for; each kind counts the people it recognized.",
            ["Kind", "People recognized", "Recognitions", "Share"],
            [
                Row(
                    row.name,
                    row.people,
                    [row.people, row.count, f"{row.share}%"],
                    chart_value=row.count,
                    chart_text=str(row.count),
                )
                for row in kinds
            ],
            chart_title="Recognitions per kind of contribution",
        ),
    ]
