"""Points: the monthly allowance to give, and the ledger of points received and spent.

The allowance is not stored: what is left this month is the allowance minus the points
the person gave since the first of the month (their organization's calendar). Received
points are a ledger (``PointsEntry`` rows, only ever added); a balance is their sum.

Every write that spends points — giving (the allowance) or redeeming (the balance) —
first locks the spender's membership row with ``SELECT … FOR UPDATE``. Two concurrent
spends by the same person therefore run one after the other, and the second sees what
the first spent: neither can overdraw, and no point is lost or created.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from perfapp.orgs.models import Membership
from perfapp.orgs.roles import Role

from .models import LedgerReason, PointsEntry, Recognition, RecognitionSettings


def settings_for(organization) -> RecognitionSettings:
    found, _ = RecognitionSettings.objects.get_or_create(organization=organization)
    return found


def month_start(organization, now: datetime | None = None) -> datetime:
    """Midnight on the first of the current month in the organization's time zone."""
    local = (now or timezone.now()).astimezone(ZoneInfo(organization.time_zone or "UTC"))
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
    settings = settings_for(member.organization)
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


def lock(member: Membership) -> None:
    """Serialize spends by ``member``; call inside ``transaction.atomic``."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("points.lock() must run inside a transaction")
    Membership.objects.select_for_update().filter(pk=member.pk).values_list("pk").get()


def check_allowance(giver: Membership, points_each: int, recipients: int) -> int:
    """Validate a gift of ``points_each`` to each of ``recipients`` people and return the
    total it takes. Call after :func:`lock` so the check and the spend are one step."""
    if points_each == 0:
        return 0
    left = allowance_left(giver)
    if left is None:
        raise ValidationError(
            {"points_each": "Points are turned off in this organization."}, code="points_off"
        )
    total = points_each * recipients
    if total > left:
        raise ValidationError(
            {
                "points_each": (
                    f"That is {total} points in all, but you have {left} left to give this month."
                )
            },
            code="over_allowance",
        )
    return total


def credit_recipients(recognition: Recognition, recipients: list[Membership]) -> None:
    """Add the received points of a gift to each recipient's ledger."""
    if not recognition.points_each:
        return
    PointsEntry.objects.bulk_create(
        PointsEntry(
            organization_id=recognition.organization_id,
            member=recipient,
            delta=recognition.points_each,
            reason=LedgerReason.RECEIVED,
            recognition=recognition,
        )
        for recipient in recipients
    )
