"""Points are a ledger that concurrent spends can neither overdraw nor duplicate.

Real threads, each with its own database connection, start together at a barrier; the
step between reading a balance (or an allowance) and writing the spend is slowed down on
purpose, so without the lock both spends would pass. With it, exactly one does."""

import threading
import time
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Sum

from perfapp.orgs.roles import Role
from perfapp.tenancy.scoping import organization_scope
from recognition.models import (
    ContributionKind,
    LedgerReason,
    PointsEntry,
    Recognition,
    RecognitionSettings,
    Redemption,
    Reward,
)
from recognition.selectors import points
from recognition.services import points as points_services
from recognition.services import recognition as services
from recognition.services import rewards

from ..factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True)
SLOW = 0.5  # seconds between the read and the write inside each spend


def run_together(*calls: Callable[[], object]) -> list[object]:
    """Run the calls in threads that start at once; each result is the call's value or
    the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def worker(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:  # the test reads what happened
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return results


def slowed(monkeypatch, name: str) -> None:
    """Make ``points.<name>`` pause after reading, widening the race window."""
    original = getattr(points, name)

    def slow(*args, **kwargs):
        value = original(*args, **kwargs)
        time.sleep(SLOW)
        return value

    monkeypatch.setattr(points, name, slow)


@pytest.fixture
def org():
    organization = OrganizationFactory(slug="race", name="Race Inc")
    people = {
        "hr": MembershipFactory(organization=organization, role=Role.HR_ADMIN),
        "ana": MembershipFactory(organization=organization),
        "ben": MembershipFactory(organization=organization),
        "cy": MembershipFactory(organization=organization),
    }
    with organization_scope(organization):
        RecognitionSettings.of(organization)
        ContributionKind.objects.create(organization=organization, name="Collaboration")
    return organization, people


def scoped(organization, call: Callable[[], object]) -> Callable[[], object]:
    def inner():
        with organization_scope(organization):
            return call()

    return inner


def ledger_total(organization, member=None) -> int:
    with organization_scope(organization):
        rows = PointsEntry.objects.all()
        if member is not None:
            rows = rows.filter(member=member)
        return rows.aggregate(total=Sum("delta"))["total"] or 0


def test_two_redemptions_against_one_balance(org, monkeypatch):
    organization, people = org
    ana = people["ana"]
    with organization_scope(organization):
        PointsEntry.objects.create(
            organization=organization, member=ana, delta=100, reason=LedgerReason.ADJUSTED
        )
        lunch = Reward.objects.create(organization=organization, name="Team lunch", cost=60)
        book = Reward.objects.create(organization=organization, name="Book", cost=60)
    slowed(monkeypatch, "balance_of")

    results = run_together(
        scoped(organization, lambda: rewards.redeem(member=ana, reward=lunch)),
        scoped(organization, lambda: rewards.redeem(member=ana, reward=book)),
    )

    made = [r for r in results if isinstance(r, Redemption)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(made) == 1 and len(refused) == 1, results
    assert "costs 60 points and you have 40" in " ".join(refused[0].messages)
    monkeypatch.undo()
    with organization_scope(organization):
        assert points.balance_of(ana) == 40 >= 0
        assert Redemption.objects.count() == 1
        spent = PointsEntry.objects.filter(reason=LedgerReason.REDEEMED).aggregate(
            total=Sum("delta")
        )["total"]
    assert ledger_total(organization, ana) == 100 + spent == 40


def test_two_people_asking_for_the_last_one(org, monkeypatch):
    organization, people = org
    ana, ben = people["ana"], people["ben"]
    with organization_scope(organization):
        for person in (ana, ben):
            PointsEntry.objects.create(
                organization=organization, member=person, delta=100, reason=LedgerReason.ADJUSTED
            )
        ticket = Reward.objects.create(organization=organization, name="Ticket", cost=50, stock=1)
    slowed(monkeypatch, "balance_of")

    results = run_together(
        scoped(organization, lambda: rewards.redeem(member=ana, reward=ticket)),
        scoped(organization, lambda: rewards.redeem(member=ben, reward=ticket)),
    )

    assert sum(isinstance(r, Redemption) for r in results) == 1, results
    assert sum(isinstance(r, ValidationError) for r in results) == 1, results
    monkeypatch.undo()
    with organization_scope(organization):
        ticket.refresh_from_db()
        assert ticket.stock == 0
        assert Redemption.objects.count() == 1
    assert ledger_total(organization) == 150  # 200 in, one spend of 50


def test_two_gifts_against_one_allowance(org, monkeypatch):
    """The giving service's own path: lock the giver, check the allowance, write the
    recognition with its points."""
    organization, people = org
    ana, ben, cy = people["ana"], people["ben"], people["cy"]
    with organization_scope(organization):
        kind = ContributionKind.objects.get()
    slowed(monkeypatch, "given_this_month")

    def give(to):
        return lambda: services.give_recognition(
            giver=ana,
            recipients=[to],
            message="You untangled the deploy pipeline on Friday; we shipped on time.",
            kind=kind,
            points_each=60,
        )

    results = run_together(scoped(organization, give(ben)), scoped(organization, give(cy)))

    made = [r for r in results if isinstance(r, Recognition)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(made) == 1 and len(refused) == 1, results
    assert "you have 40 left to give this month" in " ".join(refused[0].messages)
    monkeypatch.undo()
    with organization_scope(organization):
        assert points.allowance_left(ana) == 40
        given = Recognition.objects.aggregate(total=Sum("points_total"))["total"]
        assert given == 60
    assert ledger_total(organization) == 60  # exactly one recipient was credited


def test_the_lock_is_what_serializes_them(org, monkeypatch):
    """Guards the tests above: without the lock, the slowed-down race does overdraw."""
    organization, people = org
    ana = people["ana"]
    with organization_scope(organization):
        PointsEntry.objects.create(
            organization=organization, member=ana, delta=100, reason=LedgerReason.ADJUSTED
        )
        lunch = Reward.objects.create(organization=organization, name="Team lunch", cost=60)
    slowed(monkeypatch, "balance_of")
    monkeypatch.setattr(points_services, "lock", lambda member: None)

    results = run_together(
        scoped(organization, lambda: rewards.redeem(member=ana, reward=lunch)),
        scoped(organization, lambda: rewards.redeem(member=ana, reward=lunch)),
    )

    assert all(isinstance(r, Redemption) for r in results), results
    assert ledger_total(organization, ana) == -20


def test_lock_refuses_to_run_outside_a_transaction(org):
    organization, people = org
    with organization_scope(organization), pytest.raises(RuntimeError, match="transaction"):
        points_services.lock(people["ana"])
