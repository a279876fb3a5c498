"""The reward catalogue and redemptions: writes and the reads behind their pages and API.

Redeeming spends points from the ledger in one transaction: lock the person (so two
redemptions of theirs run one after the other), check the balance, take one from the
stock with a guarded UPDATE (so two people never get the last one), then write the
redemption and its negative ledger row. HR approves (status only: the points are already
spent) or rejects (a refund row, and the stock comes back).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from perfapp.audit.services import record
from perfapp.notifications import services as notifications
from perfapp.orgs.models import Membership
from recognition.audit import PointsAction
from recognition.models import (
    LedgerReason,
    PointsEntry,
    RecognitionSettings,
    Redemption,
    RedemptionStatus,
    Reward,
)
from recognition.permissions.points import can_decide_redemption, can_manage_rewards
from recognition.selectors import points as points_selectors
from recognition.services import points

MAX_COST = 1_000_000
MAX_STOCK = 1_000_000
DECIDED_KIND = "recognition.redemption_decided"


# --- reads --------------------------------------------------------------------------------


def catalogue(include_archived: bool = False) -> QuerySet[Reward]:
    """Rewards on offer, cheapest first; HR also sees archived ones (last)."""
    rewards = Reward.objects.all()
    if not include_archived:
        return rewards.filter(archived_at__isnull=True).order_by("cost", "name", "id")
    return rewards.order_by(F("archived_at").asc(nulls_first=True), "cost", "name", "id")


def redemptions_of(member: Membership) -> QuerySet[Redemption]:
    return (
        Redemption.objects.filter(member=member)
        .select_related("reward", "decided_by__user")
        .order_by("-created_at", "-id")
    )


def redemption_queue(status: str = RedemptionStatus.PENDING) -> QuerySet[Redemption]:
    """HR's queue: pending requests oldest first (first come, first served); decided ones
    newest first."""
    rows = Redemption.objects.select_related("reward", "member__user", "decided_by__user")
    if status:
        rows = rows.filter(status=status)
    if status == RedemptionStatus.PENDING:
        return rows.order_by("created_at", "id")
    return rows.order_by("-created_at", "-id")


def queue_counts() -> dict[str, int]:
    """How many redemptions are in each status (and ``all``), in one query."""
    found = dict(
        Redemption.objects.values("status").annotate(n=Count("id")).values_list("status", "n")
    )
    counts = {status: found.get(status, 0) for status in RedemptionStatus.values}
    return {**counts, "all": sum(counts.values())}


# --- the catalogue (HR) ----------------------------------------------------------------------


def _clean_reward(
    *, name: str, description: str, cost, stock, exclude_pk: int | None = None
) -> dict:
    errors = {}
    name = (name or "").strip()
    description = (description or "").strip()
    same_name = Reward.objects.filter(name__iexact=name, archived_at__isnull=True)
    if exclude_pk is not None:  # the reward being edited
        same_name = same_name.exclude(pk=exclude_pk)
    if not name:
        errors["name"] = "Give the reward a name people recognize."
    elif len(name) > 120:
        errors["name"] = "Keep the name to 120 characters."
    elif same_name.exists():
        errors["name"] = "A reward on offer already has this name."
    if len(description) > 1000:
        errors["description"] = "Keep the description to 1,000 characters."
    if not isinstance(cost, int) or isinstance(cost, bool) or not 1 <= cost <= MAX_COST:
        errors["cost"] = f"Choose a cost between 1 and {MAX_COST:,} points."
    if stock is not None and (
        not isinstance(stock, int) or isinstance(stock, bool) or not 0 <= stock <= MAX_STOCK
    ):
        errors["stock"] = f"Choose between 0 and {MAX_STOCK:,}, or leave it empty for unlimited."
    if errors:
        raise ValidationError(errors)
    return {"name": name, "description": description, "cost": cost, "stock": stock}


def _require_manager(actor: Membership) -> None:
    if not can_manage_rewards(actor):
        raise PermissionDenied


@transaction.atomic
def create_reward(
    *, actor: Membership, name: str, cost: int, stock: int | None = None, description: str = ""
) -> Reward:
    _require_manager(actor)
    values = _clean_reward(name=name, description=description, cost=cost, stock=stock)
    reward = Reward.objects.create(organization=actor.organization, **values)
    record(
        organization=actor.organization,
        actor=actor,
        action=PointsAction.REWARD_CREATED,
        target=reward,
        changes={"cost": [None, reward.cost], "stock": [None, _stock_label(reward.stock)]},
    )
    return reward


@transaction.atomic
def update_reward(
    *,
    actor: Membership,
    reward: Reward,
    name: str,
    cost: int,
    stock: int | None,
    description: str = "",
) -> Reward:
    """Change a reward. Pending redemptions keep the cost they were asked at."""
    _require_manager(actor)
    current = Reward.objects.select_for_update().get(pk=reward.pk)
    values = _clean_reward(
        name=name, description=description, cost=cost, stock=stock, exclude_pk=current.pk
    )
    changes = {
        field: [getattr(current, field), value]
        for field, value in values.items()
        if getattr(current, field) != value
    }
    if not changes:
        return current
    for field, (_old, new) in changes.items():
        setattr(current, field, new)
    current.save(update_fields=list(changes))
    if "description" in changes:
        changes["description"] = ["…", "…"]  # the log says it changed, not the text
    if "stock" in changes:
        changes["stock"] = [_stock_label(value) for value in changes["stock"]]
    record(
        organization=actor.organization,
        actor=actor,
        action=PointsAction.REWARD_UPDATED,
        target=current,
        changes=changes,
    )
    return current


@transaction.atomic
def archive_reward(*, actor: Membership, reward: Reward) -> Reward:
    """No longer offered; redemptions already asked stay and can still be decided."""
    _require_manager(actor)
    current = Reward.objects.select_for_update().get(pk=reward.pk)
    if current.archived_at is None:
        current.archived_at = timezone.now()
        current.save(update_fields=["archived_at"])
        record(
            organization=actor.organization,
            actor=actor,
            action=PointsAction.REWARD_ARCHIVED,
            target=current,
        )
    return current


@transaction.atomic
def restore_reward(*, actor: Membership, reward: Reward) -> Reward:
    _require_manager(actor)
    current = Reward.objects.select_for_update().get(pk=reward.pk)
    if current.archived_at is None:
        return current
    if Reward.objects.filter(name__iexact=current.name, archived_at__isnull=True).exists():
        raise ValidationError(
            {"name": "A reward on offer already has this name; rename one of them first."}
        )
    current.archived_at = None
    current.save(update_fields=["archived_at"])
    record(
        organization=actor.organization,
        actor=actor,
        action=PointsAction.REWARD_RESTORED,
        target=current,
    )
    return current


def _stock_label(stock: int | None) -> str | int:
    return "unlimited" if stock is None else stock


# --- redeeming ------------------------------------------------------------------------------


def _points_off() -> ValidationError:
    return ValidationError(
        "Points and rewards are turned off in this organization.", code="points_off"
    )


@transaction.atomic
def redeem(*, member: Membership, reward: Reward) -> Redemption:
    """Ask for ``reward``: the points leave the balance now and come back if HR says no."""
    if not member.is_active:
        raise PermissionDenied
    if not RecognitionSettings.of(member.organization).points_enabled:
        raise _points_off()
    points.lock(member)
    current = Reward.objects.filter(pk=reward.pk).first()
    if current is None or current.archived_at is not None:
        raise ValidationError(
            {"reward": ValidationError("This reward is no longer offered.", code="reward_archived")}
        )
    balance = points_selectors.balance_of(member)
    if balance < current.cost:
        message = (
            f"{current.name} costs {current.cost} points and you have {balance}. "
            "Points arrive with recognition from colleagues."
        )
        raise ValidationError({"reward": ValidationError(message, code="not_enough_points")})
    # The stock is taken with a guarded UPDATE: of two people asking for the last one, the
    # second one's UPDATE waits for the first, then finds the stock at 0 and changes nothing.
    # Unlimited stock (NULL) stays NULL.
    taken = (
        Reward.objects.filter(pk=current.pk, archived_at__isnull=True)
        .filter(Q(stock__isnull=True) | Q(stock__gt=0))
        .update(stock=F("stock") - 1)
    )
    if not taken:
        message = f"{current.name} is out of stock. HR may add more soon."
        raise ValidationError({"reward": ValidationError(message, code="out_of_stock")})
    redemption = Redemption.objects.create(
        organization_id=member.organization_id, reward=current, member=member, cost=current.cost
    )
    PointsEntry.objects.create(
        organization_id=member.organization_id,
        member=member,
        delta=-current.cost,
        reason=LedgerReason.REDEEMED,
        redemption=redemption,
    )
    return redemption


@transaction.atomic
def decide(
    *, actor: Membership, redemption: Redemption, approve: bool, note: str = ""
) -> Redemption:
    """HR approves (the points stay spent) or rejects with a reason (a refund row, and the
    reward's stock comes back). A redemption is decided once; the person is told."""
    current = (
        Redemption.objects.select_for_update(of=("self",))
        .select_related("reward", "member__user", "member__organization")
        .get(pk=redemption.pk)
    )
    if not can_decide_redemption(actor, current):
        raise PermissionDenied
    note = (note or "").strip()
    if current.status != RedemptionStatus.PENDING:
        raise ValidationError(
            f"This request was already {current.get_status_display().lower()}.",
            code="already_decided",
        )
    if len(note) > 500:
        raise ValidationError({"note": "Keep the note to 500 characters."})
    if not approve and not note:
        raise ValidationError({"note": "Say why, so they understand and can choose again."})
    current.status = RedemptionStatus.APPROVED if approve else RedemptionStatus.REJECTED
    current.decided_by, current.decided_at, current.note = actor, timezone.now(), note
    current.save(update_fields=["status", "decided_by", "decided_at", "note"])
    if not approve:
        PointsEntry.objects.create(
            organization_id=current.organization_id,
            member=current.member,
            delta=current.cost,
            reason=LedgerReason.REFUNDED,
            redemption=current,
            created_by=actor,
        )
        Reward.objects.filter(pk=current.reward_id, stock__isnull=False).update(
            stock=F("stock") + 1
        )
    record(
        organization=actor.organization,
        actor=actor,
        action=PointsAction.REDEMPTION_APPROVED if approve else PointsAction.REDEMPTION_REJECTED,
        target=current,
        target_label=f"{current.reward.name} for {current.member.name}",
        changes={"status": [RedemptionStatus.PENDING.value, current.status]},
    )
    reward = current.reward.name
    if approve:
        title = f"Your {reward} is approved"
        body = note or f"{current.cost} points were spent on it. Enjoy!"
    else:
        title = f"Your {reward} request was not approved"
        body = f"{note}\n\nYour {current.cost} points are back in your balance."
    notifications.queue(
        recipient=current.member,
        kind=DECIDED_KIND,
        occasion=f"redemption:{current.pk}:decided",
        title=title,
        body=body,
        url=reverse("recognition:points", kwargs={"org_slug": current.member.organization.slug}),
    )
    return current
