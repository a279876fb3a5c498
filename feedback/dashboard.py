"""What feedback and check-ins contribute to the manager's team dashboard
(``perfapp.web.dashboard``): last and next 1:1 with a lapse highlighted, open
action items, and feedback given and received lately. Registered in ``FeedbackConfig``.

Each source answers for the whole team in a fixed number of queries, and says only
counts and dates: never an agenda, a note or what a piece of feedback says.
"""

from datetime import date, datetime, timedelta

from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from feedback.models import (
    ActionItem,
    CheckinSeries,
    CheckinSettings,
    Feedback,
    MeetingStatus,
    SeriesStatus,
)
from feedback.rules.schedule import is_lapsed
from perfapp.compiled import CompiledQuery
from perfapp.orgs.models import Membership
from perfapp.timezones import zone_of
from perfapp.web.dashboard import Attention, Cell, Column, Contribution, days_ago
from perfapp.web.templatetags.row_urls import row_address

LIVE = (SeriesStatus.ACTIVE, SeriesStatus.PAUSED, SeriesStatus.PROPOSED)
FEEDBACK_DAYS = 30


def _local_date(moment: datetime | None, viewer: Membership) -> date | None:
    if moment is None:
        return None
    return moment.astimezone(zone_of(viewer)).date()


# The team dashboard's reads, for a team at a time: compiled once (perfapp/compiled.py),
# a statement per team size. The ORM took 3-5 ms of CPU to write each.
_series = CompiledQuery(
    lambda organization_id, member_ids, now: (
        CheckinSeries.objects.filter(
            organization_id=organization_id, report_id__in=member_ids, status__in=LIVE
        )
        .annotate(
            last_held=Max("meetings__held_at"),
            next_at=Min(
                "meetings__starts_at",
                filter=Q(meetings__status=MeetingStatus.SCHEDULED, meetings__starts_at__gte=now),
            ),
        )
        .order_by("report_id", "-created_at", "-id")
    ),
    params=("organization_id", "member_ids", "now"),
)
# The series as a subquery of their own, both naming the organization: filtering through
# the join read every series of every tenant.
_open_actions = CompiledQuery(
    lambda organization_id, member_ids, today: (
        ActionItem.objects.filter(
            organization_id=organization_id,
            series__in=CheckinSeries.objects.filter(
                organization_id=organization_id, report_id__in=member_ids, status__in=LIVE
            ),
            done_at__isnull=True,
        )
        .values("series__report_id")
        .annotate(open=Count("id"), overdue=Count("id", filter=Q(due_on__lt=today)))
        .order_by()
    ),
    params=("organization_id", "member_ids", "today"),
)


def _counted_since(side: str) -> CompiledQuery:
    """Feedback per member on one side (``author_id`` or ``recipient_id``) since a time."""
    return CompiledQuery(
        lambda organization_id, member_ids, since: (
            Feedback.objects.filter(
                organization_id=organization_id,
                **{f"{side}__in": member_ids},
                created_at__gte=since,
            )
            .order_by()
            .values_list(side)
            .annotate(n=Count("id"))
        ),
        params=("organization_id", "member_ids", "since"),
    )


_given_since = _counted_since("author_id")
_received_since = _counted_since("recipient_id")


def _ids(members: list[Membership]) -> dict:
    """The parameters of a read about these members (one organization's, at least one)."""
    return {
        "organization_id": members[0].organization_id,
        "member_ids": [member.pk for member in members],
    }


def series_of(members: list[Membership], now: datetime) -> dict[int, CheckinSeries]:
    """Each member's running 1:1 series as the report, with its last held and next
    scheduled meeting: one query for any number of members."""
    found: dict[int, CheckinSeries] = {}
    rows = _series(**_ids(members), now=now) if members else []
    for series in rows:
        found.setdefault(series.report_id, series)  # the newest running series
    return found


def idle_days(series: CheckinSeries, viewer: Membership, today: date) -> int:
    """Whole days since the last held meeting (or since the series started), counted
    in the viewer's calendar so the cell and the reason agree."""
    since = _local_date(series.last_held, viewer) or series.starts_on
    return max(0, (today - since).days)


class CheckinColumns:
    """Last and next 1:1 (lapsed: none held for the series' cadence plus the organization's
    grace period) and open action items.
    Three queries: the policy, the series with their meetings, the action items."""

    key = "checkins"
    order = 10
    columns = (
        Column("checkin_last", "Last 1:1"),
        Column("checkin_next", "Next 1:1"),
        Column("actions_open", "Open actions", numeric=True),
    )

    def rows(self, members, *, viewer, today):
        now = timezone.now()
        grace = CheckinSettings.of(viewer.organization).lapse_grace_days
        series = series_of(members, now)
        if not members:
            return {}
        actions = {
            row["series__report_id"]: row for row in _open_actions(**_ids(members), today=today)
        }
        slug = viewer.organization.slug
        found = {}
        for person in members:
            contribution = Contribution()
            one = series.get(person.pk)
            counts = actions.get(person.pk, {"open": 0, "overdue": 0})
            contribution.cells.update(self._checkin_cells(one, now, today, grace, viewer, slug))
            lapsed = contribution.cells["checkin_last"].tone == "danger"
            if one is None:
                contribution.attention.append(Attention("checkin.none", "No 1:1s set up"))
            elif lapsed:
                contribution.attention.append(
                    Attention("checkin.lapsed", f"No 1:1 for {idle_days(one, viewer, today)} days")
                )
            contribution.cells["actions_open"] = Cell(
                text=str(counts["open"]),
                sort=counts["open"],
                tone="danger" if counts["overdue"] else "",
                detail=f"{counts['overdue']} overdue" if counts["overdue"] else "",
                url=contribution.cells["checkin_last"].url,
            )
            if counts["overdue"]:
                n = counts["overdue"]
                contribution.attention.append(
                    Attention("checkin.actions_overdue", f"{n} overdue action item{'s' * (n > 1)}")
                )
            found[person.pk] = contribution
        return found

    def _checkin_cells(self, series, now, today, grace, viewer, slug) -> dict[str, Cell]:
        if series is None:
            return {
                "checkin_last": Cell("No 1:1s yet", sort=None, tone="warning"),
                "checkin_next": Cell("—", sort=None),
            }
        url = row_address("feedback:series", org_slug=slug, pk=series.pk)
        idle = idle_days(series, viewer, today)
        lapsed = series.status == SeriesStatus.ACTIVE and is_lapsed(
            cadence=series.cadence, idle_days=idle, grace_days=grace
        )
        held_on = _local_date(series.last_held, viewer)
        last = Cell(
            text=days_ago(held_on, today) if held_on else "Not met yet",
            sort=series.last_held,
            tone="danger" if lapsed else "",
            detail="Lapsed" if lapsed else "",
            url=url,
        )
        if series.status != SeriesStatus.ACTIVE:
            upcoming = Cell(series.get_status_display(), sort=None, url=url)
        elif series.next_at is None:
            upcoming = Cell("Not scheduled", sort=None, url=url)
        else:
            local = timezone.localtime(series.next_at, zone_of(viewer))
            upcoming = Cell(
                f"{local:%a %-d %b}", sort=series.next_at, detail=f"{local:%H:%M}", url=url
            )
        return {"checkin_last": last, "checkin_next": upcoming}


class FeedbackColumns:
    """Feedback given and received in the last 30 days: counts only, two queries."""

    key = "feedback"
    order = 20
    columns = (
        Column("feedback_given", "Feedback given", numeric=True),
        Column("feedback_received", "Feedback received", numeric=True),
    )

    def rows(self, members, *, viewer, today):
        if not members:
            return {}
        since = timezone.now() - timedelta(days=FEEDBACK_DAYS)
        given = dict(_given_since(**_ids(members), since=since))
        received = dict(_received_since(**_ids(members), since=since))
        found = {}
        for person in members:
            gave, got = given.get(person.pk, 0), received.get(person.pk, 0)
            contribution = Contribution(
                cells={
                    "feedback_given": Cell(str(gave), sort=gave),
                    "feedback_received": Cell(str(got), sort=got, tone="" if got else "warning"),
                }
            )
            if not got:
                contribution.attention.append(
                    Attention("feedback.quiet", f"No feedback received in {FEEDBACK_DAYS} days")
                )
            found[person.pk] = contribution
        return found
