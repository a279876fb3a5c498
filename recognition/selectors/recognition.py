"""Reads of recognition: the wall (keyset-paginated) and profiles. (The company values and
contribution kinds are read in ``recognition.selectors.values``.)

The wall never counts its rows: pages are found with a keyset cursor on
(created_at, id), which the (organization, -created_at, -id) index serves at any depth,
and everything a page shows (people, values, kinds, competencies, the latest comments,
reaction counts) is loaded in a fixed number of queries, however many items it holds.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber, TruncMonth
from django.utils import timezone

from advancement.models import Competency
from perfapp.accounts.models import display_name
from perfapp.compiled import CompiledQuery
from perfapp.orgs.models import Membership
from recognition.models import (
    CompanyValue,
    ContributionKind,
    Reaction,
    Recognition,
    RecognitionComment,
    RecognitionRecipient,
)

LATEST_COMMENTS = 3
CURSOR = re.compile(r"^(\d{1,20})-(\d{1,19})$")


# --- the wall ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cursor:
    """Where a wall page starts: strictly older than (created_at, id)."""

    created_at: datetime
    id: int

    @property
    def token(self) -> str:
        stamp = self.created_at.astimezone(UTC)
        micros = int(stamp.timestamp()) * 1_000_000 + stamp.microsecond
        return f"{micros}-{self.id}"

    @classmethod
    def parse(cls, raw: str | None) -> "Cursor | None":
        """A cursor from a link; anything malformed is None (the first page)."""
        found = CURSOR.match(raw or "")
        if not found:
            return None
        micros, pk = int(found.group(1)), int(found.group(2))
        try:
            moment = datetime.fromtimestamp(micros // 1_000_000, tz=UTC).replace(
                microsecond=micros % 1_000_000
            )
        except (OverflowError, OSError, ValueError):
            return None
        if pk <= 0 or pk > 2**63 - 1:
            return None
        return cls(moment, pk)

    @classmethod
    def after(cls, recognition: Recognition) -> "Cursor":
        return cls(recognition.created_at, recognition.pk)


@dataclass
class WallPage:
    items: list[Recognition]
    next_cursor: Cursor | None = None


@dataclass(frozen=True)
class ReactionCount:
    emoji: str
    count: int
    mine: bool


@dataclass
class Criteria:
    team_id: int | None = None
    value_id: int | None = None
    kind_id: int | None = None
    person_id: int | None = None
    extra: dict = field(default_factory=dict)

    def __bool__(self) -> bool:
        return any((self.team_id, self.value_id, self.kind_id, self.person_id))


def comment_count() -> Coalesce:
    """A recognition's number of comments, as an annotation (one subquery per row)."""
    comments = (
        RecognitionComment.objects.filter(recognition=OuterRef("pk"))
        .order_by()
        .values("recognition")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(comments), 0)


def with_related(rows: QuerySet[Recognition]) -> QuerySet[Recognition]:
    """Everything a recognition card shows except reactions (see ``attach_reactions``)."""
    return (
        rows.select_related("giver__user", "kind")
        .annotate(comment_count=comment_count())
        .prefetch_related(
            Prefetch("values", queryset=CompanyValue.objects.order_by("position", "id")),
            Prefetch("competencies", queryset=Competency.objects.order_by("name")),
            Prefetch(
                "recipient_rows",
                queryset=RecognitionRecipient.objects.select_related("recipient__user").order_by(
                    "id"
                ),
            ),
        )
    )


def wall(criteria: Criteria | None = None) -> QuerySet[Recognition]:
    """Recognition of the active organization, newest first, filtered:

    team — received by someone now in the team; value, kind — showing it;
    person — given or received by them."""
    criteria = criteria or Criteria()
    rows = Recognition.objects.all()
    if criteria.kind_id:
        rows = rows.filter(kind_id=criteria.kind_id)
    if criteria.value_id:
        through = Recognition.values.through
        rows = rows.filter(
            Exists(
                through.objects.filter(
                    recognition_id=OuterRef("pk"), companyvalue_id=criteria.value_id
                )
            )
        )
    if criteria.team_id:
        rows = rows.filter(
            Exists(
                RecognitionRecipient.objects.filter(
                    recognition=OuterRef("pk"), recipient__team_id=criteria.team_id
                )
            )
        )
    if criteria.person_id:
        received = RecognitionRecipient.objects.filter(recipient_id=criteria.person_id).values(
            "recognition_id"
        )
        rows = rows.filter(Q(giver_id=criteria.person_id) | Q(pk__in=received))
    return rows.order_by("-created_at", "-id")


def wall_page(
    criteria: Criteria | None, cursor: Cursor | None, size: int, viewer: Membership
) -> WallPage:
    """One page of the wall after ``cursor``: its items (with reactions and the latest
    comments attached) and the cursor of the next page, if there is one. No COUNT."""
    rows = wall(criteria)
    if cursor is not None:
        rows = rows.filter(
            Q(created_at__lt=cursor.created_at) | Q(created_at=cursor.created_at, id__lt=cursor.id),
            created_at__lte=cursor.created_at,
        )
    items = list(card_rows(rows)[: size + 1])
    more = len(items) > size
    items = items[:size]
    attach_card_parts(items, viewer)
    return WallPage(items, Cursor.after(items[-1]) if more and items else None)


# What a wall card shows of its recipients, values, competencies and latest comments, read
# as plain rows rather than prefetched model instances: Django's prefetches of the same
# data cost 4-9 ms of CPU each for a page of 20 (building ~300 instances and their
# related managers); read as rows, the page's reads went from 21-29 to 16-19 ms. The rows
# keep the attribute paths the card templates use (``row.recipient.name``,
# ``comment.author.name``), so the card written in Python (templatetags/cards.py) and the
# templates render the same data alike.


@dataclass(frozen=True)
class Named:
    """A person as a card names them (``Membership.name``)."""

    pk: int
    name: str


@dataclass(frozen=True)
class RecipientRow:
    recipient_id: int
    recipient: Named


@dataclass(frozen=True)
class CommentRow:
    id: int
    author_id: int
    author: Named
    body: str
    created_at: datetime


@dataclass(frozen=True)
class Badge:
    """A value or a competency shown on a card."""

    name: str
    emoji: str = ""


def card_rows(rows: QuerySet[Recognition]) -> QuerySet[Recognition]:
    """What a wall card reads with the recognition itself (the rest: ``attach_card_parts``)."""
    return rows.select_related("giver__user", "kind").annotate(comment_count=comment_count())


def attach_card_parts(items: list[Recognition], viewer: Membership) -> None:
    """Per item: ``recipients``, ``shown_values``, ``shown_competencies``,
    ``latest_comments`` (oldest first), ``more_comments`` and ``reaction_counts``. Five
    queries for all items, four when none has comments."""
    ids = [item.pk for item in items]
    organization_id = viewer.organization_id
    recipients = _recipients_of(ids)
    values = _values_of(ids, organization_id)
    competencies = _competencies_of(ids, organization_id)
    # Only recognitions with comments are asked for theirs (the count is in the item's
    # row already): the windowed read costs 1-2 ms of CPU even when it finds nothing.
    commented = [item.pk for item in items if item.comment_count]  # type: ignore[attr-defined]
    comments = _latest_comments_of(commented) if commented else {}
    for item in items:
        item.recipients = recipients.get(item.pk, [])
        item.shown_values = values.get(item.pk, [])
        item.shown_competencies = competencies.get(item.pk, [])
        latest = comments.get(item.pk, [])
        item.latest_comments = latest
        count = item.comment_count  # type: ignore[attr-defined]  # the annotation
        item.more_comments = max(0, count - len(latest))
    attach_reactions(items, viewer)


def _recipients_of(ids: list[int]) -> dict[int, list[RecipientRow]]:
    found: dict[int, list[RecipientRow]] = defaultdict(list)
    rows = (
        RecognitionRecipient.objects.filter(recognition_id__in=ids)
        .order_by("id")
        .values_list(
            "recognition_id", "recipient_id", "recipient__user__name", "recipient__user__email"
        )
    )
    for recognition_id, person_id, name, email in rows:
        found[recognition_id].append(
            RecipientRow(person_id, Named(person_id, display_name(name, email)))
        )
    return found


def _values_of(ids: list[int], organization_id: int) -> dict[int, list[Badge]]:
    found: dict[int, list[Badge]] = defaultdict(list)
    rows = (
        Recognition.values.through.objects.filter(
            recognition_id__in=ids, companyvalue__organization_id=organization_id
        )
        .order_by("companyvalue__position", "companyvalue__id")
        .values_list("recognition_id", "companyvalue__name", "companyvalue__emoji")
    )
    for recognition_id, name, emoji in rows:
        found[recognition_id].append(Badge(name, emoji))
    return found


def _competencies_of(ids: list[int], organization_id: int) -> dict[int, list[Badge]]:
    found: dict[int, list[Badge]] = defaultdict(list)
    rows = (
        Recognition.competencies.through.objects.filter(  # type: ignore[attr-defined]
            recognition_id__in=ids, competency__organization_id=organization_id
        )
        .order_by("competency__name", "competency__id")
        .values_list("recognition_id", "competency__name")
    )
    for recognition_id, name in rows:
        found[recognition_id].append(Badge(name))
    return found


def _latest_comments_of(ids: list[int]) -> dict[int, list[CommentRow]]:
    """The latest ``LATEST_COMMENTS`` comments of each recognition, oldest first."""
    newest_first = (F("created_at").desc(), F("id").desc())
    rows = (
        RecognitionComment.objects.filter(recognition_id__in=ids)
        .annotate(
            place=Window(RowNumber(), partition_by=F("recognition_id"), order_by=newest_first)
        )
        .filter(place__lte=LATEST_COMMENTS)
        .values_list(
            "recognition_id",
            "id",
            "author_id",
            "author__user__name",
            "author__user__email",
            "body",
            "created_at",
        )
    )
    found: dict[int, list[CommentRow]] = defaultdict(list)
    for recognition_id, pk, author_id, name, email, body, created_at in sorted(
        rows, key=lambda row: (row[6], row[1])
    ):
        author = Named(author_id, display_name(name, email))
        found[recognition_id].append(CommentRow(pk, author_id, author, body, created_at))
    return found


def reaction_counts(recognition_ids: list[int], viewer: Membership) -> dict[int, list]:
    """Per recognition, every emoji of the fixed set with its count and whether the viewer
    reacted with it. One query."""
    found: dict[int, dict[str, tuple[int, bool]]] = defaultdict(dict)
    rows = (
        Reaction.objects.filter(recognition_id__in=recognition_ids)
        .order_by()
        .values("recognition_id", "emoji")
        .annotate(n=Count("id"), mine=Count("id", filter=Q(member=viewer)))
    )
    for row in rows:
        found[row["recognition_id"]][row["emoji"]] = (row["n"], row["mine"] > 0)
    return {
        pk: [ReactionCount(emoji, *found[pk].get(emoji, (0, False))) for emoji in Reaction.EMOJI]
        for pk in recognition_ids
    }


def attach_reactions(items: list[Recognition], viewer: Membership) -> None:
    counts = reaction_counts([item.pk for item in items], viewer)
    for item in items:
        item.reaction_counts = counts[item.pk]


def one(pk: int, viewer: Membership) -> Recognition:
    """One recognition with everything its page shows; DoesNotExist when missing."""
    item = with_related(Recognition.objects.filter(pk=pk)).get()
    attach_reactions([item], viewer)
    return item


def comments_of(recognition: Recognition, limit: int = 200) -> list[RecognitionComment]:
    return list(
        RecognitionComment.objects.filter(recognition=recognition)
        .select_related("author__user")
        .order_by("created_at", "id")[:limit]
    )


# The home panel's two reads, on every home page: compiled once (perfapp/compiled.py).
@cache
def _received_since(limit: int) -> CompiledQuery:  # a limit is part of the statement
    return CompiledQuery(
        lambda organization_id, member_id, since: (
            RecognitionRecipient.objects.filter(
                organization_id=organization_id, recipient_id=member_id, created_at__gte=since
            )
            .order_by("-created_at", "-id")
            .values_list("recognition_id", flat=True)[:limit]
        ),
        params=("organization_id", "member_id", "since"),
    )


_with_giver_and_kind = CompiledQuery(
    lambda organization_id, ids: Recognition.objects.filter(
        organization_id=organization_id, pk__in=ids
    ).select_related("giver__user", "kind"),
    params=("organization_id", "ids"),
)


def recent_for(member: Membership, limit: int = 3, days: int = 30) -> list[Recognition]:
    """Recognition the member received lately, newest first (the home panel)."""
    since = timezone.now() - timedelta(days=days)
    organization_id = member.organization_id
    ids = _received_since(limit)(organization_id=organization_id, member_id=member.pk, since=since)
    rows = _with_giver_and_kind(organization_id=organization_id, ids=ids)  # none: no query
    return sorted(rows, key=lambda row: (row.created_at, row.pk), reverse=True)


def last_recognized_at(member: Membership) -> datetime | None:
    row = (
        RecognitionRecipient.objects.filter(recipient=member)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return row


# --- profile ---------------------------------------------------------------------------------


@dataclass
class Profile:
    received: int
    given: int
    months: list[dict]  # {"month": date, "received": n, "given": n}, oldest first
    by_value: list[dict]  # {"value": CompanyValue, "received": n, "given": n}
    by_kind: list[dict]  # {"kind": ContributionKind, "received": n, "given": n}


def _month_starts(now: datetime, tz: ZoneInfo, months: int) -> list:
    local = now.astimezone(tz)
    year, month = local.year, local.month
    starts = []
    for _ in range(months):
        starts.append(datetime(year, month, 1, tzinfo=tz))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(starts))


def profile(person: Membership, *, months: int = 12, tz_name: str = "UTC") -> Profile:
    """Recognition ``person`` received and gave: totals, a monthly series over the last
    ``months`` months, and both broken down by value and by contribution kind. Six
    aggregate queries, whatever the amount of recognition."""
    tz = ZoneInfo(tz_name)
    starts = _month_starts(timezone.now(), tz, months)
    since = starts[0]
    received_ids = RecognitionRecipient.objects.filter(recipient=person).values("recognition_id")
    received = Recognition.objects.filter(pk__in=received_ids)
    given = Recognition.objects.filter(giver=person)

    def per_month(rows: QuerySet) -> dict:
        found = (
            rows.filter(created_at__gte=since)
            .annotate(month=TruncMonth("created_at", tzinfo=tz))
            .order_by()
            .values("month")
            .annotate(n=Count("id"))
        )
        return {row["month"].date(): row["n"] for row in found}

    received_months, given_months = per_month(received), per_month(given)
    series = [
        {
            "month": start.date(),
            "received": received_months.get(start.date(), 0),
            "given": given_months.get(start.date(), 0),
        }
        for start in starts
    ]

    def counts(rows: QuerySet, key: str) -> dict[int, int]:
        return dict(
            rows.order_by().values(key).annotate(n=Count("id", distinct=True)).values_list(key, "n")
        )

    totals = (
        Recognition.objects.filter(Q(pk__in=received_ids) | Q(giver=person))
        .order_by()
        .aggregate(
            received=Count("id", filter=Q(pk__in=received_ids)),
            given=Count("id", filter=Q(giver=person)),
        )
    )
    value_received = counts(received.filter(values__isnull=False), "values")
    value_given = counts(given.filter(values__isnull=False), "values")
    kind_received, kind_given = counts(received, "kind"), counts(given, "kind")
    value_ids = set(value_received) | set(value_given)
    by_value = [
        {
            "value": value,
            "received": value_received.get(value.pk, 0),
            "given": value_given.get(value.pk, 0),
        }
        for value in CompanyValue.objects.filter(
            Q(archived_at__isnull=True) | Q(pk__in=value_ids)
        ).order_by("archived_at", "position", "id")
    ]
    kind_ids = set(kind_received) | set(kind_given)
    by_kind = [
        {
            "kind": kind,
            "received": kind_received.get(kind.pk, 0),
            "given": kind_given.get(kind.pk, 0),
        }
        for kind in ContributionKind.objects.filter(
            Q(archived_at__isnull=True) | Q(pk__in=kind_ids)
        ).order_by("archived_at", "position", "id")
    ]
    return Profile(totals["received"], totals["given"], series, by_value, by_kind)


def received_recently(person: Membership, limit: int = 5) -> list[Recognition]:
    """The latest recognition ``person`` received, newest first."""
    latest = (
        RecognitionRecipient.objects.filter(recipient=person)
        .order_by("-created_at", "-id")
        .values("recognition_id")[:limit]
    )
    rows = Recognition.objects.filter(pk__in=latest).order_by("-created_at", "-id")
    return list(with_related(rows))
