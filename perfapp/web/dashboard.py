"""The manager's team dashboard is assembled from columns that apps contribute.

An app registers a *dashboard source* in its ``wiring.py``::

    from perfapp.web import dashboard
    dashboard.SOURCES.register(CheckinColumns())

A source declares the ``columns`` it fills and answers for a whole batch of people at
once: ``rows(members, viewer=, today=)`` returns ``{member_id: Contribution}`` in a fixed
number of queries, whatever the number of members, so the page costs the same for 5 or 50
reports. A contribution carries one ``Cell`` per column of the source and the
``Attention`` reasons the source sees for that person ("no 1:1 for 23 days"). Sources
must only say what the viewer (the manager, or HR) may know: counts and dates, never the
content of private feedback or notes.

The core knows no domain app: it picks the people, asks every source, sorts and finds
who needs attention.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from django.db.models import QuerySet

from perfapp.orgs.models import Membership
from perfapp.registry import Registry

__all__ = [
    "SOURCES",
    "Attention",
    "Cell",
    "Column",
    "Contribution",
    "DashboardSource",
    "Row",
    "TeamDashboard",
    "build",
    "columns",
    "team_members",
]

MAX_DEPTH = 10  # indirect reports: levels of the line followed below the manager


@dataclass(frozen=True)
class Column:
    key: str  # stable, used by ?sort= and the API: "checkin_last"
    label: str  # the column header: "Last 1:1"
    numeric: bool = False  # right-aligned; sorts descending first


@dataclass(frozen=True)
class Cell:
    """One person's value in one column, as the page and the API show it."""

    text: str  # what the cell reads: "3 days ago", "2 open"
    sort: Any = None  # what the column sorts by (a number, a date, a string); None sorts last
    tone: str = ""  # "", "success", "warning" or "danger": shown as a badge
    detail: str = ""  # a second, quieter line
    url: str = ""  # where the cell leads, if anywhere


@dataclass(frozen=True)
class Attention:
    key: str  # stable: "checkin.lapsed", "recognition.quiet"
    text: str  # one short sentence for the manager: "No 1:1 for 23 days"


@dataclass
class Contribution:
    cells: dict[str, Cell] = field(default_factory=dict)
    attention: list[Attention] = field(default_factory=list)


class DashboardSource(Protocol):
    key: str
    order: int
    columns: tuple[Column, ...]

    def rows(
        self, members: list[Membership], *, viewer: Membership, today: date
    ) -> dict[int, Contribution]: ...


SOURCES: Registry[DashboardSource] = Registry(
    "team dashboard source", order=lambda source: source.order
)


def columns() -> list[Column]:
    return [column for source in SOURCES.all() for column in source.columns]


# --- who is on the dashboard ----------------------------------------------------------------


def _people() -> QuerySet[Membership]:
    return Membership.objects.select_related("user", "team", "manager__user").filter(is_active=True)


def team_members(manager: Membership, *, indirect: bool = False) -> list[Membership]:
    """The manager's active direct reports; with ``indirect``, everyone below them too
    (one query per level of the line, never per person)."""
    found = list(_people().filter(manager=manager).order_by("user__name", "id"))
    if not indirect:
        return found
    seen = {manager.pk, *(person.pk for person in found)}
    level = [person.pk for person in found]
    for _depth in range(MAX_DEPTH):
        if not level:
            break
        below = [p for p in _people().filter(manager_id__in=level) if p.pk not in seen]
        seen.update(person.pk for person in below)
        found.extend(below)
        level = [person.pk for person in below]
    return sorted(found, key=lambda person: (person.name.lower(), person.pk))


# --- the dashboard ----------------------------------------------------------------------------


@dataclass
class Row:
    person: Membership
    cells: dict[str, Cell]
    attention: list[Attention]
    direct: bool = True  # a direct report (False: further down the line)


@dataclass
class TeamDashboard:
    manager: Membership
    columns: list[Column]
    rows: list[Row]
    sort: str  # the applied sort: "name", "checkin_last" or "-checkin_last"
    indirect: bool = False

    @property
    def attention(self) -> list[Row]:
        """Rows that need the manager, most reasons first."""
        needing = [row for row in self.rows if row.attention]
        return sorted(needing, key=lambda row: (-len(row.attention), row.person.name.lower()))


NAME = Column("name", "Person")


def sort_keys() -> set[str]:
    keys = {NAME.key, *(column.key for column in columns())}
    return keys | {f"-{key}" for key in keys}


def _sorted(rows: list[Row], sort: str) -> list[Row]:
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    by_name = sorted(rows, key=lambda row: (row.person.name.lower(), row.person.pk))
    if key == NAME.key:
        return list(reversed(by_name)) if descending else by_name

    def value(row: Row):
        cell = row.cells.get(key)
        return None if cell is None else cell.sort

    present = [row for row in by_name if value(row) is not None]
    missing = [row for row in by_name if value(row) is None]
    present.sort(key=value, reverse=descending)
    return present + missing  # people without a value stay last either way


def build(
    manager: Membership,
    *,
    viewer: Membership,
    today: date,
    sort: str = "",
    indirect: bool = False,
    members: Iterable[Membership] | None = None,
) -> TeamDashboard:
    """One row per report with every source's cells and attention reasons. The query
    count is fixed: the people, then each source's batch."""
    people = list(members) if members is not None else team_members(manager, indirect=indirect)
    rows = {
        person.pk: Row(person, {}, [], direct=person.manager_id == manager.pk) for person in people
    }
    for source in SOURCES.all():
        if not people:
            break
        found = source.rows(people, viewer=viewer, today=today)
        for pk, contribution in found.items():
            if pk in rows:
                rows[pk].cells.update(contribution.cells)
                rows[pk].attention.extend(contribution.attention)
    all_columns = columns()
    sort = sort if sort in sort_keys() else NAME.key
    return TeamDashboard(
        manager=manager,
        columns=all_columns,
        rows=_sorted(list(rows.values()), sort),
        sort=sort,
        indirect=indirect,
    )


def days_ago(day: date | None, today: date) -> str:
    """ "today", "yesterday", "12 days ago": how cells say when something happened."""
    if day is None:
        return ""
    days = (today - day).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"{days} days ago"
