"""The weekly note to each manager listing their direct reports not recognized within
the organization's window ("not recognized lately").

It goes through the outbox as a reminder (so it waits for the manager's waking hours),
once per manager per ISO week (the occasion), and not at all to a manager who turned the
kind off in both channels. One pass serves every organization in a fixed number of
queries plus one ``queue`` per manager who gets a note, like the check-in reminders.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Q
from django.urls import reverse

from perfapp.notifications import services as notifications
from perfapp.notifications.models import NotificationPreference, OutboxMessage
from perfapp.orgs.models import Membership
from recognition.models import RecognitionSettings
from recognition.selectors.insights import last_recognized

QUIET_KIND = "recognition.quiet_reports"
DEFAULT_DAYS = RecognitionSettings._meta.get_field("quiet_after_days").default
SHORTEST_DAYS = 7
NAMES_IN_NOTE = 10

if TYPE_CHECKING:
    # A dev-only package (the type checker's); the annotations below are never evaluated.
    from django_stubs_ext import WithAnnotations


class _LastRecognized(TypedDict):
    last_recognized: datetime | None


def occasion_for(now: datetime) -> str:
    year, week, _ = now.isocalendar()
    return f"quiet-reports:{year}-W{week:02d}"


def _line(now: datetime, person: WithAnnotations[Membership, _LastRecognized]) -> str:
    if person.last_recognized is None:
        return f"- {person.name}: not recognized yet"
    return f"- {person.name}: last recognized {(now - person.last_recognized).days} days ago"


def remind_quiet_reports(now: datetime) -> int:
    """Queue this week's note for every manager with quiet direct reports; return how many
    were queued. Crosses organizations: call it inside ``scopes_disabled()``."""
    occasion = occasion_for(now)
    windows = dict(RecognitionSettings.objects.values_list("organization_id", "quiet_after_days"))
    opted_out = set(
        NotificationPreference.objects.filter(
            kind=QUIET_KIND, in_app=False, email=False
        ).values_list("membership_id", flat=True)
    )
    already = set(
        OutboxMessage.objects.filter(kind=QUIET_KIND, occasion=occasion).values_list(
            "recipient_id", flat=True
        )
    )
    earliest = now - timedelta(days=SHORTEST_DAYS)
    candidates = (
        Membership.objects.filter(
            is_active=True,
            joined_at__lte=earliest,
            manager__isnull=False,
            manager__is_active=True,
            manager__user__is_active=True,
        )
        .annotate(last_recognized=last_recognized())
        .filter(Q(last_recognized__isnull=True) | Q(last_recognized__lt=earliest))
        .select_related("user", "manager__user", "manager__organization")
        .order_by("manager_id", "user__name", "id")
    )
    quiet: dict[int, list[WithAnnotations[Membership, _LastRecognized]]] = defaultdict(list)
    managers: dict[int, Membership] = {}
    for person in candidates.iterator(chunk_size=1000):
        manager_id, manager = person.manager_id, person.manager
        assert manager_id is not None and manager is not None  # the query asks for a manager
        if manager_id in opted_out or manager_id in already:
            continue
        cutoff = now - timedelta(days=windows.get(person.organization_id, DEFAULT_DAYS))
        if person.joined_at > cutoff:  # the window counts from when they joined
            continue
        if person.last_recognized is not None and person.last_recognized >= cutoff:
            continue
        quiet[manager_id].append(person)
        managers[manager_id] = manager
    for manager_id, people in quiet.items():
        manager = managers[manager_id]
        organization = manager.organization
        days = windows.get(organization.pk, DEFAULT_DAYS)
        if len(people) == 1:
            title = f"{people[0].name} has not been recognized in {days} days"
        else:
            title = f"{len(people)} of your reports have not been recognized in {days} days"
        lines = [_line(now, person) for person in people]
        if len(lines) > NAMES_IN_NOTE:
            lines = [*lines[:NAMES_IN_NOTE], f"- and {len(people) - NAMES_IN_NOTE} more"]
        body = "\n".join(
            [
                "A few specific words about something they did, and why it mattered, go a "
                "long way. Recognition from anyone counts, not only from you.",
                "",
                *lines,
            ]
        )
        notifications.queue(
            recipient=manager,
            kind=QUIET_KIND,
            occasion=occasion,
            title=title,
            body=body,
            url=reverse("recognition:insights", kwargs={"org_slug": organization.slug}),
            due_at=now,
        )
    return len(quiet)
