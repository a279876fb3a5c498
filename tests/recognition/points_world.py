"""Helpers for the points, rewards, insights and nudge tests: recognition rows written
directly (so these tests do not depend on how giving works), balances, and rewards."""

from datetime import datetime, timedelta

from django.db.models import Sum
from django.utils import timezone

from perfapp.orgs.models import Membership
from perfapp.tenancy.scoping import scopes_disabled
from recognition.models import (
    ContributionKind,
    LedgerReason,
    PointsEntry,
    Recognition,
    RecognitionRecipient,
    Redemption,
    Reward,
)
from recognition.selectors import points
from recognition.services import points as points_services


def kind(world, name: str = "Collaboration") -> ContributionKind:
    with world.scope():
        found = ContributionKind.objects.filter(name=name, archived_at__isnull=True).first()
        return found or ContributionKind.objects.create(organization=world.organization, name=name)


def recognize(
    world,
    giver: Membership,
    recipients: list[Membership],
    *,
    points_each: int = 0,
    when: datetime | None = None,
    kind_name: str = "Collaboration",
) -> Recognition:
    """A recognition as the giving service would leave it: recipient rows and, with points,
    the recipients' ledger rows."""
    when = when or timezone.now()
    with world.scope():
        recognition = Recognition.objects.create(
            organization=world.organization,
            giver=giver,
            message="Thanks for pairing on the release checklist; it saved us a day.",
            kind=kind(world, kind_name),
            points_each=points_each,
            points_total=points_each * len(recipients),
        )
        Recognition.objects.filter(pk=recognition.pk).update(created_at=when)
        recognition.created_at = when
        RecognitionRecipient.objects.bulk_create(
            RecognitionRecipient(
                organization=world.organization,
                recognition=recognition,
                recipient=person,
                created_at=when,
            )
            for person in recipients
        )
        points_services.credit_recipients(recognition, recipients)
    return recognition


def fund(world, member: Membership, amount: int) -> None:
    """Give ``member`` a balance through an HR adjustment row."""
    with world.scope():
        PointsEntry.objects.create(
            organization=world.organization,
            member=member,
            delta=amount,
            reason=LedgerReason.ADJUSTED,
            created_by=world.hr,
            note="Starting balance",
        )


def balance(world, member: Membership) -> int:
    with world.scope():
        return points.balance_of(member)


def ledger_sum(world) -> int:
    with world.scope():
        return PointsEntry.objects.aggregate(total=Sum("delta"))["total"] or 0


def reward(world, name: str = "Book of your choice", cost: int = 50, stock=None) -> Reward:
    with world.scope():
        return Reward.objects.create(
            organization=world.organization, name=name, cost=cost, stock=stock
        )


def reward_of(world) -> int:
    """The world's reward (made on first use): for URL sweeps."""
    with world.scope():
        found = Reward.objects.order_by("id").first()
    return (found or reward(world)).pk


def redemption_of(world) -> int:
    """A pending redemption of the world's report (made on first use): for URL sweeps."""
    with world.scope():
        found = Redemption.objects.order_by("id").first()
        if found is not None:
            return found.pk
    with world.scope():
        item = Reward.objects.order_by("id").first()
    item = item or reward(world)
    with world.scope():
        row = Redemption.objects.create(
            organization=world.organization, reward=item, member=world.report, cost=item.cost
        )
        PointsEntry.objects.create(
            organization=world.organization,
            member=world.report,
            delta=-item.cost,
            reason=LedgerReason.REDEEMED,
            redemption=row,
        )
        PointsEntry.objects.create(
            organization=world.organization,
            member=world.report,
            delta=item.cost,
            reason=LedgerReason.ADJUSTED,
            note="Covers the sweep's request",
        )
    return row.pk


def grow_people(world, count: int, *, manager=None, team=None) -> list[Membership]:
    """``count`` more active people (bulk), who joined long ago."""
    from perfapp.accounts.models import User

    joined = timezone.now() - timedelta(days=400)
    start = User.objects.count()
    users = User.objects.bulk_create(
        User(email=f"grown{start + i}@example.com", name=f"Grown Person {start + i}")
        for i in range(count)
    )
    with world.scope():
        return Membership.objects.bulk_create(
            Membership(
                organization=world.organization,
                user=user,
                manager=manager,
                team=team,
                joined_at=joined,
                job_title="Engineer",
            )
            for user in users
        )


def settle_in(world) -> None:
    """Everyone in the world joined long ago (so quiet lists may name them)."""
    with world.scope():
        Membership.objects.update(joined_at=timezone.now() - timedelta(days=400))


def outbox_count(kind: str) -> int:
    from perfapp.notifications.models import OutboxMessage

    with scopes_disabled():
        return OutboxMessage.objects.filter(kind=kind).count()


HX = {"HX-Request": "true"}
