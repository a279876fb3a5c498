"""When reminders about requests and cycles are due, in the recipient's own time zone."""

from datetime import date, datetime, time, timedelta

from perfapp.orgs.models import Membership
from perfapp.timezones import zone_of

REMIND_AT = time(9, 0)


def morning_of(day: date, person: Membership) -> datetime:
    """09:00 on ``day`` where ``person`` lives."""
    return datetime.combine(day, REMIND_AT, tzinfo=zone_of(person))


def before_due(due: date, person: Membership) -> datetime:
    return morning_of(due - timedelta(days=1), person)


def after_due(due: date, person: Membership) -> datetime:
    return morning_of(due + timedelta(days=1), person)
