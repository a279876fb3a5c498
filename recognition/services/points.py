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

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from perfapp.orgs.models import Membership
from perfapp.orgs.roles import Role
from perfapp.timezones import zone_of
from recognition.models import LedgerReason, PointsEntry, Recognition, RecognitionSettings


def settings_for(organization) -> RecognitionSettings:
    found, _ = RecognitionSettings.objects.get_or_create(organization=organization)
    return found


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
            {
                "points_each": ValidationError(
                    "Points are turned off in this organization.", code="points_off"
                )
            }
        )
    total = points_each * recipients
    if total > left:
        message = f"That is {total} points in all, but you have {left} left to give this month."
        raise ValidationError({"points_each": ValidationError(message, code="over_allowance")})
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


# --- reads for the points pages and the API ----------------------------------------------


def monthly_allowances_of(members: list[Membership], settings: RecognitionSettings) -> dict:
    """Each person's monthly allowance, in one query (who among them manages someone)."""
    managers: set[int] = set()
    if settings.manager_allowance is not None and members:
        managers = set(
            Membership.objects.filter(manager__in=members, is_active=True)
            .values_list("manager_id", flat=True)
            .distinct()
        )
    allowances = {}
    for member in members:
        if member.role in (Role.OWNER, Role.HR_ADMIN) and settings.admin_allowance is not None:
            allowances[member.pk] = settings.admin_allowance
        elif member.pk in managers:
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


# --- HR corrections ----------------------------------------------------------------------

MAX_ADJUSTMENT = 100_000


@transaction.atomic
def adjust(*, actor: Membership, member: Membership, delta: int, note: str) -> PointsEntry:
    """HR corrects a balance with a row of its own (never by editing rows): a welcome
    bonus, or points given by mistake. A correction never takes a balance below zero."""
    from perfapp.audit.services import record
    from recognition.services.audit import PointsAction

    errors = {}
    if not delta or abs(delta) > MAX_ADJUSTMENT:
        errors["delta"] = f"Give a number of points between 1 and {MAX_ADJUSTMENT:,}, or minus."
    if not note.strip():
        errors["note"] = "Say why, so the person understands the change."
    if member.organization_id != actor.organization_id or not member.is_active:
        errors["member"] = "Choose an active person of this organization."
    if errors:
        raise ValidationError(errors)
    lock(member)
    balance = balance_of(member)
    if balance + delta < 0:
        raise ValidationError(
            {"delta": f"{member.name} has {balance} points; a balance stays at 0 or more."}
        )
    entry = PointsEntry.objects.create(
        organization_id=member.organization_id,
        member=member,
        delta=delta,
        reason=LedgerReason.ADJUSTED,
        created_by=actor,
        note=note.strip()[:300],
    )
    record(
        organization=actor.organization,
        actor=actor,
        action=PointsAction.POINTS_ADJUSTED,
        target=member,
        target_label=member.name,
        changes={"points": [None, delta]},
    )
    return entry
