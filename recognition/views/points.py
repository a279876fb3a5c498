"""A person's points: what is left to give this month, the balance received, the ledger,
their reward requests, and the catalogue to redeem from."""

from datetime import datetime, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from perfapp.orgs.models import Membership
from perfapp.tenancy.views import org_view
from perfapp.web.helpers import message_of
from recognition.models import LedgerReason, RecognitionSettings, Reward
from recognition.permissions.points import is_recognition_admin
from recognition.selectors import points
from recognition.services import rewards

LEDGER_PAGE = 20
RECENT_REDEMPTIONS = 10


def next_month_start(organization, now: datetime | None = None) -> datetime:
    start = points.month_start(organization, now)
    return (start + timedelta(days=32)).replace(day=1)


def _explain(entry) -> str:
    """One line on where a ledger row came from."""
    if entry.reason == LedgerReason.RECEIVED and entry.recognition_id:
        giver = entry.recognition.giver if entry.recognition else None
        return f"Recognized by {giver.name}" if giver else "Received with recognition"
    if entry.reason in (LedgerReason.REDEEMED, LedgerReason.REFUNDED) and entry.redemption_id:
        reward = entry.redemption.reward.name if entry.redemption else "a reward"
        if entry.reason == LedgerReason.REDEEMED:
            return f"Asked for {reward}"
        return f"Refund: {reward} was not approved"
    if entry.reason == LedgerReason.ADJUSTED:
        who = entry.created_by.name if entry.created_by else "HR"
        return f"{entry.note or 'Adjusted'} ({who})"
    return entry.get_reason_display()


def points_context(request: HttpRequest, **extra) -> dict:
    me: Membership = request.membership
    settings = RecognitionSettings.of(request.organization)
    context = {
        "active": "points",
        "settings": settings,
        "points_on": settings.points_enabled,
        "is_admin": is_recognition_admin(me),
        **extra,
    }
    if not settings.points_enabled:
        context["balance"] = points.balance_of(me)
        return context
    ledger = Paginator(points.ledger_of(me), LEDGER_PAGE).get_page(request.GET.get("page"))
    for entry in ledger.object_list:
        entry.explanation = _explain(entry)
    balance = points.balance_of(me)
    catalogue = list(rewards.catalogue())
    for reward in catalogue:
        reward.affordable = reward.cost <= balance
        reward.available = reward.stock is None or reward.stock > 0
        reward.missing = max(0, reward.cost - balance)
    left = points.allowances_left_of([me], settings)[me.pk]
    monthly = points.monthly_allowances_of([me], settings)[me.pk]
    context.update(
        balance=balance,
        allowance_left=left,
        allowance=monthly,
        allowance_left_pct=round(100 * left / monthly) if monthly else 0,
        resets_on=next_month_start(request.organization),
        ledger=ledger,
        catalogue=catalogue,
        redemptions=list(rewards.redemptions_of(me)[:RECENT_REDEMPTIONS]),
    )
    return context


@org_view(reader_time_zone=True)
def points_home(request: HttpRequest) -> HttpResponse:
    return render(request, "recognition/points/index.html", points_context(request))


@org_view(reader_time_zone=True)
@require_POST
def redeem(request: HttpRequest, pk: int) -> HttpResponse:
    reward = get_object_or_404(Reward, pk=pk)
    try:
        redemption = rewards.redeem(member=request.membership, reward=reward)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        context = points_context(request, redeem_error=message_of(error), failed_reward=reward.pk)
        return render(request, "recognition/points/index.html", context, status=400)
    messages.success(
        request,
        f"You asked for {redemption.reward.name}. {redemption.cost} points are set aside; "
        "HR will let you know.",
    )
    return redirect("recognition:points", org_slug=request.organization.slug)
