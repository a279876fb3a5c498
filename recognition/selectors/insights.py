"""Insights for managers and HR: who has not been recognized lately, how recognition
spreads across teams and kinds of contribution, who gives and who receives, and the
weekly trend. Every figure is an aggregate computed in SQL, and every function costs a
fixed number of queries whatever the size of the organization.

A manager's insights cover everyone who reports to them, directly or through others (one
recursive query); HR's cover the whole organization. Only active people count.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.db import connection
from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone

from perfapp.orgs.models import Membership
from perfapp.orgs.permissions import sees_every_email
from perfapp.small_groups import too_small
from perfapp.timezones import zone_of
from recognition.models import ContributionKind, Recognition, RecognitionRecipient
from recognition.permissions.points import can_see_insights, can_see_org_insights

MAX_DEPTH = 50  # how far down a reporting tree is walked
DAYS = (7, 365)  # the window a viewer may choose
WEEKS = (12, 26)  # the trend's length
LIST_LIMIT = 8  # people named per givers/receivers group


@dataclass(frozen=True)
class InsightScope:
    """Whose recognition the viewer reads: the whole organization, or a manager's tree."""

    viewer: Membership
    whole_org: bool

    @property
    def label(self) -> str:
        return "Whole organization" if self.whole_org else "Your team"

    def members(self) -> QuerySet[Membership]:
        """Active people in scope, as a lazy queryset (used as a subquery, never a list)."""
        people = Membership.objects.filter(is_active=True)
        if self.whole_org:
            return people
        return people.filter(id__in=RawSQL(*_reports_sql(self.viewer)))


def _reports_sql(manager: Membership) -> tuple[str, tuple]:
    """Everyone below ``manager`` in the reporting tree, as a subquery (one recursive CTE,
    bounded in depth and to the manager's organization)."""
    table = connection.ops.quote_name(Membership._meta.db_table)
    sql = f"""
        WITH RECURSIVE down(id, depth) AS (
            SELECT id, 0 FROM {table} WHERE manager_id = %s AND organization_id = %s
            UNION ALL
            SELECT m.id, down.depth + 1 FROM {table} m JOIN down ON m.manager_id = down.id
            WHERE m.organization_id = %s AND down.depth < %s
        )
        SELECT id FROM down
    """  # the table name comes from the model; every value is a parameter
    org = manager.organization_id
    return sql, (manager.pk, org, org, MAX_DEPTH)


def scope_for(viewer: Membership, *, want_org: bool | None = None) -> InsightScope | None:
    """The scope a viewer reads: HR the organization by default (their own team when they
    ask and manage someone), a manager their tree; None for everyone else."""
    if not can_see_insights(viewer):
        return None
    if can_see_org_insights(viewer):
        if want_org is False and viewer.is_manager:
            return InsightScope(viewer, whole_org=False)
        return InsightScope(viewer, whole_org=True)
    return InsightScope(viewer, whole_org=False)


def window_start(days: int, now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=days)


# --- who has not been recognized lately ----------------------------------------------------


def last_recognized() -> Subquery:
    """When a person was last recognized (the recipients index serves it)."""
    return Subquery(
        RecognitionRecipient.objects.filter(
            organization=OuterRef("organization_id"), recipient=OuterRef("pk")
        )
        .order_by("-created_at")
        .values("created_at")[:1]
    )


def quiet_people(
    scope: InsightScope, days: int, now: datetime | None = None
) -> QuerySet[Membership]:
    """People in scope not recognized in the last ``days`` days (never recognized first,
    then the longest wait). The window counts from when someone joined: a newcomer is
    listed once they have been here ``days`` days without recognition, as everywhere in
    the app (the weekly note, the 1:1 suggestion). Each row has ``last_recognized``."""
    cutoff = window_start(days, now)
    return (
        scope.members()
        .filter(joined_at__lte=cutoff)
        .annotate(last_recognized=last_recognized())
        .filter(Q(last_recognized__isnull=True) | Q(last_recognized__lt=cutoff))
        .select_related("user", "team", "manager__user")
        .order_by(F("last_recognized").asc(nulls_first=True), "user__name", "id")
    )


def newcomers_count(scope: InsightScope, days: int, now: datetime | None = None) -> int:
    """People in scope who joined within the window, so are not counted yet."""
    return scope.members().filter(joined_at__gt=window_start(days, now)).count()


# --- spread across teams and kinds of contribution -----------------------------------------


@dataclass
class TeamSpread:
    """A team's figures; ``None`` for a team too small to show (``perfapp.small_groups``),
    as analytics hides it."""

    team_id: int | None
    name: str
    people: int
    recognized: int | None = 0  # distinct people recognized in the window
    received: int | None = 0  # recognitions received in the window

    @property
    def hidden(self) -> bool:
        return too_small(self.people)

    @property
    def share(self) -> int | None:
        """Percentage of the team recognized at least once in the window."""
        if self.recognized is None:
            return None
        return round(100 * self.recognized / self.people) if self.people else 0


def _received_in(
    scope: InsightScope, since: datetime, until: datetime | None = None
) -> QuerySet[RecognitionRecipient]:
    received = RecognitionRecipient.objects.filter(
        recipient__in=scope.members(), created_at__gte=since
    )
    return received.filter(created_at__lt=until) if until is not None else received


def spread_by_team(
    scope: InsightScope, since: datetime, until: datetime | None = None
) -> list[TeamSpread]:
    """Per team: people, how many were recognized, how often; only the size of a team of
    fewer than ``MIN_GROUP`` people. Two queries."""
    rows = {
        row["team_id"]: TeamSpread(row["team_id"], row["team__name"] or "No team", row["people"])
        for row in scope.members()
        .values("team_id", "team__name")
        .annotate(people=Count("id"))
        .order_by()
    }
    for row in (
        _received_in(scope, since, until)
        .values("recipient__team_id")
        .annotate(received=Count("id"), recognized=Count("recipient_id", distinct=True))
        .order_by()
    ):
        spread = rows.get(row["recipient__team_id"])
        if spread is not None:
            spread.received, spread.recognized = row["received"], row["recognized"]
    for spread in rows.values():
        if spread.hidden:  # the same small-group rule as analytics: no figures at all
            spread.received = spread.recognized = None
    return sorted(
        rows.values(),
        key=lambda r: (r.team_id is None, r.hidden, -(r.share or 0), r.name.lower()),
    )


@dataclass
class KindSpread:
    kind_id: int
    name: str
    count: int
    share: int = 0  # percentage of all recognitions in the window
    people: int = 0  # distinct people recognized for this kind


def spread_by_kind(
    scope: InsightScope, since: datetime, until: datetime | None = None
) -> list[KindSpread]:
    """Recognitions received in scope per kind of contribution, every active kind listed
    (zero included, so a kind nobody sees shows). Two queries."""
    found = {
        row["recognition__kind_id"]: row
        for row in _received_in(scope, since, until)
        .values("recognition__kind_id")
        .annotate(
            n=Count("recognition_id", distinct=True), people=Count("recipient_id", distinct=True)
        )
        .order_by()
    }
    counts = {kind_id: row["n"] for kind_id, row in found.items()}
    kinds = list(
        ContributionKind.objects.filter(Q(archived_at__isnull=True) | Q(pk__in=list(counts)))
        .order_by("position", "id")
        .values_list("pk", "name")
    )
    total = sum(counts.values())
    rows = [
        KindSpread(pk, name, counts.get(pk, 0), people=found[pk]["people"] if pk in found else 0)
        for pk, name in kinds
    ]
    for row in rows:
        row.share = round(100 * row.count / total) if total else 0
    return rows


# --- givers and receivers -------------------------------------------------------------------


@dataclass
class GiversReceivers:
    people: int
    both: int  # gave and received
    give_only: int  # gave, never received
    receive_only: int  # received, never gave
    neither: int
    give_only_people: list[Membership] = field(default_factory=list)
    receive_only_people: list[Membership] = field(default_factory=list)
    top_givers: list[Membership] = field(default_factory=list)


if TYPE_CHECKING:
    # A dev-only package (the type checker's); the annotations below are never evaluated.
    from django_stubs_ext import WithAnnotations


class _Counts(TypedDict):
    given: int
    received: int


def with_counts(
    members: QuerySet[Membership], since: datetime
) -> QuerySet[WithAnnotations[Membership, _Counts]]:
    """``given`` and ``received`` in the window, as correlated counts on indexed columns."""
    given = (
        Recognition.objects.filter(giver=OuterRef("pk"), created_at__gte=since)
        .order_by()
        .values("giver")
        .annotate(n=Count("id"))
        .values("n")
    )
    received = (
        RecognitionRecipient.objects.filter(recipient=OuterRef("pk"), created_at__gte=since)
        .order_by()
        .values("recipient")
        .annotate(n=Count("id"))
        .values("n")
    )
    return members.annotate(
        given=Coalesce(Subquery(given, output_field=IntegerField()), Value(0)),
        received=Coalesce(Subquery(received, output_field=IntegerField()), Value(0)),
    )


def givers_and_receivers(scope: InsightScope, since: datetime) -> GiversReceivers:
    """Counts of each group in one query, and a few names of each in one query each."""
    people = with_counts(scope.members(), since)
    totals = people.aggregate(
        people=Count("id"),
        both=Count("id", filter=Q(given__gt=0, received__gt=0)),
        give_only=Count("id", filter=Q(given__gt=0, received=0)),
        receive_only=Count("id", filter=Q(given=0, received__gt=0)),
        neither=Count("id", filter=Q(given=0, received=0)),
    )
    named = people.select_related("user", "team")
    return GiversReceivers(
        **totals,
        give_only_people=list(
            named.filter(given__gt=0, received=0).order_by("-given", "user__name")[:LIST_LIMIT]
        ),
        receive_only_people=list(
            named.filter(given=0, received__gt=0).order_by("-received", "user__name")[:LIST_LIMIT]
        ),
        top_givers=list(named.filter(given__gt=0).order_by("-given", "user__name")[:LIST_LIMIT]),
    )


# --- the weekly trend -------------------------------------------------------------------------


@dataclass
class Week:
    starts_on: date
    recognitions: int
    people: int  # distinct people recognized that week


def weekly_trend(scope: InsightScope, weeks: int, now: datetime | None = None) -> list[Week]:
    """Recognitions received in scope per week (Monday to Sunday in the organization's
    time zone) over the last ``weeks`` weeks, this week included; empty weeks are zeros.
    One query."""
    zone = zone_of(scope.viewer.organization)
    today = (now or timezone.now()).astimezone(zone).date()
    first = today - timedelta(days=today.weekday() + 7 * (weeks - 1))
    start = datetime(first.year, first.month, first.day, tzinfo=zone)
    found = {
        row["week"].date() if isinstance(row["week"], datetime) else row["week"]: row
        for row in _received_in(scope, start)
        .annotate(week=TruncWeek("created_at", tzinfo=zone))
        .values("week")
        .annotate(
            n=Count("recognition_id", distinct=True), people=Count("recipient_id", distinct=True)
        )
        .order_by()
    }
    trend = []
    for index in range(weeks):
        day = first + timedelta(days=7 * index)
        row = found.get(day)
        trend.append(Week(day, row["n"], row["people"]) if row else Week(day, 0, 0))
    return trend


# --- the CSV export (HR) ---------------------------------------------------------------------

EXPORT_HEADER = (
    "name",
    "email",
    "team",
    "manager",
    "last_recognized",
    "days_since_recognized",
    "received_in_window",
    "given_in_window",
)


def export_rows(scope: InsightScope, days: int, now: datetime | None = None) -> Iterator[tuple]:
    """One row per active person in scope, streamed from one query in chunks. The email
    column is filled only for a reader who may see everyone's (owners and HR admins)."""
    now = now or timezone.now()
    emails = sees_every_email(scope.viewer)
    since = window_start(days, now)
    people = (
        with_counts(scope.members(), since)
        .annotate(last_recognized=last_recognized())
        .select_related("user", "team", "manager__user")
        .order_by("user__name", "id")
    )
    for person in people.iterator(chunk_size=500):
        last = person.last_recognized
        yield (
            person.name,
            person.email if emails else "",
            person.team.name if person.team else "",
            person.manager.name if person.manager else "",
            last.date().isoformat() if last else "",
            (now - last).days if last else "",
            person.received,
            person.given,
        )
