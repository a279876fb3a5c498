"""Reads of feedback cycles: the viewer's reviews and participations, HR's progress
counts (counts only, never who wrote what), and the peers waiting for a manager."""

from django.db.models import Count, IntegerField, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from feedback.models import (
    AssignmentStatus,
    CycleParticipant,
    CycleStatus,
    FeedbackCycle,
    Relation,
    ReviewerAssignment,
)
from feedback.services.cycles import reminder_prefix
from perfapp.notifications.models import OutboxMessage
from perfapp.orgs.models import Membership


def my_cycle_reviews(viewer: Membership) -> QuerySet[ReviewerAssignment]:
    return (
        ReviewerAssignment.objects.filter(
            reviewer=viewer, status=AssignmentStatus.PENDING, cycle__status=CycleStatus.OPEN
        )
        .select_related("cycle", "participant__participant__user")
        .order_by("cycle__closes_on", "id")
    )


def cycle_progress(cycle) -> QuerySet[CycleParticipant]:
    """Per participant: reviewers asked and answered (counts only), for HR's dashboard."""
    return (
        CycleParticipant.objects.filter(cycle=cycle)
        .select_related("participant__user", "participant__manager__user")
        .annotate(
            asked=Count("assignments", filter=~Q(assignments__status=AssignmentStatus.PROPOSED)),
            answered=Count("assignments", filter=Q(assignments__status=AssignmentStatus.ANSWERED)),
        )
        .order_by("participant__user__name", "id")
    )


def _count_per_cycle(model, **filters):
    """A correlated COUNT per cycle (subqueries keep the counts from multiplying)."""
    rows = (
        model.objects.filter(cycle=OuterRef("pk"), **filters)
        .order_by()
        .values("cycle")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def cycles_overview():
    """Every cycle of the organization with participants, reviews asked and answered."""
    return FeedbackCycle.objects.annotate(
        participant_count=_count_per_cycle(CycleParticipant),
        asked=_count_per_cycle(
            ReviewerAssignment,
            status__in=[AssignmentStatus.PENDING, AssignmentStatus.ANSWERED],
        ),
        answered=_count_per_cycle(ReviewerAssignment, status=AssignmentStatus.ANSWERED),
    ).order_by("-opens_on", "-id")


def cycle_totals(cycle) -> dict:
    """HR's summary of a cycle: counts only, never who wrote what."""
    totals = ReviewerAssignment.objects.filter(cycle=cycle).aggregate(
        asked=Count("id", filter=~Q(status=AssignmentStatus.PROPOSED)),
        answered=Count("id", filter=Q(status=AssignmentStatus.ANSWERED)),
        proposed=Count("id", filter=Q(status=AssignmentStatus.PROPOSED)),
    )
    totals["participants"] = CycleParticipant.objects.filter(cycle=cycle).count()
    totals["percent"] = round(100 * totals["answered"] / totals["asked"]) if totals["asked"] else 0
    return totals


def cycle_reminders_sent(cycle) -> dict:
    """How many reminders HR sent for a cycle, and when last."""
    return OutboxMessage.objects.filter(
        kind="feedback.cycle_reminder", occasion__startswith=reminder_prefix(cycle)
    ).aggregate(count=Count("id"), last=Max("created_at"))


def my_cycle_participations(viewer: Membership) -> QuerySet[CycleParticipant]:
    """The open and closed cycles the viewer is a participant of, with their peer count."""
    return (
        CycleParticipant.objects.filter(participant=viewer)
        .exclude(cycle__status=CycleStatus.DRAFT)
        .select_related("cycle")
        .annotate(peer_count=Count("assignments", filter=Q(assignments__relation=Relation.PEER)))
        .order_by("-cycle__opens_on", "-id")
    )


def team_cycle_results(viewer: Membership) -> QuerySet[CycleParticipant]:
    """Closed-cycle results of the viewer's direct reports (a manager reads them)."""
    return (
        CycleParticipant.objects.filter(
            participant__manager=viewer, cycle__status=CycleStatus.CLOSED
        )
        .select_related("cycle", "participant__user")
        .order_by("-cycle__opens_on", "participant__user__name", "id")
    )


def peers_waiting_for(viewer: Membership):
    """Per open cycle: how many peers the viewer's reports proposed and wait for approval."""
    return (
        ReviewerAssignment.objects.filter(
            participant__participant__manager=viewer,
            status=AssignmentStatus.PROPOSED,
            cycle__status=CycleStatus.OPEN,
        )
        .order_by()
        .values("cycle_id", "cycle__name", "cycle__closes_on")
        .annotate(waiting=Count("id"))
        .order_by("cycle__closes_on", "cycle_id")
    )


def proposed_peers(viewer: Membership, cycle) -> QuerySet[ReviewerAssignment]:
    """The peers the viewer's reports proposed in a cycle, waiting for the viewer."""
    return (
        ReviewerAssignment.objects.filter(
            cycle=cycle,
            participant__participant__manager=viewer,
            status=AssignmentStatus.PROPOSED,
        )
        .select_related("reviewer__user", "participant__participant__user")
        .order_by("participant__participant__user__name", "participant_id", "reviewer__user__name")
    )


def peer_nominations(entry: CycleParticipant) -> QuerySet[ReviewerAssignment]:
    return (
        ReviewerAssignment.objects.filter(participant=entry, relation=Relation.PEER)
        .select_related("reviewer__user")
        .order_by("reviewer__user__name", "id")
    )
