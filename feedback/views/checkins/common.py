"""What every check-in page shares (each is an ``org_view(reader_time_zone=True)`` page): who
the other person is, and the lookups that reach a series, meeting, point or action item only
for its two people (anyone else gets 404)."""

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from feedback.models import ActionItem, AgendaItem, CheckinSeries, Meeting
from perfapp.orgs.models import Membership


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
