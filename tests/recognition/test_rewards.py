"""Redeeming rewards and HR's decisions, through the services: the ledger, the stock, the
notifications, the audit log, and every bad input changing nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from perfapp.audit.models import AuditEvent
from perfapp.notifications.models import OutboxMessage
from recognition.models import (
    LedgerReason,
    PointsEntry,
    Redemption,
    RedemptionStatus,
    Reward,
)
from recognition.services import rewards
from recognition.services import settings as settings_service

from .points_world import balance, fund, reward


def state(world) -> tuple:
    """Everything a failed redemption or decision must leave as it was."""
    with world.scope():
        return (
            list(Redemption.objects.order_by("id").values_list("id", "status", "note")),
            list(PointsEntry.objects.order_by("id").values_list("id", "member_id", "delta")),
            list(Reward.objects.order_by("id").values_list("id", "stock", "archived_at")),
            OutboxMessage.objects.count(),
        )


def test_redeeming_sets_the_points_aside_and_takes_one_from_the_stock(world_a):
    fund(world_a, world_a.report, 120)
    book = reward(world_a, cost=50, stock=3)
    with world_a.scope():
        row = rewards.redeem(member=world_a.report, reward=book)
        book.refresh_from_db()
        entry = PointsEntry.objects.get(redemption=row)
    assert row.status == RedemptionStatus.PENDING and row.cost == 50
    assert entry.delta == -50 and entry.reason == LedgerReason.REDEEMED
    assert book.stock == 2
    assert balance(world_a, world_a.report) == 70


def test_unlimited_stock_stays_unlimited(world_a):
    fund(world_a, world_a.report, 100)
    coffee = reward(world_a, name="Coffee", cost=10, stock=None)
    with world_a.scope():
        rewards.redeem(member=world_a.report, reward=coffee)
        rewards.redeem(member=world_a.report, reward=coffee)
        coffee.refresh_from_db()
    assert coffee.stock is None
    assert balance(world_a, world_a.report) == 80


@pytest.mark.parametrize(
    ("setup", "code", "says"),
    [
        ("poor", "not_enough_points", "costs 50 points and you have 30"),
        ("out_of_stock", "out_of_stock", "out of stock"),
        ("archived", "reward_archived", "no longer offered"),
        ("points_off", "points_off", "turned off"),
    ],
)
def test_a_redemption_that_cannot_be_made_says_why_and_changes_nothing(world_a, setup, code, says):
    fund(world_a, world_a.report, 30 if setup == "poor" else 500)
    book = reward(world_a, cost=50, stock=0 if setup == "out_of_stock" else 5)
    with world_a.scope():
        if setup == "archived":
            Reward.objects.filter(pk=book.pk).update(archived_at=timezone.now())
        if setup == "points_off":
            settings_service.save_settings(actor=world_a.hr, points_enabled=False)
    before = state(world_a)
    with world_a.scope(), pytest.raises(ValidationError) as raised:
        rewards.redeem(member=world_a.report, reward=book)
    assert says in " ".join(raised.value.messages)
    codes = (
        {e.code for errors in raised.value.error_dict.values() for e in errors}
        if hasattr(raised.value, "error_dict")
        else {raised.value.code}
    )
    assert code in codes
    assert state(world_a) == before


def test_the_last_one_cannot_be_taken_twice(world_a):
    fund(world_a, world_a.report, 500)
    fund(world_a, world_a.member, 500)
    ticket = reward(world_a, name="Conference ticket", cost=100, stock=1)
    with world_a.scope():
        rewards.redeem(member=world_a.report, reward=ticket)
        with pytest.raises(ValidationError, match="out of stock"):
            rewards.redeem(member=world_a.member, reward=ticket)
        ticket.refresh_from_db()
    assert ticket.stock == 0
    assert balance(world_a, world_a.member) == 500


def _pending(world, cost=50, stock=2):
    fund(world, world.report, 100)
    item = reward(world, cost=cost, stock=stock)
    with world.scope():
        return rewards.redeem(member=world.report, reward=item), item


def test_approving_keeps_the_points_spent_and_tells_the_person(world_a):
    row, item = _pending(world_a)
    with world_a.scope():
        decided = rewards.decide(
            actor=world_a.hr, redemption=row, approve=True, note="Ordered, arrives Friday."
        )
        message = OutboxMessage.objects.get(recipient=world_a.report)
        item.refresh_from_db()
        event = AuditEvent.objects.get(action="recognition.redemption_approved")
    assert decided.status == RedemptionStatus.APPROVED and decided.decided_by == world_a.hr
    assert balance(world_a, world_a.report) == 50
    assert item.stock == 1
    assert message.kind == "recognition.redemption_decided"
    assert "approved" in message.title and "Ordered, arrives Friday." in message.body
    assert event.actor == world_a.hr and "Book of your choice" in event.target_label


def test_rejecting_refunds_the_points_and_restores_the_stock(world_a):
    row, item = _pending(world_a)
    with world_a.scope():
        rewards.decide(
            actor=world_a.hr, redemption=row, approve=False, note="Budget is used up this year."
        )
        item.refresh_from_db()
        refund = PointsEntry.objects.get(redemption=row, reason=LedgerReason.REFUNDED)
        message = OutboxMessage.objects.get(recipient=world_a.report)
    assert refund.delta == 50 and refund.created_by == world_a.hr
    assert balance(world_a, world_a.report) == 100
    assert item.stock == 2
    assert "not approved" in message.title
    assert "Budget is used up" in message.body and "50 points are back" in message.body


def test_rejecting_without_a_reason_is_refused(world_a):
    row, _item = _pending(world_a)
    before = state(world_a)
    with world_a.scope(), pytest.raises(ValidationError, match="Say why"):
        rewards.decide(actor=world_a.hr, redemption=row, approve=False, note="  ")
    assert state(world_a) == before


@pytest.mark.parametrize("first", [True, False])
def test_a_request_is_decided_once(world_a, first):
    row, _item = _pending(world_a)
    with world_a.scope():
        rewards.decide(actor=world_a.hr, redemption=row, approve=first, note="Decided.")
    before = state(world_a)
    with world_a.scope(), pytest.raises(ValidationError, match="already"):
        rewards.decide(actor=world_a.owner, redemption=row, approve=not first, note="Again.")
    assert state(world_a) == before


@pytest.mark.parametrize("who", ["manager", "report", "member"])
def test_only_hr_decides(world_a, who):
    row, _item = _pending(world_a)
    before = state(world_a)
    with world_a.scope(), pytest.raises(PermissionDenied):
        rewards.decide(actor=getattr(world_a, who), redemption=row, approve=True)
    assert state(world_a) == before


def test_hr_never_decides_their_own_request(world_a):
    fund(world_a, world_a.hr, 100)
    item = reward(world_a)
    with world_a.scope():
        row = rewards.redeem(member=world_a.hr, reward=item)
        with pytest.raises(PermissionDenied):
            rewards.decide(actor=world_a.hr, redemption=row, approve=True)
        assert rewards.decide(actor=world_a.owner, redemption=row, approve=True).status == (
            RedemptionStatus.APPROVED
        )


# --- the catalogue ------------------------------------------------------------------------


def test_hr_keeps_the_catalogue_and_each_change_is_audited(world_a):
    with world_a.scope():
        item = rewards.create_reward(
            actor=world_a.hr, name=" Team lunch ", cost=200, stock=None, description="Any place"
        )
        rewards.update_reward(
            actor=world_a.hr, reward=item, name="Team lunch", cost=250, stock=4, description=""
        )
        rewards.archive_reward(actor=world_a.hr, reward=item)
        assert list(rewards.catalogue()) == []
        rewards.restore_reward(actor=world_a.hr, reward=item)
        item.refresh_from_db()
        actions = list(
            AuditEvent.objects.filter(action__startswith="recognition.reward")
            .order_by("id")
            .values_list("action", flat=True)
        )
    assert (item.name, item.cost, item.stock, item.archived_at) == ("Team lunch", 250, 4, None)
    assert actions == [
        "recognition.reward_created",
        "recognition.reward_updated",
        "recognition.reward_archived",
        "recognition.reward_restored",
    ]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": "", "cost": 10}, "name"),
        ({"name": "Mug", "cost": 0}, "cost"),
        ({"name": "Mug", "cost": 10, "stock": -1}, "stock"),
        ({"name": "book of your choice", "cost": 10}, "name"),  # taken, case aside
        ({"name": "Mug", "cost": 10, "description": "x" * 1001}, "description"),
    ],
)
def test_bad_rewards_are_refused(world_a, values, field):
    reward(world_a)
    before = state(world_a)
    with world_a.scope(), pytest.raises(ValidationError) as raised:
        rewards.create_reward(actor=world_a.hr, **values)
    assert field in raised.value.error_dict
    assert state(world_a) == before


@pytest.mark.parametrize("who", ["manager", "report", "member"])
def test_only_hr_changes_the_catalogue(world_a, who):
    item = reward(world_a)
    before = state(world_a)
    person = getattr(world_a, who)
    with world_a.scope():
        with pytest.raises(PermissionDenied):
            rewards.create_reward(actor=person, name="Mug", cost=10)
        with pytest.raises(PermissionDenied):
            rewards.update_reward(actor=person, reward=item, name="Mug", cost=1, stock=None)
        with pytest.raises(PermissionDenied):
            rewards.archive_reward(actor=person, reward=item)
    assert state(world_a) == before
