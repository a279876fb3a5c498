"""Insights for managers (the people below them) and HR (the whole organization), and
HR's CSV export."""

import csv
from collections.abc import Iterator

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from perfapp.audit.services import record
from perfapp.charts import bar_chart, column_chart
from perfapp.orgs.roles import Permission
from perfapp.small_groups import HIDDEN_TEXT
from perfapp.tenancy.scoping import organization_scope
from perfapp.tenancy.views import org_view
from perfapp.web.helpers import initials
from recognition.audit import PointsAction
from recognition.forms.points import InsightsFilterForm
from recognition.models import RecognitionSettings
from recognition.permissions.points import (
    can_export_insights,
    can_see_insights,
    is_recognition_admin,
)
from recognition.selectors import insights

QUIET_PAGE = 25


def _choices(request: HttpRequest, default_days: int) -> tuple[InsightsFilterForm, int, int, str]:
    """The window, trend length and scope asked for; anything out of bounds falls back to
    the default and says why next to the field."""
    form = InsightsFilterForm(request.GET or None)
    days, weeks, scope = default_days, insights.WEEKS[0], ""
    if form.is_bound:
        form.is_valid()  # invalid fields drop out of cleaned_data; the rest still apply
        days = form.cleaned_data.get("days") or days
        weeks = form.cleaned_data.get("weeks") or weeks
        scope = form.cleaned_data.get("scope") or scope
    return form, days, weeks, scope


def _trend_chart(trend: list[insights.Week]) -> dict:
    return column_chart(
        [
            (
                f"{week.starts_on:%-d %b}",
                week.recognitions,
                f"Week of {week.starts_on:%-d %B}: {week.recognitions} recognition"
                f"{'' if week.recognitions == 1 else 's'}, {week.people} "
                f"{'person' if week.people == 1 else 'people'} recognized",
            )
            for week in trend
        ]
    )


@org_view(reader_time_zone=True)
def insights_page(request: HttpRequest) -> HttpResponse:
    me = request.membership
    if not can_see_insights(me):
        raise Http404
    settings = RecognitionSettings.of(request.organization)
    form, days, weeks, want = _choices(request, settings.quiet_after_days)
    scope = insights.scope_for(me, want_org=None if not want else want == "org")
    now = timezone.now()
    since = insights.window_start(days, now)
    quiet = Paginator(insights.quiet_people(scope, days, now), QUIET_PAGE).get_page(
        request.GET.get("page")
    )
    for person in quiet.object_list:
        person.initials = initials(person.name)
        person.quiet_days = (now - person.last_recognized).days if person.last_recognized else None
    teams = insights.spread_by_team(scope, since)
    kinds = insights.spread_by_kind(scope, since)
    trend = insights.weekly_trend(scope, weeks, now)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "active": "insights",
        "form": form,
        "scope": scope,
        "can_choose_scope": is_recognition_admin(me) and me.is_manager,
        "can_export": can_export_insights(me),
        "days": days,
        "weeks": weeks,
        "default_days": settings.quiet_after_days,
        "quiet": quiet,
        "newcomers": insights.newcomers_count(scope, days, now),
        "query": query.urlencode(),
        "teams": teams,
        "team_chart": bar_chart(
            [
                (row.name, 0, HIDDEN_TEXT) if row.hidden else (row.name, row.share, f"{row.share}%")
                for row in teams
            ],
            top_value=100,
            width=360,
        ),
        "hidden_text": HIDDEN_TEXT,
        "kinds": kinds,
        "kind_total": sum(row.count for row in kinds),
        "kind_chart": bar_chart(
            [(row.name, row.count, str(row.count)) for row in kinds], width=360
        ),
        "people": insights.givers_and_receivers(scope, since),
        "trend": trend,
        "trend_total": sum(week.recognitions for week in trend),
        "trend_chart": _trend_chart(trend),
    }
    return render(request, "recognition/insights/index.html", context)


def _safe(value) -> str:
    """A spreadsheet must never read a cell as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class _Echo:
    def write(self, value: str) -> str:
        return value


@org_view(Permission.MANAGE_RECOGNITION, reader_time_zone=True)
def insights_export(request: HttpRequest) -> HttpResponse:
    """Every active person of the organization with their recognition in the window, as
    CSV, streamed. The export itself goes to the audit log."""
    me = request.membership
    settings = RecognitionSettings.of(request.organization)
    _form, days, _weeks, _scope = _choices(request, settings.quiet_after_days)
    scope = insights.InsightScope(me, whole_org=True)
    organization = request.organization
    record(
        organization=organization,
        actor=me,
        action=PointsAction.INSIGHTS_EXPORTED,
        target_label=f"Recognition insights, last {days} days",
        changes={"days": [None, days]},
    )
    writer = csv.writer(_Echo())

    def rows() -> Iterator[str]:
        # The response is streamed after the view returns, outside the request's tenant
        # scope: enter it again for as long as rows are read.
        with organization_scope(organization):
            yield writer.writerow(insights.EXPORT_HEADER)
            for row in insights.export_rows(scope, days):
                yield writer.writerow([_safe(value) for value in row])

    stamp = timezone.localdate().isoformat()
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="recognition-{organization.slug}-{stamp}.csv"'
    )
    return response
