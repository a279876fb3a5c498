"""The check-ins home (my series, my reports', lapsed ones) and starting a series."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from feedback.forms.checkins import SeriesForm
from feedback.models import (
    ActionItem,
    CheckinSeries,
    CheckinSettings,
    Meeting,
    MeetingStatus,
    SeriesStatus,
)
from feedback.rules import schedule
from feedback.services import checkins as service
from perfapp.orgs.roles import Permission
from perfapp.orgs.selectors import direct_reports
from perfapp.tenancy.views import org_view
from perfapp.web.forms_util import apply_errors
from perfapp.web.helpers import first_name, initials

# --- the home page ----------------------------------------------------------------------


def _with_summary(rows, now: datetime):
    """Series with their next meeting, last held meeting and open action items, in one
    query whatever the number of series."""
    upcoming = Meeting.objects.filter(
        series=OuterRef("pk"), status=MeetingStatus.SCHEDULED, starts_at__gte=now
    ).order_by("starts_at")
    held = Meeting.objects.filter(series=OuterRef("pk"), held_at__isnull=False).order_by("-held_at")
    open_actions = (
        ActionItem.objects.filter(series=OuterRef("pk"), done_at__isnull=True)
        .order_by()
        .values("series")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return rows.select_related("manager__user", "report__user").annotate(
        next_at=Subquery(upcoming.values("starts_at")[:1]),
        next_id=Subquery(upcoming.values("pk")[:1]),
        last_held=Subquery(held.values("held_at")[:1]),
        open_actions=Subquery(open_actions[:1]),
    )


def _mark_lapsed(series: CheckinSeries, now: datetime, grace: int) -> CheckinSeries:
    since = series.last_held or datetime.combine(
        series.starts_on, time(0), tzinfo=ZoneInfo(series.time_zone)
    )
    series.idle_days = max(0, (now - since).days)
    series.lapsed = series.status == SeriesStatus.ACTIVE and schedule.is_lapsed(
        cadence=series.cadence, idle_days=series.idle_days, grace_days=grace
    )
    series.open_actions = series.open_actions or 0
    return series


@org_view(reader_time_zone=True)
@require_safe
def checkins(request: HttpRequest) -> HttpResponse:
    me = request.membership
    now = timezone.now()
    policy = CheckinSettings.of(request.organization)
    grace = policy.lapse_grace_days
    live = [SeriesStatus.ACTIVE, SeriesStatus.PAUSED, SeriesStatus.PROPOSED]

    reports = list(direct_reports(me))
    managed = {
        series.report_id: _mark_lapsed(series, now, grace)
        for series in _with_summary(
            CheckinSeries.objects.filter(manager=me, status__in=live), now
        ).select_related("proposed_by")
    }
    team = []
    for person in reports:
        person.initials = initials(person.name)
        team.append({"person": person, "series": managed.get(person.pk)})
    team.sort(key=lambda row: (row["series"] is not None and not row["series"].lapsed,))

    mine = [
        _mark_lapsed(series, now, grace)
        for series in _with_summary(CheckinSeries.objects.filter(report=me, status__in=live), now)
    ]
    for series in mine:
        series.manager.initials = initials(series.manager.name)

    # The skip-level view: which of my reports' series lapsed, and nothing else.
    skip_level = [
        _mark_lapsed(series, now, grace)
        for series in _with_summary(
            CheckinSeries.objects.filter(manager__manager=me, status=SeriesStatus.ACTIVE), now
        )
    ]
    skip_lapsed = [series for series in skip_level if series.lapsed]

    manager = me.manager if me.manager_id and me.manager.is_active else None
    context = {
        "team": team,
        "lapsed_count": sum(1 for row in team if row["series"] and row["series"].lapsed),
        "mine": mine,
        "my_manager": manager,
        "skip_level_total": len(skip_level),
        "skip_lapsed": skip_lapsed,
        "policy": policy,
        "can_start": bool(reports) or manager is not None,
        "is_hr": me.has_perm(Permission.MANAGE_CYCLES),
        "tab": "home",
    }
    return render(request, "feedback/checkins/index.html", context)


# --- starting a series --------------------------------------------------------------------


@org_view(reader_time_zone=True)
def series_new(request: HttpRequest) -> HttpResponse:
    me = request.membership
    reports = list(direct_reports(me))
    policy = CheckinSettings.of(request.organization)
    chosen = request.GET.get("with", "")
    manager_tz = me.effective_time_zone
    to_manager = chosen.isdigit() and int(chosen) == me.manager_id
    if me.manager_id and (to_manager or not reports):
        manager_tz = me.manager.effective_time_zone
    today = timezone.localdate()
    form = SeriesForm(
        request.POST or None,
        viewer=me,
        reports=reports,
        initial={
            "other": int(chosen) if chosen.isdigit() else None,
            "cadence": policy.default_cadence,
            "starts_on": today + timedelta(days=1),
            "time_of_day": time(10, 0),
            "duration_minutes": 30,
            "time_zone": manager_tz,
        },
    )
    form.fields["other"].error_messages["invalid_choice"] = (
        "Choose one of your direct reports, or your own manager."
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            series = service.start_series(
                actor=me,
                other=data["other"],
                cadence=data["cadence"],
                time_of_day=data["time_of_day"],
                starts_on=data["starts_on"],
                duration_minutes=data["duration_minutes"],
                time_zone=data["time_zone"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            other = data["other"]
            if series.status == SeriesStatus.PROPOSED:
                messages.success(
                    request, f"We asked {other.name} to accept the 1:1s. Nothing is scheduled yet."
                )
            else:
                messages.success(
                    request,
                    f"1:1s with {other.name} start {series.starts_on:%A %-d %B}. "
                    f"{first_name(other)} has been told.",
                )
            return redirect("feedback:series", org_slug=request.organization.slug, pk=series.pk)
    try:
        weekday = date.fromisoformat(str(form["starts_on"].value())).strftime("%A")
    except ValueError:
        weekday = ""
    context = {
        "form": form,
        "weekday": weekday,
        "reports": reports,
        "my_manager": me.manager if me.manager_id else None,
    }
    return render(
        request, "feedback/checkins/new.html", context, status=400 if form.errors else 200
    )
