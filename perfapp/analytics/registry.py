"""HR analytics is assembled from figures that apps contribute (in their ``wiring.py``)::

    from perfapp.analytics import registry
    registry.CONTRIBUTIONS.register(registry.Contribution("feedback", 10, "Feedback", tables))

A contribution answers for the whole filtered population at once: ``tables(filters)``
returns ``Table``s computed with a fixed number of aggregate queries, whatever the size
of the organization. The core owns everything around the numbers: the filters, hiding
small groups, charts, the table view, CSV and the API, so an app only counts.

Every row says how many people its figures describe (``Row.people``). A row about
fewer than ``MIN_GROUP`` people (``perfapp.small_groups``, the one threshold of every
group figure) is hidden before anything is shown or exported: its values are dropped and
it reads "fewer than 5 people", so a team of two cannot be read person by person.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from django.db.models import Count, QuerySet

from perfapp.charts import bar_chart
from perfapp.orgs.models import Membership, Organization, Team
from perfapp.registry import Registry
from perfapp.small_groups import HIDDEN_TEXT, MIN_GROUP, too_small
from perfapp.timezones import zone_of

__all__ = ["HIDDEN_TEXT", "MIN_GROUP"]  # read from here by the page, the API and apps
NO_TEAM = "No team"


@dataclass(frozen=True)
class Filters:
    """What HR asked for: an organization, an inclusive date range in the organization's
    time zone, and optionally one team."""

    organization: Organization
    start: date
    end: date
    team: Team | None = None

    @property
    def zone(self) -> ZoneInfo:
        return zone_of(self.organization)

    @property
    def since(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=self.zone)

    @property
    def until(self) -> datetime:
        """The first moment after the range (exclusive bound)."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=self.zone)

    def members(self) -> QuerySet[Membership]:
        """Active people in the filter, lazily (used as a subquery, never a list)."""
        people = Membership.objects.filter(is_active=True)
        if self.team is not None:
            people = people.filter(team=self.team)
        return people

    @cached_property
    def teams(self) -> list[tuple[int | None, str, int]]:
        """``(team id, name, active people)`` per team in the filter, "No team" last. One
        query, remembered for the request so every contribution shares it."""
        rows = (
            self.members().values("team_id", "team__name").annotate(people=Count("id")).order_by()
        )
        found = [(row["team_id"], row["team__name"] or NO_TEAM, row["people"]) for row in rows]
        return sorted(found, key=lambda row: (row[0] is None, row[1].lower()))


@dataclass
class Row:
    label: str
    people: int  # how many people the figures of this row describe
    values: list  # one per column after the first
    chart_value: int = 0
    chart_text: str = ""
    hidden: bool = False


@dataclass
class Table:
    key: str  # unique across contributions: the anchor, the CSV name, the API key
    title: str
    description: str
    columns: list[str]  # the first names the rows (Team, Level, Cycle…)
    rows: list[Row]
    chart_title: str = ""
    chart_top: int | None = None  # 100 when the chart shows percentages
    chart: dict = field(default_factory=dict)

    @property
    def shown_rows(self) -> list[Row]:
        return [row for row in self.rows if not row.hidden]


@dataclass(frozen=True)
class Contribution:
    key: str
    order: int
    title: str
    tables: Callable[[Filters], list[Table]]


CONTRIBUTIONS: Registry[Contribution] = Registry(
    "analytics contribution", order=lambda contribution: contribution.order
)


def hide_small_groups(table: Table) -> Table:
    """Drop every figure of a row about fewer than MIN_GROUP people."""
    for row in table.rows:
        if too_small(row.people):
            row.hidden = True
            row.values = [None] * len(row.values)
            row.chart_value, row.chart_text = 0, HIDDEN_TEXT
    return table


def with_chart(table: Table) -> Table:
    table.chart = bar_chart(
        [(row.label, row.chart_value, row.chart_text) for row in table.rows],
        top_value=table.chart_top,
    )
    return table


@dataclass
class Section:
    key: str
    title: str
    tables: list[Table]


def report(filters: Filters) -> list[Section]:
    """Every contribution's tables, small groups hidden and charts laid out."""
    return [
        Section(
            c.key,
            c.title,
            [with_chart(hide_small_groups(table)) for table in c.tables(filters)],
        )
        for c in CONTRIBUTIONS.all()
    ]


def find_table(filters: Filters, key: str) -> Table | None:
    """One table by key (for its CSV), computing only the contribution that owns it."""
    prefix = key.split(".", 1)[0]
    contribution = CONTRIBUTIONS.find(prefix)
    if contribution is None:
        return None
    for table in contribution.tables(filters):
        if table.key == key:
            return hide_small_groups(table)
    return None


def percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def team_rows(filters: Filters, build: Callable[[int | None, str, int], Row | None]) -> list[Row]:
    """A row per team in the filter (``build(team_id, name, people)``), in team order."""
    return [row for team in filters.teams if (row := build(*team)) is not None]
