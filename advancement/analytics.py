"""Readiness by level for HR analytics (``perfapp.analytics``): how many people are
placed at each level and how many readiness assessments were completed there in the
range (the level the person stood at when the assessment started). Three queries."""

from django.db.models import Count

from advancement.models import Assessment, Level, Placement
from perfapp.analytics.registry import Filters, Row, Table


def readiness_tables(filters: Filters) -> list[Table]:
    placed = dict(
        Placement.objects.filter(membership__in=filters.members())
        .values("level_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("level_id", "n")
    )
    assessed = {
        row["level_id"]: row
        for row in Assessment.objects.filter(
            subject__in=filters.members(),
            completed_at__gte=filters.since,
            completed_at__lt=filters.until,
        )
        .values("level_id")
        .annotate(done=Count("id"), people=Count("subject_id", distinct=True))
        .order_by()
    }
    levels = Level.objects.filter(pk__in=set(placed) | set(assessed)).select_related("track")
    rows = []
    for level in sorted(levels, key=lambda lv: (lv.track.name.lower(), lv.rank)):
        people = placed.get(level.pk, 0)
        done = assessed.get(level.pk, {}).get("done", 0)
        rows.append(
            Row(
                f"{level.code} {level.name} ({level.track.name})",
                # An assessed level nobody stands at any more still describes those people.
                max(people, assessed.get(level.pk, {}).get("people", 0)),
                [people, done],
                chart_value=people,
                chart_text=str(people),
            )
        )
    return [
        Table(
            "readiness.by_level",
            "Placements and readiness by level",
            "People placed at each level of the career framework, and readiness assessments "
            "completed in the range at that level.",
            ["Level", "People placed", "Assessments completed"],
            rows,
            chart_title="People placed per level",
        )
    ]
