"""HR: the reward catalogue (add, edit, archive, offer again) and the queue of reward
requests to approve or reject."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from perfapp.orgs.roles import Permission
from perfapp.tenancy.views import org_view
from perfapp.web.forms_util import apply_errors
from perfapp.web.helpers import initials, is_partial, message_of
from recognition.forms.points import DecisionForm, QueueFilterForm, RewardForm
from recognition.models import RecognitionSettings, Redemption, RedemptionStatus, Reward
from recognition.services import rewards

MANAGE = Permission.MANAGE_RECOGNITION
QUEUE_PAGE = 20


def _decorate(rows, errors: dict[int, str]) -> None:
    for row in rows:
        row.initials = initials(row.member.name)
        row.row_error = errors.get(row.pk, "")


def _queue_context(request: HttpRequest, errors: dict[int, str] | None = None, **extra) -> dict:
    filters = QueueFilterForm(request.GET or None)
    status = RedemptionStatus.PENDING.value
    if filters.is_bound and filters.is_valid():
        status = filters.cleaned_data["status"]
    queue = Paginator(rewards.redemption_queue(status), QUEUE_PAGE).get_page(
        request.GET.get("page")
    )
    _decorate(queue.object_list, errors or {})
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "active": "rewards",
        "settings": RecognitionSettings.of(request.organization),
        "filters": filters,
        "status": status,
        "queue": queue,
        "query": query.urlencode(),
        "counts": rewards.queue_counts(),
        "catalogue": list(rewards.catalogue(include_archived=True)),
        **extra,
    }


@org_view(MANAGE, reader_time_zone=True)
def rewards_admin(request: HttpRequest) -> HttpResponse:
    return render(request, "recognition/rewards/index.html", _queue_context(request))


def _reward_form_page(request: HttpRequest, form: RewardForm, reward: Reward | None, status=200):
    return render(
        request,
        "recognition/rewards/form.html",
        {"form": form, "reward": reward, "active": "rewards"},
        status=status,
    )


@org_view(MANAGE, reader_time_zone=True)
def reward_new(request: HttpRequest) -> HttpResponse:
    form = RewardForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                reward = rewards.create_reward(actor=request.membership, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, f"{reward.name} is on offer now.")
                return redirect("recognition:rewards", org_slug=request.organization.slug)
        return _reward_form_page(request, form, None, status=400)
    return _reward_form_page(request, form, None)


@org_view(MANAGE, reader_time_zone=True)
def reward_edit(request: HttpRequest, pk: int) -> HttpResponse:
    reward = get_object_or_404(Reward, pk=pk)
    form = RewardForm.for_reward(reward, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                rewards.update_reward(actor=request.membership, reward=reward, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, "Reward saved. Requests already made keep their cost.")
                return redirect("recognition:rewards", org_slug=request.organization.slug)
        return _reward_form_page(request, form, reward, status=400)
    return _reward_form_page(request, form, reward)


@org_view(MANAGE, reader_time_zone=True)
@require_POST
def reward_archive(request: HttpRequest, pk: int) -> HttpResponse:
    reward = get_object_or_404(Reward, pk=pk)
    rewards.archive_reward(actor=request.membership, reward=reward)
    messages.success(
        request, f"{reward.name} is archived: no longer offered. Open requests stay in the queue."
    )
    return redirect("recognition:rewards", org_slug=request.organization.slug)


@org_view(MANAGE, reader_time_zone=True)
@require_POST
def reward_restore(request: HttpRequest, pk: int) -> HttpResponse:
    reward = get_object_or_404(Reward, pk=pk)
    try:
        rewards.restore_reward(actor=request.membership, reward=reward)
    except ValidationError as error:
        messages.error(request, message_of(error))
    else:
        messages.success(request, f"{reward.name} is on offer again.")
    return redirect("recognition:rewards", org_slug=request.organization.slug)


@org_view(MANAGE, reader_time_zone=True)
@require_POST
def redemption_decide(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(
        Redemption.objects.select_related("reward", "member__user", "decided_by__user"), pk=pk
    )
    form = DecisionForm(request.POST)
    error = ""
    notice = ""
    if not form.is_valid():
        error = "Choose approve or reject."
    else:
        approve = form.cleaned_data["decision"] == "approve"
        try:
            row = rewards.decide(
                actor=request.membership,
                redemption=row,
                approve=approve,
                note=form.cleaned_data["note"],
            )
        except PermissionDenied:
            error = "Someone else in HR decides your own requests."
        except ValidationError as failure:
            error = " ".join(failure.messages)
        else:
            who = row.member.name
            notice = (
                f"Approved: {row.reward.name} for {who}."
                if approve
                else f"Rejected; {row.cost} points went back to {who}."
            )
    if is_partial(request):
        row.initials = initials(row.member.name)
        context = {"row": row, "row_error": error, "row_notice": notice}
        return render(
            request,
            "recognition/rewards/_request_row.html",
            context,
            status=400 if error else 200,
        )
    if error:
        context = _queue_context(request, errors={row.pk: error}, decide_error=error)
        return render(request, "recognition/rewards/index.html", context, status=400)
    messages.success(request, notice)
    return redirect("recognition:rewards", org_slug=request.organization.slug)
