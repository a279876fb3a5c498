"""What feedback and check-ins add to the home page: your next 1:1 and its agenda, your
action items, feedback people wait for from you, and feedback you received lately.

Contexts are plain values (strings, numbers, dates, URLs), so the API's home gives them
as they are. Each panel costs a fixed, small number of queries.
"""

from datetime import timedelta

from django.db.models import F, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from feedback.models import (
    ActionItem,
    AgendaItem,
    CheckinSeries,
    Meeting,
    MeetingStatus,
    SeriesStatus,
)
from feedback.selectors.cycles import my_cycle_reviews
from feedback.selectors.giving import timeline
from feedback.selectors.requests import requests_for_me
from perfapp.compiled import CompiledQuery
from perfapp.orgs.models import Membership
from perfapp.timezones import zone_of
from perfapp.web.home import HomePanel

ACTIONS_SHOWN = 5
WAITING_SHOWN = 5
RECENT_SHOWN = 3
RECENT_DAYS = 30


def _url(request: HttpRequest, name: str, **kwargs) -> str:
    return reverse(name, kwargs={"org_slug": request.organization.slug, **kwargs})


# Every home page runs these: each is written once per process (perfapp/compiled.py), which
# took the panels' queries from 2-5 ms of the ORM's CPU each to a fraction of a ms. A
# stand-in membership (its id and organization only) lets the selectors shared with the
# pages write them.


def _member(organization_id: int, me: int) -> Membership:
    return Membership(pk=me, organization_id=organization_id)


# My series first (two small index reads), then their meetings by series: filtering the
# meetings through a join on the series read every scheduled meeting of the organization
# (20,000 at a 20,000-person organization) to find one.
_my_series = CompiledQuery(
    lambda organization_id, me: CheckinSeries.objects.filter(
        Q(manager_id=me) | Q(report_id=me),
        organization_id=organization_id,
        status=SeriesStatus.ACTIVE,
    ).values_list("id", flat=True),
    params=("organization_id", "me"),
)
_next_meeting = CompiledQuery(
    lambda organization_id, series_ids, now: (
        Meeting.objects.filter(
            organization_id=organization_id,
            series_id__in=series_ids,
            status=MeetingStatus.SCHEDULED,
            starts_at__gte=now,
        )
        .select_related("series__manager__user", "series__report__user")
        .order_by("starts_at", "id")[:1]
    ),
    params=("organization_id", "series_ids", "now"),
)
_agenda = CompiledQuery(
    lambda organization_id, meeting_id: AgendaItem.objects.filter(
        organization_id=organization_id, meeting_id=meeting_id
    ).select_related("author__user"),
    params=("organization_id", "meeting_id"),
)
_my_actions = CompiledQuery(
    lambda organization_id, me: ActionItem.objects.filter(
        organization_id=organization_id,
        owner_id=me,
        done_at__isnull=True,
        series__status__in=[SeriesStatus.ACTIVE, SeriesStatus.PAUSED],
    ).order_by(F("due_on").asc(nulls_last=True), "id")[:ACTIONS_SHOWN],
    params=("organization_id", "me"),
)
_requests_waiting = CompiledQuery(
    lambda organization_id, me: requests_for_me(_member(organization_id, me)).filter(
        organization_id=organization_id
    )[:WAITING_SHOWN],
    params=("organization_id", "me"),
)
_reviews_waiting = CompiledQuery(
    lambda organization_id, me: my_cycle_reviews(_member(organization_id, me)).filter(
        organization_id=organization_id
    )[:WAITING_SHOWN],
    params=("organization_id", "me"),
)
# The competencies the timeline prefetches are not needed here.
_recent_feedback = CompiledQuery(
    lambda organization_id, me, since: (
        timeline(_member(organization_id, me), box="received", since=since)
        .filter(organization_id=organization_id)
        .prefetch_related(None)
        .select_related("author__user")[:RECENT_SHOWN]
    ),
    params=("organization_id", "me", "since"),
)


def checkin_panel(request: HttpRequest) -> dict:
    """Always shown. At most four queries: my active series, the next meeting of one of
    them, its agenda, my open action items."""
    me = request.membership
    tz = zone_of(me)
    now = timezone.now()
    today = now.astimezone(tz).date()
    series_ids = _my_series(organization_id=me.organization_id, me=me.pk)
    # No series: no query (the ORM knows an empty IN matches nothing).
    found = _next_meeting(organization_id=me.organization_id, series_ids=series_ids, now=now)
    meeting = found[0] if found else None
    upcoming = None
    if meeting is not None:
        series = meeting.series
        other = series.report if series.manager_id == me.pk else series.manager
        agenda = _agenda(organization_id=me.organization_id, meeting_id=meeting.pk)
        upcoming = {
            "with": other.name,
            "starts_at": meeting.starts_at,
            "when": f"{timezone.localtime(meeting.starts_at, tz):%A %-d %B, %H:%M}",
            "url": _url(request, "feedback:meeting", pk=meeting.pk),
            "agenda": [
                {
                    "text": item.text,
                    "by": "you" if item.author_id == me.pk else item.author.name,
                }
                for item in agenda
            ],
        }
    actions = _my_actions(organization_id=me.organization_id, me=me.pk)
    return {
        "next": upcoming,
        "actions": [
            {
                "text": item.text,
                "due_on": item.due_on,
                "overdue": bool(item.due_on and item.due_on < today),
                "url": _url(request, "feedback:series", pk=item.series_id),
            }
            for item in actions
        ],
        "start_url": _url(request, "feedback:series_new"),
        "checkins_url": _url(request, "feedback:checkins"),
        "has_manager": me.manager_id is not None,
    }


def _about(asked, me) -> str:
    """Whom a request is about, as the reviewer reads it after "<requester> asks about":
    "you", "themselves" (a request about the requester's own work), or the name."""
    if asked.subject_id == me.pk:
        return "you"
    if not asked.is_about_someone_else:
        return "themselves"
    return asked.subject.name


def waiting_panel(request: HttpRequest) -> dict | None:
    """Requests and cycle reviews waiting for my answer; hidden when there are none.
    Two queries."""
    me = request.membership
    today = timezone.localdate()
    requests = [
        {
            "topic": row.request.topic,
            "about": _about(row.request, me),
            "from": row.request.requester.name,
            "due_on": row.request.due_date,
            "overdue": row.request.due_date < today,
            "url": _url(request, "feedback:answer", pk=row.pk),
        }
        for row in _requests_waiting(organization_id=me.organization_id, me=me.pk)
    ]
    reviews = [
        {
            "cycle": row.cycle.name,
            "about": (
                "yourself"
                if row.participant.participant_id == me.pk
                else row.participant.participant.name
            ),
            "closes_on": row.cycle.closes_on,
            "url": _url(request, "feedback:cycle_answer", pk=row.pk),
        }
        for row in _reviews_waiting(organization_id=me.organization_id, me=me.pk)
    ]
    if not requests and not reviews:
        return None
    return {"requests": requests, "reviews": reviews}


def recent_feedback_panel(request: HttpRequest) -> dict:
    """Always shown: feedback I received lately, or how to ask for some. One query (the
    competencies the timeline prefetches are not needed here)."""
    me = request.membership
    since = timezone.localdate() - timedelta(days=RECENT_DAYS)
    rows = _recent_feedback(organization_id=me.organization_id, me=me.pk, since=since)
    return {
        "items": [
            {
                "kind": row.kind,
                "kind_label": row.get_kind_display(),
                "from": row.author.name,
                "created_at": row.created_at,
                "excerpt": Truncator(row.situation).chars(140),
                "url": _url(request, "feedback:detail", pk=row.pk),
            }
            for row in rows
        ],
        "days": RECENT_DAYS,
        "ask_url": _url(request, "feedback:request_new"),
        "give_url": _url(request, "feedback:give"),
    }


def _plain(context: dict) -> dict:
    return context


HOME_PANELS = (
    HomePanel("checkins", 12, "feedback/panels/checkins.html", checkin_panel, _plain),
    HomePanel("waiting", 14, "feedback/panels/waiting.html", waiting_panel, _plain),
    HomePanel("recent_feedback", 44, "feedback/panels/recent.html", recent_feedback_panel, _plain),
)
