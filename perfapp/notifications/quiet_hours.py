"""Reminders never arrive at night in the recipient's own time zone."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

QUIET_FROM = time(21, 0)
QUIET_UNTIL = time(8, 0)


def is_quiet(moment: datetime, time_zone: str) -> bool:
    local = moment.astimezone(ZoneInfo(time_zone)).time()
    return local >= QUIET_FROM or local < QUIET_UNTIL


def next_waking_moment(moment: datetime, time_zone: str) -> datetime:
    """``moment`` itself when outside quiet hours, else the next 08:00 local time.

    Built from the local calendar date, so a DST change overnight still lands at 08:00.
    """
    if not is_quiet(moment, time_zone):
        return moment
    zone = ZoneInfo(time_zone)
    local = moment.astimezone(zone)
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_UNTIL, tzinfo=zone)
