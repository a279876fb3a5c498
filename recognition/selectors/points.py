"""Reads of points: what someone may still give this month, and balances and ledgers of
points received and spent.

The allowance is not stored: what is left this month is the allowance minus the points
the person gave since the first of the month (their organization's calendar). Received
points are a ledger (``PointsEntry`` rows, only ever added); a balance is their sum.
"""

from datetime import datetime

from django.db.models import Sum
from django.utils import timezone

from perfapp.orgs.models import Membership
from perfapp.orgs.roles import Role
from perfapp.timezones import zone_of
from recognition.models import PointsEntry, Recognition, RecognitionSettings


def month_start(organization, now: datetime | None = None) -> datetime:
    """Midnight on the first of the current month in the organization's time zone."""
    local = (now or timezone.now()).astimezone(zone_of(organization))
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def monthly_allowance(member: Membership, settings: RecognitionSettings) -> int:
    """The allowance for ``member``'s role: admins, then managers, then everyone."""
    if member.role in (Role.OWNER, Role.HR_ADMIN) and settings.admin_allowance is not None:
        return settings.admin_allowance
    if settings.manager_allowance is not None and member.is_manager:
        return settings.manager_allowance
    return settings.monthly_allowance


def given_this_month(member: Membership, now: datetime | None = None) -> int:
    since = month_start(member.organization, now)
    total = Recognition.objects.filter(giver=member, created_at__gte=since).aggregate(
        total=Sum("points_total")
    )["total"]
    return total or 0


def allowance_left(member: Membership, now: datetime | None = None) -> int | None:
    """Points ``member`` may still give this month; None when the organization has points
    turned off."""
    settings = RecognitionSettings.of(member.organization)
    if not settings.points_enabled:
        return None
    return max(0, monthly_allowance(member, settings) - given_this_month(member, now))


def balance_of(member: Membership) -> int:
    total = PointsEntry.objects.filter(member=member).aggregate(total=Sum("delta"))["total"]
    return total or 0


def balances_of(members: list[Membership]) -> dict[int, int]:
    """Balances of several people in one query."""
    rows = (
        PointsEntry.objects.filter(member__in=members)
        .values("member_id")
        .annotate(total=Sum("delta"))
        .values_list("member_id", "total")
    )
    found = dict(rows)
    return {member.pk: found.get(member.pk, 0) for member in members}


def monthly_allowances_of(
    members: list[Membership], settings: RecognitionSettings
) -> dict[int, int]:
    """Each person's monthly allowance, in one query (who among them manages someone)."""
    managers: set[int] = set()
    if settings.manager_allowance is not None and members:
        managers = set(
            Membership.objects.filter(manager__in=members, is_active=True)
            .values_list("manager_id", flat=True)
            .distinct()
        )
    allowances: dict[int, int] = {}
    for member in members:
        if member.role in (Role.OWNER, Role.HR_ADMIN) and settings.admin_allowance is not None:
            allowances[member.pk] = settings.admin_allowance
        # ``managers`` is only filled when there is a manager allowance.
        elif settings.manager_allowance is not None and member.pk in managers:
            allowances[member.pk] = settings.manager_allowance
        else:
            allowances[member.pk] = settings.monthly_allowance
    return allowances


def allowances_left_of(
    members: list[Membership], settings: RecognitionSettings, now: datetime | None = None
) -> dict[int, int | None]:
    """What each person may still give this month, in two queries whatever their number;
    None for everyone when points are off."""
    if not settings.points_enabled:
        return dict.fromkeys((member.pk for member in members), None)
    if not members:
        return {}
    since = month_start(members[0].organization, now)
    given = dict(
        Recognition.objects.filter(giver__in=members, created_at__gte=since)
        .values("giver_id")
        .annotate(total=Sum("points_total"))
        .values_list("giver_id", "total")
    )
    allowances = monthly_allowances_of(members, settings)
    return {
        member.pk: max(0, allowances[member.pk] - (given.get(member.pk) or 0)) for member in members
    }


def ledger_of(member: Membership):
    """A person's ledger, newest first, with what each row needs to explain itself."""
    return (
        PointsEntry.objects.filter(member=member)
        .select_related("recognition__giver__user", "redemption__reward", "created_by__user")
        .order_by("-created_at", "-id")
    )
