"""Feedback objects for every test organization: a piece of feedback, a request, and an
open anonymous cycle in which the report is a participant."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from feedback import cycles, services
from feedback.models import (
    CycleParticipant,
    CycleQuestion,
    Feedback,
    FeedbackCycle,
    FeedbackRequest,
    RequestReviewer,
    ReviewerAssignment,
    Visibility,
)


@dataclass
class FeedbackWorld:
    feedback: Feedback  # member → report, shared with the report's manager
    request: FeedbackRequest  # the report asks the member and the owner
    request_row: RequestReviewer  # the member's part of that request
    cycle: FeedbackCycle  # open, anonymous; the report participates
    question: CycleQuestion
    entry: CycleParticipant  # the report in the cycle
    assignment: ReviewerAssignment  # the manager reviews the report


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
        request = services.request_feedback(
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
    return FeedbackWorld(feedback, request, row, cycle, question, entry, assignment)
