"""Time zones: the choices shared by people and organizations, and "today" where someone is.

Dates people see and deadlines they meet (a due date, a round's closing day, a cycle's
opening day) are days on *their* calendar, not the server's: near midnight UTC a person in
Tokyo is already on tomorrow. Every such "today" is asked for here, so the rule is written
once.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils import formats, timezone, translation

if TYPE_CHECKING:  # the models import this module for their validators
    from perfapp.orgs.models import Membership, Organization


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    names = sorted(
        name
        for name in zoneinfo.available_timezones()
        if "/" in name and not name.startswith(("Etc/", "SystemV/", "posix/", "right/"))
    )
    return [("UTC", "UTC"), *((name, name.replace("_", " ")) for name in names)]


def validate_time_zone(value: str) -> None:
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a time zone we know, e.g. Europe/Berlin.")


def zone_of(who: Membership | Organization) -> zoneinfo.ZoneInfo:
    """A person's own time zone (theirs, else HR's choice, else the organization's), or an
    organization's. A stored blank means UTC, the organization's default."""
    name = getattr(who, "effective_time_zone", None) or who.time_zone
    return zoneinfo.ZoneInfo(name or "UTC")


def local_today(who: Membership | Organization, *, now: datetime | None = None) -> date:
    """The date it is for ``who`` (a person or an organization) at ``now`` (default: now).

    Batch jobs pass the ``now`` they started with, so one run reads one moment for all.
    """
    return (now or timezone.now()).astimezone(zone_of(who)).date()


DAY_FORMAT = "j M Y"  # "7 Dec 2026"


def day_label(moment: datetime) -> str:
    """Exactly ``{{ moment|date:"j M Y" }}``: the day ``moment`` falls on in the time zone
    the page activated. Django formats each date in 50 µs; a list of 80 rows spends
    4 ms on it, so each (day, language) is formatted once per process."""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return _formatted_day(local.date(), translation.get_language())


@lru_cache(maxsize=1024)
def _formatted_day(day: date, language: str | None) -> str:
    return formats.date_format(day, DAY_FORMAT)
