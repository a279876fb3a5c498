"""Reads of feedback, always through the visibility rules of ``feedback.permissions``."""

from datetime import date

from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, QuerySet

from feedback.models import Feedback, FeedbackRequest, RequestReviewer, Visibility
from perfapp.compiled import CompiledQuery
from perfapp.orgs.models import Membership

BOXES = ("received", "given", "team")


def _with_related(rows: QuerySet[Feedback]) -> QuerySet[Feedback]:
    """What a page of one piece of feedback shows: both people, the request it answers
    and its competencies."""
    return _with_competencies(
        rows.select_related("author__user", "recipient__user", "request_reviewer__request")
    )


def _with_competencies(rows: QuerySet[Feedback]) -> QuerySet[Feedback]:
    from advancement.models import Competency

    return rows.prefetch_related(
        Prefetch("competencies", queryset=Competency.objects.order_by("name"))
    )


# The people a timeline row names, joined: only the other side of the viewer's own box.
# In received and given feedback the viewer's side is the viewer, set on every row by
# the membership's related manager without a join; the request is named by its id only.
# Seven joined tables took Postgres 3 ms to plan for a query that ran in 0.5 ms, and
# built two model instances a row that the page never read.
OTHER_SIDE = {"received": ("author__user",), "given": ("recipient__user",)}
BOTH_SIDES = ("author__user", "recipient__user")


def timeline(
    viewer: Membership,
    *,
    box: str = "received",
    kind: str = "",
    competency_id: int | None = None,
    person_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
    related: bool = True,
) -> QuerySet[Feedback]:
    """Feedback the viewer may read, newest first.

    received: to the viewer (not what was written only for their manager);
    given: by the viewer; team: what the viewer's direct reports shared with them, and
    answers to the viewer's requests about a report.

    With ``related``, the people a row names and its competencies (the request it
    answers only by id); without, only the rows: for reading them as plain values (the
    API list).
    """
    if box == "given":
        rows = viewer.feedback_given.all()
    elif box == "team":
        rows = Feedback.objects.filter(_team_box(viewer)).exclude(author=viewer)
    else:
        rows = viewer.feedback_received.exclude(visibility=Visibility.MANAGER_ONLY)
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
    rows = rows.order_by("-created_at", "-id")
    if not related:
        return rows
    return _with_competencies(rows.select_related(*OTHER_SIDE.get(box, BOTH_SIDES)))


# The team box's two small reads, on every page and API list of it: compiled once
# (perfapp/compiled.py).
_report_ids = CompiledQuery(
    lambda organization_id, viewer: Membership.objects.filter(manager_id=viewer).values_list(
        "pk", flat=True
    ),
    params=("organization_id", "viewer"),
)
_asked_ids = CompiledQuery(
    lambda organization_id, viewer: RequestReviewer.objects.filter(
        request__in=FeedbackRequest.objects.filter(requester_id=viewer).values("pk")
    ).values_list("pk", flat=True),
    params=("organization_id", "viewer"),
)


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
        ids = {"organization_id": viewer.organization_id, "viewer": viewer.pk}
        found = viewer.__dict__["_team_box_ids"] = (_report_ids(**ids), _asked_ids(**ids))
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

    counts = cache.get_or_set(
        f"feedback:hr-counts:{organization_id}", count, timeout=HR_COUNTS_FRESH_FOR
    )
    assert counts is not None  # the default is a callable that returns a dict, never None
    return counts
