"""One series: its meetings and open action items; pause, resume, end, accept,
reschedule."""

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from feedback.forms.checkins import RescheduleForm
from feedback.models import CheckinSeries, MeetingStatus, SeriesStatus
from feedback.services import checkins as service
from feedback.views.checkins.common import other_of, series_of
from perfapp.tenancy.views import org_view
from perfapp.web.forms_util import apply_errors
from perfapp.web.helpers import initials, message_of

PAST_SHOWN = 12


# --- one series ---------------------------------------------------------------------------


def _series_context(request: HttpRequest, series: CheckinSeries, **extra) -> dict:
    me = request.membership
    now = timezone.now()
    meetings = list(series.meetings.order_by("starts_at"))
    upcoming = [m for m in meetings if m.status == MeetingStatus.SCHEDULED and m.starts_at >= now]
    past = [m for m in reversed(meetings) if m not in upcoming][:PAST_SHOWN]
    actions = list(
        series.actions.filter(done_at__isnull=True).select_related("owner__user", "meeting")
    )
    other = other_of(series, me)
    return {
        "series": series,
        "other": other,
        "other_initials": initials(other.name),
        "upcoming": upcoming,
        "past": past,
        "actions": actions,
        "today": timezone.localdate(),
        "is_manager": me.pk == series.manager_id,
        "can_accept": series.status == SeriesStatus.PROPOSED and series.proposed_by_id != me.pk,
        "reschedule_form": RescheduleForm(
            initial={
                "cadence": series.cadence,
                "time_of_day": series.time_of_day,
                "from_date": upcoming[0].starts_at.astimezone(ZoneInfo(series.time_zone)).date()
                if upcoming
                else timezone.localdate(),
            }
        ),
        **extra,
    }


@org_view(reader_time_zone=True)
@require_safe
def series(request: HttpRequest, pk: int) -> HttpResponse:
    found = series_of(request, pk)
    return render(request, "feedback/checkins/series.html", _series_context(request, found))


@org_view(reader_time_zone=True)
@require_POST
def series_status(request: HttpRequest, pk: int) -> HttpResponse:
    found = series_of(request, pk)
    status = request.POST.get("status", "")
    try:
        service.set_series_status(actor=request.membership, series=found, status=status)
    except ValidationError as error:
        context = _series_context(request, found, error=message_of(error))
        return render(request, "feedback/checkins/series.html", context, status=400)
    done = {
        SeriesStatus.PAUSED: "Paused. Upcoming meetings are cancelled; resume any time.",
        SeriesStatus.ACTIVE: "Resumed. The next meetings are scheduled again.",
        SeriesStatus.ENDED: "This series has ended. Its meetings and notes stay here.",
    }
    messages.success(request, done[status])
    return redirect("feedback:series", org_slug=request.organization.slug, pk=found.pk)


@org_view(reader_time_zone=True)
@require_POST
def series_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    found = series_of(request, pk)
    form = RescheduleForm(request.POST)
    if form.is_valid():
        try:
            moved = service.reschedule_series(
                actor=request.membership, series=found, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"Rescheduled. {moved} upcoming meeting{'s' if moved != 1 else ''} moved, "
                "with their agendas and reminders.",
            )
            return redirect("feedback:series", org_slug=request.organization.slug, pk=found.pk)
    context = _series_context(request, found, reschedule_form=form)
    return render(request, "feedback/checkins/series.html", context, status=400)


@org_view(reader_time_zone=True)
@require_POST
def series_accept(request: HttpRequest, pk: int) -> HttpResponse:
    found = series_of(request, pk)
    try:
        service.accept_series(actor=request.membership, series=found)
    except ValidationError as error:
        context = _series_context(request, found, error=message_of(error))
        return render(request, "feedback/checkins/series.html", context, status=400)
    messages.success(request, "Accepted. Your 1:1s are scheduled.")
    return redirect("feedback:series", org_slug=request.organization.slug, pk=found.pk)
