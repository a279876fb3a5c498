"""Reads for mentoring: the reporting line, the mentor search, and each person's
mentorships and requests. Every function costs a fixed number of queries, whatever the
size of the organization."""

from datetime import datetime

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from advancement.models import Competency
from development.models import (
    MentorProfile,
    Mentorship,
    MentorshipRequest,
    MentorshipRequestStatus,
    MentorshipStatus,
)
from perfapp.orgs.models import Membership

# How far up and down the reporting tree is walked (deeper trees are not real companies).
MAX_DEPTH = 50


def reporting_line_ids(person: Membership) -> set[int]:
    """Everyone in the person's reporting line, the person excluded: their managers up
    the chain, and everyone who reports to them, directly or through others. One query."""
    table = connection.ops.quote_name(Membership._meta.db_table)
    sql = f"""
        WITH RECURSIVE up(id, manager_id, depth) AS (
            SELECT id, manager_id, 0 FROM {table} WHERE id = %s AND organization_id = %s
            UNION ALL
            SELECT m.id, m.manager_id, up.depth + 1 FROM {table} m
            JOIN up ON m.id = up.manager_id
            WHERE m.organization_id = %s AND up.depth < %s
        ),
        down(id, depth) AS (
            SELECT id, 0 FROM {table} WHERE id = %s AND organization_id = %s
            UNION ALL
            SELECT m.id, down.depth + 1 FROM {table} m
            JOIN down ON m.manager_id = down.id
            WHERE m.organization_id = %s AND down.depth < %s
        )
        SELECT id FROM up UNION SELECT id FROM down
    """  # the table name comes from the model; every value is a parameter
    org = person.organization_id
    params = [person.pk, org, org, MAX_DEPTH, person.pk, org, org, MAX_DEPTH]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = {row[0] for row in cursor.fetchall()}
    found.discard(person.pk)
    return found


def _active_mentees():
    return Coalesce(
        Subquery(
            Mentorship.objects.filter(mentor=OuterRef("membership_id"), status="active")
            .values("mentor")
            .annotate(n=Count("id"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def with_load(profiles: QuerySet[MentorProfile]) -> QuerySet[MentorProfile]:
    """``mentees``: current mentees; ``has_room``: capacity left for one more."""
    return profiles.annotate(mentees=_active_mentees()).annotate(
        has_room=ExpressionWrapper(Q(capacity__gt=F("mentees")), output_field=BooleanField())
    )


def mentor_search(viewer: Membership, competency: Competency | None) -> QuerySet[MentorProfile]:
    """Active colleagues who offer mentoring in ``competency`` (in anything, when it is
    None), never the viewer nor the
    viewer's own manager. Those with room come first; among them, people outside the
    viewer's reporting line before those inside it (``in_line``); ``rank`` says where
    each falls: 0 room and outside the line, 1 room and inside, 2 full and outside, 3 full
    and inside."""
    profiles = (
        MentorProfile.objects.filter(membership__is_active=True)
        .exclude(membership_id=viewer.pk)
        .select_related("membership__user", "membership__team")
    )
    if competency is not None:
        profiles = profiles.filter(competencies=competency)
    if viewer.manager_id:
        profiles = profiles.exclude(membership_id=viewer.manager_id)
    line = reporting_line_ids(viewer)
    in_line = (
        Case(When(membership_id__in=line, then=Value(True)), default=Value(False))
        if line
        else Value(False)
    )
    return (
        with_load(profiles)
        .annotate(in_line=ExpressionWrapper(in_line, output_field=BooleanField()))
        .annotate(
            rank=Case(
                When(has_room=True, in_line=False, then=Value(0)),
                When(has_room=True, then=Value(1)),
                When(in_line=False, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "membership__user__name", "id")
    )


def competencies_with_mentors(viewer: Membership) -> QuerySet[Competency]:
    """Active competencies, each with how many colleagues offer mentoring in it."""
    through = MentorProfile.competencies.through
    # django-stubs does not carry the annotation n made after values() on an implicit
    # through model, so it rejects .values("n"); Django accepts it.
    offers = (
        through.objects.filter(  # type: ignore[misc]
            competency_id=OuterRef("pk"), mentorprofile__membership__is_active=True
        )
        .exclude(mentorprofile__membership_id=viewer.pk)
        .values("competency_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        Competency.objects.filter(archived_at__isnull=True)
        .annotate(mentors=Coalesce(Subquery(offers, output_field=IntegerField()), 0))
        .order_by("name")
    )


def asked_by(viewer: Membership, competency: Competency) -> set[int]:
    """Mentors the viewer has a pending request with about ``competency``."""
    return set(
        MentorshipRequest.objects.filter(
            mentee=viewer, competency=competency, status=MentorshipRequestStatus.PENDING
        ).values_list("mentor_id", flat=True)
    )


def mentoring_me(viewer: Membership, competency: Competency) -> set[int]:
    return set(
        Mentorship.objects.filter(
            mentee=viewer, competency=competency, status=MentorshipStatus.ACTIVE
        ).values_list("mentor_id", flat=True)
    )


def offer_of(viewer: Membership) -> MentorProfile | None:
    return (
        with_load(MentorProfile.objects.filter(membership=viewer))
        .prefetch_related("competencies")
        .first()
    )


def mentorships_of(viewer: Membership) -> QuerySet[Mentorship]:
    """The viewer's mentorships, as mentor or mentee: active ones first, newest first."""
    return (
        Mentorship.objects.filter(Q(mentor=viewer) | Q(mentee=viewer))
        .select_related("mentor__user", "mentee__user", "competency")
        .annotate(session_count=Count("sessions"), last_session=Max("sessions__held_on"))
        .order_by("status", "-started_at", "-id")
    )


def _requests() -> QuerySet[MentorshipRequest]:
    return MentorshipRequest.objects.select_related("mentee__user", "mentor__user", "competency")


def requests_for(viewer: Membership) -> QuerySet[MentorshipRequest]:
    """Requests waiting for the viewer's answer, oldest first."""
    return (
        _requests()
        .filter(mentor=viewer, status=MentorshipRequestStatus.PENDING)
        .order_by("created_at", "id")
    )


def requests_by(viewer: Membership, declined_since: datetime) -> QuerySet[MentorshipRequest]:
    """Requests the viewer made that are still waiting, or were declined since
    ``declined_since`` (so the kind note is read)."""
    return (
        _requests()
        .filter(mentee=viewer)
        .filter(
            Q(status=MentorshipRequestStatus.PENDING)
            | Q(status=MentorshipRequestStatus.DECLINED, answered_at__gte=declined_since)
        )
        .order_by("-created_at", "-id")
    )


def visible_requests(viewer: Membership) -> QuerySet[MentorshipRequest]:
    return _requests().filter(Q(mentor=viewer) | Q(mentee=viewer))


def visible_mentorships(viewer: Membership) -> QuerySet[Mentorship]:
    return Mentorship.objects.filter(Q(mentor=viewer) | Q(mentee=viewer)).select_related(
        "mentor__user", "mentee__user", "competency", "closed_by__user"
    )
