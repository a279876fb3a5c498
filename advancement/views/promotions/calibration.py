"""Calibration of a round (HR and its calibration group) and the outcomes every employee
reads. Charts are server-side SVG (``perfapp.charts``) with the same numbers as tables."""

from collections import Counter

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from advancement.models import CaseState, Decision, Round
from advancement.permissions.promotions import can_calibrate, manages_promotions
from advancement.selectors import promotions as selectors
from perfapp import small_groups
from perfapp.api.params import is_id
from perfapp.charts import bar_chart, column_chart
from perfapp.tenancy.views import org_view

COVERAGE_BUCKETS = (("0–24%", 0, 24), ("25–49%", 25, 49), ("50–74%", 50, 74), ("75–100%", 75, 100))


def _filters(request: HttpRequest) -> selectors.CalibrationFilters:
    track, level = request.GET.get("track", ""), request.GET.get("level", "")
    state = request.GET.get("state", "")
    return selectors.CalibrationFilters(
        track=int(track) if is_id(track) else None,
        level=int(level) if is_id(level) else None,
        state=state if state in selectors.CALIBRATED_STATES else "",
    )


def _groups(cases) -> list[dict]:
    """Cases side by side, grouped by track and target level (already in that order)."""
    groups: list[dict] = []
    for case in cases:
        case.coverage = selectors.coverage(case)
        case.density = selectors.density(case)
        key = (case.track_id, case.target_level_id)
        if not groups or groups[-1]["key"] != key:
            groups.append(
                {
                    "key": key,
                    "track": case.track_name,
                    "level": case.target_level_label,
                    "cases": [],
                }
            )
        groups[-1]["cases"].append(case)
    return groups


def _charts(cases) -> dict:
    coverage_rows = []
    for label, low, high in COVERAGE_BUCKETS:
        count = sum(1 for case in cases if low <= case.coverage <= high)
        coverage_rows.append((label, count, f"{count} case{'s' if count != 1 else ''}"))
    by_level: dict[str, Counter] = {}
    for case in cases:
        by_level.setdefault(case.target_level_label, Counter())[case.decision or "open"] += 1
    decision_rows = [
        {
            "level": level,
            "promoted": counts[Decision.PROMOTED],
            "not_yet": counts[Decision.NOT_YET],
            "open": counts["open"],
        }
        for level, counts in by_level.items()
    ]
    # One bar per target level (its cases); the table beside it says what became of them.
    decision_chart = bar_chart(
        [
            (row["level"], total, f"{total} case{'s' if total != 1 else ''}")
            for row in decision_rows
            for total in [row["promoted"] + row["not_yet"] + row["open"]]
        ],
        width=340,  # the narrow column of .two-col: at 440 its 12 px labels shrank to 9 px
    )
    return {
        "coverage_rows": coverage_rows,
        "coverage_chart": column_chart(coverage_rows, width=440, height=200),
        "decision_rows": decision_rows,
        "decision_chart": decision_chart,
    }


@org_view()
def calibration(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_object_or_404(Round.objects.prefetch_related("tracks"), pk=pk)
    if not can_calibrate(request.membership, round_):
        raise Http404
    filters = _filters(request)
    cases = selectors.calibration_cases(round_, filters)
    groups = _groups(cases)
    levels = sorted(
        {(c.target_level_id, c.target_level_label) for c in cases}, key=lambda item: item[1]
    )
    return render(
        request,
        "advancement/promotions/calibration.html",
        {
            "round": round_,
            "groups": groups,
            "total": len(cases),
            "filters": filters,
            "tracks": round_.tracks.all(),
            "levels": levels,
            "states": [(s, CaseState(s).label) for s in selectors.CALIBRATED_STATES],
            "submitted": sum(1 for c in cases if c.state == CaseState.SUBMITTED),
            "manages": manages_promotions(request.membership),
            **_charts(cases),
        },
    )


@org_view()
def outcomes(request: HttpRequest) -> HttpResponse:
    last, rows = selectors.outcomes()
    return render(
        request,
        "advancement/promotions/outcomes.html",
        {
            "last_round": last,
            "rows": rows,
            "min_group": small_groups.MIN_GROUP,
            "min_group_text": str(small_groups.MIN_GROUP),
        },
    )
