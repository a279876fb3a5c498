"""Demo check-ins: each team lead meets their reports weekly; last week's meeting is held,
with its notes, and the next one already has talking points (one linked to feedback) and
an open action item."""

from datetime import time, timedelta

from django.utils import timezone

from feedback.coaching import FeedbackLinks
from feedback.models import ActionItem, AgendaItem, CheckinSeries, Meeting, MeetingStatus
from feedback.services import checkins
from perfapp.links import LinkRef
from perfapp.orgs.models import Membership, Organization


def seed_checkins(organization: Organization, members: list[Membership]) -> None:
    if CheckinSeries.objects.exists():
        return
    tomorrow = timezone.now().date() + timedelta(days=1)
    for lead in members[1:4]:
        reports = list(Membership.objects.filter(manager=lead, is_active=True).order_by("id")[:3])
        for offset, report in enumerate(reports):
            series = checkins.start_series(
                actor=lead,
                other=report,
                cadence="weekly",
                time_of_day=time(9 + offset, 30),
                starts_on=tomorrow + timedelta(days=offset),
            )
            _history(series, lead, report)


def _history(series: CheckinSeries, lead: Membership, report: Membership) -> None:
    upcoming = series.meetings.order_by("starts_at").first()
    past = Meeting.objects.create(
        organization=series.organization,
        series=series,
        starts_at=upcoming.starts_at - timedelta(days=7),
        status=MeetingStatus.HELD,
        held_at=upcoming.starts_at - timedelta(days=7, minutes=-30),
        shared_notes="Agreed to split the export work into two releases.",
    )
    for position, (author, text, discussed) in enumerate(
        (
            (report, "Export feature: scope for the first release", True),
            (lead, "How did the design review go?", True),
            (report, "Conference talk proposal", False),
        ),
        start=1,
    ):
        AgendaItem.objects.create(
            organization=series.organization,
            meeting=past,
            author=author,
            text=text,
            position=position,
            discussed=discussed,
        )
    checkins.add_point(actor=report, meeting=upcoming, text="Conference talk proposal")
    # The lead's point links to the latest feedback about the report that they may read.
    shared = FeedbackLinks().candidates(subject=report, viewer=lead)
    checkins.add_point(
        actor=lead,
        meeting=upcoming,
        text="Feedback from the design review",
        link=LinkRef(FeedbackLinks.key, shared[0].pk) if shared else None,
    )
    checkins.add_action(
        actor=lead,
        meeting=past,
        owner=report,
        text="Write the one-page plan for the export release",
        due_on=None,
    )


def seed_attention(organization: Organization, members: list[Membership]) -> None:
    """Give the first team lead's dashboard something to attend to: one report whose 1:1s
    lapsed (last held weeks ago) and one overdue action item. Idempotent."""
    if len(members) < 10:
        return
    lead = members[1]
    today = timezone.now().date()
    series = list(CheckinSeries.objects.filter(manager=lead).order_by("id"))
    overdue = ActionItem.objects.filter(series__in=series, done_at__isnull=True)
    if series and not overdue.filter(due_on__lt=today).exists():
        first = overdue.filter(series=series[-1]).order_by("id").first()
        if first is not None:
            ActionItem.objects.filter(pk=first.pk).update(due_on=today - timedelta(days=5))
    if Meeting.objects.filter(
        series__manager=lead,
        status=MeetingStatus.HELD,
        held_at__lt=timezone.now() - timedelta(days=20),
    ).exists():
        return
    paired = {one.report_id for one in series}
    report = (
        Membership.objects.filter(manager=lead, is_active=True)
        .exclude(pk__in=paired)
        .order_by("id")
        .first()
    )
    if report is None:
        return
    lapsed = checkins.start_series(
        actor=lead,
        other=report,
        cadence="biweekly",
        time_of_day=time(14, 0),
        starts_on=today + timedelta(days=1),
    )
    CheckinSeries.objects.filter(pk=lapsed.pk).update(starts_on=today - timedelta(days=45))
    held = timezone.now() - timedelta(days=24)
    Meeting.objects.create(
        organization=organization,
        series=lapsed,
        starts_at=held,
        status=MeetingStatus.HELD,
        held_at=held + timedelta(minutes=30),
        shared_notes="Talked about the on-call rotation; agreed to revisit in two weeks.",
    )
