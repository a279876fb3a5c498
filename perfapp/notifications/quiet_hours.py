"""Reminders never arrive at night in the recipient's own time zone."""

from datetime import datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

QUIET_FROM = time(21, 0)
QUIET_UNTIL = time(8, 0)


@cache
def _zone(name: str) -> ZoneInfo:
    """ZoneInfo keeps only the last few zones it built; a batch of reminders spans many."""
    return ZoneInfo(name)


def is_quiet(moment: datetime, time_zone: str) -> bool:
    local = moment.astimezone(_zone(time_zone)).time()
    return local >= QUIET_FROM or local < QUIET_UNTIL


def next_waking_moment(moment: datetime, time_zone: str) -> datetime:
    """``moment`` itself when outside quiet hours, else the next 08:00 local time.

    Built from the local calendar date, so a DST change overnight still lands at 08:00.
    """
    if not is_quiet(moment, time_zone):
        return moment
    zone = _zone(time_zone)
    local = moment.astimezone(zone)
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_UNTIL, tzinfo=zone)
