"""Feedback objects for every test organization: a piece of feedback, a request, and an
open anonymous cycle in which the report is a participant."""

from dataclasses import dataclass
from datetime import time, timedelta

from django.utils import timezone

from feedback.models import (
    ActionItem,
    AgendaItem,
    CheckinSeries,
    CoachingPrompt,
    CycleParticipant,
    CycleQuestion,
    Feedback,
    FeedbackCycle,
    FeedbackRequest,
    Meeting,
    RequestReviewer,
    ReviewerAssignment,
    Visibility,
)
from feedback.services import checkins, cycles
from feedback.services import giving as services
from feedback.services import requests as request_services


@dataclass
class FeedbackWorld:
    feedback: Feedback  # member → report, shared with the report's manager
    request: FeedbackRequest  # the report asks the member and the owner
    request_row: RequestReviewer  # the member's part of that request
    cycle: FeedbackCycle  # open, anonymous; the report participates
    question: CycleQuestion
    entry: CycleParticipant  # the report in the cycle
    assignment: ReviewerAssignment  # the manager reviews the report
    series: CheckinSeries = None  # weekly 1:1s of the manager and the report
    meeting: Meeting = None  # the next one, with a talking point and an action item
    point: AgendaItem = None
    action: ActionItem = None
    prompt: CoachingPrompt = None


def build_feedback(world) -> FeedbackWorld:
    today = timezone.now().date()
    with world.scope():
        feedback = services.give_feedback(
            author=world.member,
            recipient=world.report,
            kind="praise",
            situation="In Tuesday's demo you explained the rollout plan clearly "
            f"({world.organization.slug}).",
            impact="Sales could answer customers the same day.",
            visibility=Visibility.WITH_MANAGER,
            competencies=[world.framework.competency],
        )
        request = request_services.request_feedback(
            requester=world.report,
            subject=world.report,
            reviewers=[world.member, world.owner],
            topic="The billing migration",
            due_date=today + timedelta(days=7),
        )
        row = request.reviewers.get(reviewer=world.member)
        cycle = cycles.save_cycle(
            actor=world.hr,
            cycle=FeedbackCycle(
                name=f"Spring 360 {world.organization.slug}",
                opens_on=today,
                closes_on=today + timedelta(days=14),
                anonymous=True,
                include_peers=True,
            ),
        )
        question = cycles.add_question(
            actor=world.hr, cycle=cycle, kind="text", prompt="What should they keep doing?"
        )
        cycles.set_participants(actor=world.hr, cycle=cycle, members=[world.report])
        cycles.open_cycle(actor=world.hr, cycle=cycle)
        cycle.refresh_from_db()
        entry = CycleParticipant.objects.get(cycle=cycle, participant=world.report)
        assignment = ReviewerAssignment.objects.get(participant=entry, reviewer=world.manager)
        series = checkins.start_series(
            actor=world.manager,
            other=world.report,
            cadence="weekly",
            time_of_day=time(10, 0),
            starts_on=today + timedelta(days=1),
        )
        meeting = series.meetings.order_by("starts_at").first()
        point = checkins.add_point(actor=world.report, meeting=meeting, text="Promotion timeline")
        action = checkins.add_action(
            actor=world.manager, meeting=meeting, owner=world.report, text="Draft the RFC"
        )
        checkins.save_private_note(
            actor=world.manager, meeting=meeting, body=f"Private worry about {world.report.name}"
        )
        prompt = checkins.prompts().first()
    return FeedbackWorld(
        feedback,
        request,
        row,
        cycle,
        question,
        entry,
        assignment,
        series,
        meeting,
        point,
        action,
        prompt,
    )
