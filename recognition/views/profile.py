"""A person's recognition profile: what they received and gave, by value and by kind of
contribution, month by month. Public inside the organization, like the wall.

The charts are SVG drawn by the template from coordinates computed here (the approach of
the feedback cycle results): no JavaScript, no chart library, nothing from a CDN, and a
table with the same numbers beside each chart.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from perfapp.orgs.models import Membership
from perfapp.tenancy.views import org_view
from recognition.permissions.recognition import can_see_profile
from recognition.selectors import recognition as selectors

MONTHS = 12
CHART = {"left": 36, "right": 8, "top": 28, "plot": 132, "step": 46, "bar": 14, "gap": 2}
MINI_BAR = 80  # the width of the bars inside the value and kind tables


def _axis_top(peak: int) -> int:
    """A round top for the y axis: 1–4 as is, then even numbers, then multiples of 5/10."""
    if peak <= 4:
        return max(peak, 1)
    if peak <= 10:
        return peak + peak % 2
    step = 5 if peak <= 50 else 10
    return -(-peak // step) * step


def month_chart(months: list[dict]) -> dict:
    """Coordinates of a grouped bar chart: per month, received and given side by side."""
    peak = _axis_top(max([m["received"] for m in months] + [m["given"] for m in months] + [0]))
    left, top, plot, step = CHART["left"], CHART["top"], CHART["plot"], CHART["step"]
    bar, gap = CHART["bar"], CHART["gap"]
    base = top + plot
    width = left + step * len(months) + CHART["right"]
    groups = []
    for index, month in enumerate(months):
        x = left + index * step + (step - 2 * bar - gap) // 2
        bars = []
        for offset, series in ((0, "received"), (bar + gap, "given")):
            count = month[series]
            height = round(plot * count / peak)
            bars.append(
                {
                    "series": series,
                    "count": count,
                    "x": x + offset,
                    "y": base - height,
                    "height": height,
                    "label_x": x + offset + bar // 2,
                    "label_y": base - height - 3,
                }
            )
        day = month["month"]
        groups.append(
            {
                "month": day,
                "label": day.strftime("%b"),
                "year": day.strftime("%Y") if index == 0 or day.month == 1 else "",
                "center": left + index * step + step // 2,
                "bars": bars,
            }
        )
    ticks = sorted({0, peak // 2, peak}) if peak > 4 else list(range(peak + 1))
    return {
        **CHART,
        "width": width,
        "height": base + 40,
        "base": base,
        "right_edge": width - CHART["right"],
        "groups": groups,
        "ticks": [{"value": t, "y": base - round(plot * t / peak)} for t in ticks],
        "month_y": base + 16,
        "year_y": base + 30,
        "legend_y": 12,
        "mid_y": top + plot // 2,
        "empty": not any(m["received"] or m["given"] for m in months),
    }


def breakdown(rows: list[dict], key: str) -> list[dict]:
    """Rows of a value or kind table, each with the widths of its two mini bars."""
    peak = max([row["received"] for row in rows] + [row["given"] for row in rows] + [1])
    return [
        {
            "item": row[key],
            "received": row["received"],
            "given": row["given"],
            "received_width": round(MINI_BAR * row["received"] / peak),
            "given_width": round(MINI_BAR * row["given"] / peak),
        }
        for row in rows
        if row["received"] or row["given"] or row[key].archived_at is None
    ]


@org_view(reader_time_zone=True)
@require_safe
def profile(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request.membership
    person = get_object_or_404(
        Membership.objects.select_related("user", "team", "manager__user"), pk=pk
    )
    if not can_see_profile(viewer, person):
        raise Http404
    data = selectors.profile(person, months=MONTHS, tz_name=viewer.effective_time_zone)
    return render(
        request,
        "recognition/profile.html",
        {
            "person": person,
            "is_self": person.pk == viewer.pk,
            "data": data,
            "chart": month_chart(data.months),
            "received_year": sum(month["received"] for month in data.months),
            "given_year": sum(month["given"] for month in data.months),
            "by_value": breakdown(data.by_value, "value"),
            "by_kind": breakdown(data.by_kind, "kind"),
            "recent": selectors.received_recently(person),
            "mini_bar": MINI_BAR,
        },
    )
