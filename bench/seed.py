"""Bulk data for benchmarks: organizations, people and due reminders, inserted in bulk.

Everything goes through ``bulk_create`` (model defaults apply, no signals, no per-row
saves). Reminders use the check-in kind "add your talking points" (``checkin.prepare``),
addressed like the real ones, and every organization gets a time zone where it is
daytime when the benchmark runs, so quiet hours (21:00–08:00) hold none of them back.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

from perfapp.accounts.models import User
from perfapp.notifications.models import OutboxMessage
from perfapp.orgs.models import Membership, Organization
from perfapp.orgs.roles import Role
from perfapp.tenancy.scoping import scopes_disabled

REMINDER_KIND = "checkin.prepare"
BULK = 5000  # rows per INSERT


@dataclass
class Person:
    membership_id: int
    organization_id: int
    slug: str
    name: str


def daytime_zones(now: datetime, earliest: int = 10, latest: int = 16) -> list[str]:
    """Time zones whose local hour is within [earliest, latest] at ``now``.

    With at least five hours left before 21:00 there, a run of a few minutes is never in
    quiet hours. Region/City names only, sorted, so a run is repeatable.
    """
    zones = []
    for name in sorted(available_timezones()):
        if "/" not in name or name.startswith(("Etc/", "SystemV/", "US/")):
            continue
        if earliest <= now.astimezone(ZoneInfo(name)).hour <= latest:
            zones.append(name)
    return zones


def people(*, organizations: int, members: int, now: datetime) -> list[list[Person]]:
    """``organizations`` organizations of ``members`` people each (the first one owner);
    returns the people per organization."""
    zones = daytime_zones(now)
    with scopes_disabled():
        orgs = Organization.objects.bulk_create(
            (
                Organization(
                    name=f"Bench Organization {n:04d}",
                    slug=f"bench-{n:04d}",
                    time_zone=zones[n % len(zones)],
                )
                for n in range(organizations)
            ),
            batch_size=BULK,
        )
        users = User.objects.bulk_create(
            (
                User(
                    email=f"person-{o:04d}-{m:04d}@bench.example",
                    name=f"Person {o:04d}-{m:04d}",
                    password="!",  # unusable: nobody signs in
                )
                for o in range(organizations)
                for m in range(members)
            ),
            batch_size=BULK,
        )
        memberships = Membership.objects.bulk_create(
            (
                Membership(
                    organization=org,
                    user=users[o * members + m],
                    role=Role.OWNER if m == 0 else Role.MEMBER,
                    job_title="Engineer",
                )
                for o, org in enumerate(orgs)
                for m in range(members)
            ),
            batch_size=BULK,
        )
    return [
        [
            Person(
                membership_id=memberships[o * members + m].pk,
                organization_id=org.pk,
                slug=org.slug,
                name=users[o * members + m].name,
            )
            for m in range(members)
        ]
        for o, org in enumerate(orgs)
    ]


def due_reminders(recipients: list[list[Person]], *, label: str, count: int, now: datetime) -> int:
    """``count`` due "add your talking points" reminders, one per person in turn across
    every organization (person 0 of each, then person 1 …).

    Like the real ones (due 24 h before meetings that start on the quarter hour), many
    share a due time: four due times, 0–45 minutes ago. ``label`` keeps the occasions and
    meeting times of two batches apart.
    """
    width = max(len(group) for group in recipients)
    # (person, the other person of their 1:1): neighbours in the same organization
    order = [
        (group[m], group[m ^ 1 if (m ^ 1) < len(group) else 0])
        for m in range(width)
        for group in recipients
        if m < len(group)
    ]
    base = now.replace(second=0, microsecond=0)
    starts = base + timedelta(days=1 if label == "fanout" else 2)
    rows = (
        OutboxMessage(
            organization_id=person.organization_id,
            recipient_id=person.membership_id,
            kind=REMINDER_KIND,
            occasion=f"bench-{label}:meeting:{n}:prepare",
            title=f"1:1 with {other.name}: add your talking points",
            body=f"It starts {starts:%A %-d %B}, {10 + n % 7}:{15 * (n % 4):02d}.",
            url=f"/o/{person.slug}/checkins/meetings/{n}/",
            due_at=base - timedelta(minutes=15 * (n % 4)),
        )
        for n, (person, other) in ((n, order[n % len(order)]) for n in range(count))
    )
    with scopes_disabled():
        return len(OutboxMessage.objects.bulk_create(rows, batch_size=BULK))
