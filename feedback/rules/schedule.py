"""When meetings of a series happen: pure date arithmetic in the series' time zone."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from feedback.models import Cadence

UTC = ZoneInfo("UTC")


def is_in_dst_gap(day: date, at: time, time_zone: str) -> bool:
    """True when ``at`` does not exist on ``day`` (clocks jump over it)."""
    local = datetime.combine(day, at, tzinfo=ZoneInfo(time_zone))
    round_trip = local.astimezone(UTC).astimezone(ZoneInfo(time_zone))
    return round_trip.replace(tzinfo=None) != local.replace(tzinfo=None)


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    """The nth ``weekday`` of a month; the last one when the month has fewer."""
    first = date(year, month, 1)
    day = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    while day.month != month:
        day -= timedelta(days=7)
    return day


def occurrence_dates(starts_on: date, cadence: str, count: int, after: date | None = None):
    """The first ``count`` meeting dates on or after ``after`` (default: ``starts_on``)."""
    after = after or starts_on
    found: list[date] = []
    if cadence in (Cadence.WEEKLY, Cadence.BIWEEKLY):
        step = 7 if cadence == Cadence.WEEKLY else 14
        skip = max(0, (after - starts_on).days + step - 1) // step
        day = starts_on + timedelta(days=step * skip)
        while len(found) < count:
            if day >= after:
                found.append(day)
            day += timedelta(days=step)
        return found
    if cadence != Cadence.MONTHLY:
        raise ValueError(f"Unknown cadence: {cadence!r}")
    nth = (starts_on.day - 1) // 7 + 1
    year, month = starts_on.year, starts_on.month
    while len(found) < count:
        day = _nth_weekday(year, month, starts_on.weekday(), nth)
        if day >= after:
            found.append(day)
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return found


def local_start(day: date, at: time, time_zone: str) -> datetime:
    """The meeting's start as an aware datetime. A time that falls in a DST gap moves
    forward by the gap (02:30 on a spring-forward night becomes 03:30)."""
    local = datetime.combine(day, at, tzinfo=ZoneInfo(time_zone))
    return local.astimezone(UTC).astimezone(ZoneInfo(time_zone))


# --- when a series has lapsed ---------------------------------------------------------------

# The longest regular gap between two meetings of each cadence. A monthly series meets on
# the same weekday of each month (the second Tuesday), so four or five weeks apart.
CADENCE_DAYS = {Cadence.WEEKLY: 7, Cadence.BIWEEKLY: 14, Cadence.MONTHLY: 35}
DEFAULT_GRACE_DAYS = 7
MAX_GRACE_DAYS = 90


def lapses_after(cadence: str, grace_days: int) -> int:
    """Days without a held 1:1 after which a series of this cadence has lapsed: one
    whole cadence plus the organization's grace period."""
    return CADENCE_DAYS[cadence] + grace_days


def escalates_after(cadence: str, grace_days: int) -> int:
    """Days without a held 1:1 after which the skip-level manager is told: twice the
    lapse window."""
    return 2 * lapses_after(cadence, grace_days)


def is_lapsed(*, cadence: str, idle_days: int, grace_days: int) -> bool:
    return idle_days >= lapses_after(cadence, grace_days)
