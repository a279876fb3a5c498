"""Demo check-ins: each team lead meets their reports weekly; last week's meeting is held,
with its notes, and the next one already has talking points (one linked to feedback) and
an open action item."""

from datetime import time, timedelta

from django.utils import timezone

from perfapp.links import LinkRef
from perfapp.orgs.models import Membership, Organization

from . import checkins
from .checkin_links import FeedbackLinks
from .checkin_models import AgendaItem, CheckinSeries, Meeting, MeetingStatus


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
