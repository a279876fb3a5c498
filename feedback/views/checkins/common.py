"""What every check-in page shares: the page decorator (the reader's time zone), who the
other person is, and the lookups that reach a series, meeting, point or action item only
for its two people (anyone else gets 404)."""

from functools import wraps
from zoneinfo import ZoneInfo

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from perfapp.orgs.models import Membership
from perfapp.orgs.roles import Permission
from perfapp.tenancy.views import org_view

from ...checkin_models import ActionItem, AgendaItem, CheckinSeries, Meeting


def page(permission: Permission | None = None):
    """An organization page shown in the reader's own time zone."""

    def decorator(view):
        @org_view(permission)
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            with timezone.override(ZoneInfo(request.membership.effective_time_zone)):
                return view(request, *args, **kwargs)

        return wrapped

    return decorator


def other_of(series: CheckinSeries, me: Membership) -> Membership:
    return series.report if me.pk == series.manager_id else series.manager


# --- objects only the two people reach --------------------------------------------------


def series_of(request: HttpRequest, pk: int) -> CheckinSeries:
    series = get_object_or_404(
        CheckinSeries.objects.select_related(
            "organization", "manager__user", "report__user", "proposed_by__user"
        ),
        pk=pk,
    )
    if not series.involves(request.membership):
        raise Http404
    return series


def meeting_of(request: HttpRequest, pk: int) -> Meeting:
    meeting = get_object_or_404(
        Meeting.objects.select_related(
            "organization",
            "series__organization",
            "series__manager__user",
            "series__report__user",
            "series__report__organization",
        ),
        pk=pk,
    )
    if not meeting.series.involves(request.membership):
        raise Http404
    return meeting


def point_of(request: HttpRequest, pk: int) -> AgendaItem:
    item = get_object_or_404(
        AgendaItem.objects.select_related(
            "meeting__organization",
            "meeting__series__organization",
            "meeting__series__manager__user",
            "meeting__series__report__user",
            "meeting__series__report__organization",
        ),
        pk=pk,
    )
    if not item.meeting.series.involves(request.membership):
        raise Http404
    return item


def action_of(request: HttpRequest, pk: int) -> ActionItem:
    item = get_object_or_404(
        ActionItem.objects.select_related(
            "series__organization",
            "series__manager__user",
            "series__report__user",
            "series__report__organization",
        ),
        pk=pk,
    )
    if not item.series.involves(request.membership):
        raise Http404
    return item
