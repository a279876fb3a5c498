"""Feedback and 1:1 rows in a person's data export, and what erasing a departed person
removes (``perfapp.privacy``).

Erasure deletes what was about the person (feedback they received, their requests,
their cycle participation, their own 1:1 series and weekly updates) and their private
notes; feedback they gave and answers they wrote for others stay, attributed to "Former
colleague", because they are the other person's record."""

from django.db.models import Q

from feedback.models import (
    ActionItem,
    AgendaItem,
    CheckinSeries,
    CycleParticipant,
    CycleResponse,
    Feedback,
    FeedbackRequest,
    PrivateNote,
    RequestReviewer,
    ReviewerAssignment,
    Visibility,
    WeeklyUpdate,
)
from feedback.services.cycles import forget_sealed_about
from perfapp.privacy.registry import PersonalData, rows


def export(person) -> dict[str, list[dict]]:
    return {
        "feedback_given": rows(Feedback.objects.filter(author=person)),
        # Feedback a manager asked for in confidence is not shown to its subject in the
        # app, so it is not in their download either.
        "feedback_received": rows(
            Feedback.objects.filter(recipient=person).exclude(visibility=Visibility.MANAGER_ONLY)
        ),
        "feedback_requests": rows(FeedbackRequest.objects.filter(requester=person)),
        "requests_to_you": rows(RequestReviewer.objects.filter(reviewer=person)),
        "cycle_participation": rows(CycleParticipant.objects.filter(participant=person)),
        "cycle_reviews_assigned": rows(ReviewerAssignment.objects.filter(reviewer=person)),
        "cycle_answers_written": rows(CycleResponse.objects.filter(author=person)),
        "checkin_series": rows(CheckinSeries.objects.filter(Q(manager=person) | Q(report=person))),
        "talking_points": rows(AgendaItem.objects.filter(author=person)),
        "private_notes": rows(PrivateNote.objects.filter(author=person)),
        "action_items": rows(ActionItem.objects.filter(owner=person)),
        "weekly_updates": rows(WeeklyUpdate.objects.filter(author=person)),
    }


def erase(person) -> None:
    Feedback.objects.filter(recipient=person).delete()
    FeedbackRequest.objects.filter(Q(requester=person) | Q(subject=person)).delete()
    RequestReviewer.objects.filter(reviewer=person).exclude(decline_reason="").update(
        decline_reason=""
    )
    forget_sealed_about(participant=person)  # answers about them waiting in open cycles
    CycleParticipant.objects.filter(participant=person).delete()
    CheckinSeries.objects.filter(report=person).delete()
    PrivateNote.objects.filter(author=person).delete()
    WeeklyUpdate.objects.filter(author=person).delete()


PERSONAL_DATA = PersonalData(
    key="feedback",
    label="Feedback and 1:1s",
    order=20,
    export=export,
    erase=erase,
    covers=(
        "feedback.Feedback",
        "feedback.FeedbackRequest",
        "feedback.RequestReviewer",
        "feedback.CycleParticipant",
        "feedback.ReviewerAssignment",
        "feedback.CycleResponse",
        "feedback.CheckinSeries",
        "feedback.AgendaItem",
        "feedback.PrivateNote",
        "feedback.ActionItem",
        "feedback.WeeklyUpdate",
    ),
    withheld={
        "feedback.FeedbackCycle": "The organization's cycle settings (who created a cycle "
        "is not data about them); their part is their participation, reviews and answers.",
    },
)
