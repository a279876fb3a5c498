"""Feedback, 1:1 and cycle figures for HR analytics (``perfapp.analytics``).

Every function answers for the whole filtered population with a fixed number of
aggregate queries; the core hides groups smaller than ``perfapp.small_groups.MIN_GROUP``."""

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from feedback.models import (
    AssignmentStatus,
    Cadence,
    CheckinSeries,
    CheckinSettings,
    CycleStatus,
    Feedback,
    FeedbackCycle,
    FeedbackKind,
    Meeting,
    MeetingStatus,
    ReviewerAssignment,
    SeriesStatus,
)
from feedback.rules import schedule
from perfapp.analytics.registry import Filters, Row, Table, percent, team_rows


def feedback_tables(filters: Filters) -> list[Table]:
    """Per team: feedback received by kind, and feedback given. Two queries."""
    in_range = Q(created_at__gte=filters.since, created_at__lt=filters.until)
    received: dict[int | None, dict[str, int]] = {}
    for row in (
        Feedback.objects.filter(in_range, recipient__in=filters.members())
        .values("recipient__team_id", "kind")
        .annotate(n=Count("id"))
        .order_by()
    ):
        received.setdefault(row["recipient__team_id"], {})[row["kind"]] = row["n"]
    given = dict(
        Feedback.objects.filter(in_range, author__in=filters.members())
        .values("author__team_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("author__team_id", "n")
    )

    def build(team_id, name, people) -> Row:
        kinds = received.get(team_id, {})
        total = sum(kinds.values())
        per_person = round(total / people, 1) if people else 0
        return Row(
            name,
            people,
            [people, given.get(team_id, 0), total, *(kinds.get(k, 0) for k in FeedbackKind)],
            chart_value=total,
            chart_text=f"{total} ({per_person} per person)",
        )

    return [
        Table(
            "feedback.by_team",
            "Feedback per team",
            "Feedback given and received by each team's people in the range, by kind.",
            ["Team", "People", "Given", "Received", *(k.label for k in FeedbackKind)],
            team_rows(filters, build),
            chart_title="Feedback received per team",
        )
    ]


def _grace_days(organization) -> int:
    """The organization's grace period, without creating settings on a read (the default
    stands until HR saves them)."""
    found = CheckinSettings.objects.filter(organization=organization).first()
    return found.lapse_grace_days if found else schedule.DEFAULT_GRACE_DAYS


def checkin_tables(filters: Filters) -> list[Table]:
    """Per team (of the report): people with running 1:1s, meetings held in the range, and
    how many met the policy (a 1:1 held within its series' lapse window, the cadence plus
    the grace period, before the range ends). Three queries."""
    grace = _grace_days(filters.organization)
    end = min(filters.until, timezone.now())
    windows = {cadence: schedule.lapses_after(cadence, grace) for cadence in Cadence}
    policy_since = end - timedelta(days=max(windows.values()))
    recent = Q()
    for cadence, days in windows.items():
        # Lapsed from ``days`` whole days on, so on policy only while fewer have passed.
        recent |= Q(series__cadence=cadence, starts_at__gt=end - timedelta(days=days))
    with_series = dict(
        CheckinSeries.objects.filter(report__in=filters.members(), status=SeriesStatus.ACTIVE)
        .values("report__team_id")
        .annotate(n=Count("report_id", distinct=True))
        .order_by()
        .values_list("report__team_id", "n")
    )
    held = Q(status=MeetingStatus.HELD)
    meetings = {
        row["series__report__team_id"]: row
        for row in Meeting.objects.filter(
            series__report__in=filters.members(),
            starts_at__gte=min(filters.since, policy_since),
            starts_at__lt=end,
        )
        .values("series__report__team_id")
        .annotate(
            held=Count("id", filter=held & Q(starts_at__gte=filters.since)),
            skipped=Count(
                "id", filter=Q(status=MeetingStatus.SKIPPED, starts_at__gte=filters.since)
            ),
            on_policy=Count("series__report_id", distinct=True, filter=held & recent),
        )
        .order_by()
    }

    def build(team_id, name, people) -> Row:
        found = meetings.get(team_id, {})
        on_policy = found.get("on_policy", 0)
        share = percent(on_policy, people)
        return Row(
            name,
            people,
            [
                people,
                with_series.get(team_id, 0),
                found.get("held", 0),
                found.get("skipped", 0),
                on_policy,
                f"{share}%",
            ],
            chart_value=share,
            chart_text=f"{share}%",
        )

    return [
        Table(
            "checkins.by_team",
            "1:1 check-ins against policy",
            "The policy: a 1:1 held within each series' cadence plus "
            f"{grace} days of grace (weekly: {windows[Cadence.WEEKLY]} days, every two weeks: "
            f"{windows[Cadence.BIWEEKLY]}, monthly: {windows[Cadence.MONTHLY]}). “On policy” "
            "counts people whose last 1:1 before the end of the range is that recent.",
            ["Team", "People", "With 1:1s", "Held", "Skipped", "On policy", "Share"],
            team_rows(filters, build),
            chart_title="Share of each team on the 1:1 policy",
            chart_top=100,
        )
    ]


def cycle_tables(filters: Filters) -> list[Table]:
    """Per feedback cycle open during the range: participants in the filter and how many
    of their reviews were answered. Two queries."""
    cycles = list(
        FeedbackCycle.objects.filter(opens_on__lte=filters.end, closes_on__gte=filters.start)
        .exclude(status=CycleStatus.DRAFT)
        .annotate(
            people=Count(
                "participants",
                filter=Q(participants__participant__in=filters.members()),
                distinct=True,
            )
        )
        .order_by("-opens_on", "id")
    )
    reviews = {
        row["cycle_id"]: row
        for row in ReviewerAssignment.objects.filter(
            cycle__in=[c.pk for c in cycles], participant__participant__in=filters.members()
        )
        .exclude(status=AssignmentStatus.PROPOSED)
        .values("cycle_id")
        .annotate(
            asked=Count("id"), answered=Count("id", filter=Q(status=AssignmentStatus.ANSWERED))
        )
        .order_by()
    }
    rows = []
    for cycle in cycles:
        found = reviews.get(cycle.pk, {})
        asked, answered = found.get("asked", 0), found.get("answered", 0)
        share = percent(answered, asked)
        rows.append(
            Row(
                cycle.name,
                cycle.people,
                [cycle.people, asked, answered, f"{share}%"],
                chart_value=share,
                chart_text=f"{share}%",
            )
        )
    return [
        Table(
            "cycles.participation",
            "Feedback cycle participation",
            "Cycles open during the range: participants, and how many of the reviews asked "
            "about them were answered.",
            ["Cycle", "Participants", "Reviews asked", "Answered", "Share answered"],
            rows,
            chart_title="Share of reviews answered per cycle",
            chart_top=100,
        )
    ]
