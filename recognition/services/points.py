"""Writes of points: spending the monthly allowance on a gift, crediting the recipients'
ledgers, and HR's corrections. (What is left, balances and ledgers are read in
``recognition.selectors.points``.)

Every write that spends points — giving (the allowance) or redeeming (the balance) —
first locks the spender's membership row with ``SELECT … FOR UPDATE``. Two concurrent
spends by the same person therefore run one after the other, and the second sees what
the first spent: neither can overdraw, and no point is lost or created.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from perfapp.orgs.models import Membership
from recognition.models import LedgerReason, PointsEntry, Recognition
from recognition.selectors import points as points_selectors


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
    left = points_selectors.allowance_left(giver)
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


# --- HR corrections ----------------------------------------------------------------------

MAX_ADJUSTMENT = 100_000


@transaction.atomic
def adjust(*, actor: Membership, member: Membership, delta: int, note: str) -> PointsEntry:
    """HR corrects a balance with a row of its own (never by editing rows): a welcome
    bonus, or points given by mistake. A correction never takes a balance below zero."""
    from perfapp.audit.services import record
    from recognition.audit import PointsAction

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
    balance = points_selectors.balance_of(member)
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
