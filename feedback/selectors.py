"""Reads of feedback, always through the visibility rules of permissions.py."""

from datetime import date

from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, QuerySet

from perfapp.orgs.models import Membership

from .models import (
    AssignmentStatus,
    CycleParticipant,
    CycleStatus,
    Feedback,
    FeedbackRequest,
    RequestReviewer,
    RequestStatus,
    ReviewerAssignment,
    Visibility,
)

BOXES = ("received", "given", "team")


def _with_related(rows: QuerySet[Feedback]) -> QuerySet[Feedback]:
    from advancement.models import Competency

    return rows.select_related(
        "author__user", "recipient__user", "request_reviewer__request"
    ).prefetch_related(Prefetch("competencies", queryset=Competency.objects.order_by("name")))


def timeline(
    viewer: Membership,
    *,
    box: str = "received",
    kind: str = "",
    competency_id: int | None = None,
    person_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[Feedback]:
    """Feedback the viewer may read, newest first.

    received: to the viewer (not what was written only for their manager);
    given: by the viewer; team: what the viewer's direct reports shared with them, and
    answers to the viewer's requests about a report.
    """
    if box == "given":
        rows = Feedback.objects.filter(author=viewer)
    elif box == "team":
        rows = Feedback.objects.filter(_team_box(viewer)).exclude(author=viewer)
    else:
        rows = Feedback.objects.filter(recipient=viewer).exclude(visibility=Visibility.MANAGER_ONLY)
    if kind:
        rows = rows.filter(kind=kind)
    if competency_id:
        rows = rows.filter(competencies__id=competency_id)
    if person_id:
        rows = rows.filter(Q(author_id=person_id) | Q(recipient_id=person_id))
    if since:
        rows = rows.filter(created_at__date__gte=since)
    if until:
        rows = rows.filter(created_at__date__lte=until)
    return _with_related(rows).order_by("-created_at", "-id")


def _team_box(viewer: Membership) -> Q:
    """What a manager reads of their reports' feedback: what each shared with their
    manager, and the answers to the manager's own requests (which may be manager-only).

    The report and request ids are read first (two small indexed queries): an ``OR``
    across joins, or of ``IN (subquery)`` conditions, made Postgres read every feedback
    item of the organization (470 ms at 20,000 people); literal id lists let it combine
    two index scans instead. Read once per request (the timeline and its person filter
    both ask): kept on the viewer's membership, which lives as long as the request."""
    found = viewer.__dict__.get("_team_box_ids")
    if found is None:
        reports = list(Membership.objects.filter(manager=viewer).values_list("pk", flat=True))
        asked = list(
            RequestReviewer.objects.filter(
                request__in=FeedbackRequest.objects.filter(requester=viewer).values("pk")
            ).values_list("pk", flat=True)
        )
        found = viewer.__dict__["_team_box_ids"] = (reports, asked)
    reports, asked = found
    return Q(recipient_id__in=reports, visibility=Visibility.WITH_MANAGER) | Q(
        request_reviewer_id__in=asked, visibility=Visibility.MANAGER_ONLY
    )


def timeline_people(viewer: Membership, box: str, latest: int | None = None) -> QuerySet:
    """Ids of the people on the other side of the viewer's feedback in ``box`` (authors
    and recipients, the viewer excluded), as a subquery for the timeline's person filter;
    with ``latest``, only those of the latest that many items."""
    rows = timeline(viewer, box=box).order_by()
    if latest is not None:
        rows = rows.order_by("-created_at", "-id")
    # Received: the viewer is every recipient; given: every author. One side each keeps
    # the plan an index probe per item, not a scan of the organization's people.
    sides = {"received": ["author_id"], "given": ["recipient_id"]}.get(
        box, ["author_id", "recipient_id"]
    )
    found = Q()
    for side in sides:
        found |= Q(pk__in=rows.values_list(side, flat=True)[:latest])
    return Membership.objects.filter(found).exclude(pk=viewer.pk).values("pk")


def readable(viewer: Membership) -> QuerySet[Feedback]:
    """Every piece of feedback the viewer may open (for detail pages and the API)."""
    return _with_related(
        Feedback.objects.filter(
            Q(author=viewer)
            | (Q(recipient=viewer) & ~Q(visibility=Visibility.MANAGER_ONLY))
            | Q(recipient__manager=viewer, visibility=Visibility.WITH_MANAGER)
            | Q(visibility=Visibility.MANAGER_ONLY, request_reviewer__request__requester=viewer)
        )
    )


HR_COUNTS_FRESH_FOR = 300  # seconds


def counts_for_hr(organization_id: int) -> dict:
    """What HR sees of feedback: counts, never content.

    Counted at most every five minutes per organization (in the shared cache): the count
    reads every feedback item the organization holds, about a million rows at 20,000
    people, and HR's feedback page showed it on every visit."""

    def count() -> dict:
        return Feedback.objects.aggregate(
            total=Count("id"),
            praise=Count("id", filter=Q(kind="praise")),
            constructive=Count("id", filter=Q(kind="constructive")),
            suggestion=Count("id", filter=Q(kind="suggestion")),
        )

    return cache.get_or_set(
        f"feedback:hr-counts:{organization_id}", count, timeout=HR_COUNTS_FRESH_FOR
    )


def requests_made(viewer: Membership) -> QuerySet[FeedbackRequest]:
    return (
        FeedbackRequest.objects.filter(requester=viewer)
        .select_related("subject__user", "competency")
        .annotate(
            asked=Count("reviewers", distinct=True),
            answered=Count(
                "reviewers", filter=Q(reviewers__status=RequestStatus.ANSWERED), distinct=True
            ),
        )
        .order_by("-created_at", "-id")
    )


def requests_for_me(viewer: Membership, *, open_only: bool = True) -> QuerySet[RequestReviewer]:
    rows = RequestReviewer.objects.filter(reviewer=viewer).select_related(
        "request__requester__user", "request__subject__user", "request__competency"
    )
    if open_only:
        rows = rows.filter(status=RequestStatus.PENDING)
    return rows.order_by("request__due_date", "id")


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


# --- cycle pages --------------------------------------------------------------------------


def _count_per_cycle(model, **filters):
    """A correlated COUNT per cycle (subqueries keep the counts from multiplying)."""
    from django.db.models import IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

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
    from .models import FeedbackCycle

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
    from django.db.models import Max

    from perfapp.notifications.models import OutboxMessage

    from .cycles import reminder_prefix

    return OutboxMessage.objects.filter(
        kind="feedback.cycle_reminder", occasion__startswith=reminder_prefix(cycle)
    ).aggregate(count=Count("id"), last=Max("created_at"))


def my_cycle_participations(viewer: Membership) -> QuerySet[CycleParticipant]:
    """The open and closed cycles the viewer is a participant of, with their peer count."""
    from .models import CycleStatus, Relation

    return (
        CycleParticipant.objects.filter(participant=viewer)
        .exclude(cycle__status=CycleStatus.DRAFT)
        .select_related("cycle")
        .annotate(peer_count=Count("assignments", filter=Q(assignments__relation=Relation.PEER)))
        .order_by("-cycle__opens_on", "-id")
    )


def team_cycle_results(viewer: Membership) -> QuerySet[CycleParticipant]:
    """Closed-cycle results of the viewer's direct reports (a manager reads them)."""
    from .models import CycleStatus

    return (
        CycleParticipant.objects.filter(
            participant__manager=viewer, cycle__status=CycleStatus.CLOSED
        )
        .select_related("cycle", "participant__user")
        .order_by("-cycle__opens_on", "participant__user__name", "id")
    )


def peers_waiting_for(viewer: Membership):
    """Per open cycle: how many peers the viewer's reports proposed and wait for approval."""
    from .models import CycleStatus

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
    from .models import Relation

    return (
        ReviewerAssignment.objects.filter(participant=entry, relation=Relation.PEER)
        .select_related("reviewer__user")
        .order_by("reviewer__user__name", "id")
    )
