"""Goals of a plan, their milestones, progress and status, and learning items.

Only the plan's two people reach these (a goal, milestone or learning item of anyone
else's plan answers 404, and nothing changes). Small changes — ticking a milestone,
adding one, the status, the progress — answer htmx with the goal's card alone; without
htmx they go back to the plan page with a toast, or show the page again with the error
next to the goal (400).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from development.forms.plans import (
    GoalForm,
    GoalStatusForm,
    LearningStatusForm,
    MilestoneForm,
    ProgressForm,
)
from development.models import DevelopmentPlan, Goal, GoalStatus
from development.selectors.plans import active_competencies, goal_for_card
from development.services import plans as service
from development.views.plans.lookups import goal_of, learning_of, milestone_of, owner_for_writing
from development.views.plans.plan import back_to_plan, render_plan
from perfapp.tenancy.views import org_view
from perfapp.timezones import local_today
from perfapp.web.helpers import first_name, is_partial, message_of

GOAL_CARD = "development/_goal.html"


def goal_answer(
    request: HttpRequest,
    goal: Goal,
    *,
    notice: str = "",
    error: str = "",
    status: int = 200,
    **extra,
) -> HttpResponse:
    """htmx: the goal's card (always 200: htmx swaps only 2xx answers). Otherwise: back to
    the plan with a toast, or the plan page again with the error on the goal (400)."""
    owner = goal.plan.owner
    if is_partial(request):
        context = {
            "goal": goal_for_card(goal.pk, local_today(request.membership)),
            "owner": owner,
            "can_edit": True,
            "card_notice": notice,
            "card_error": error,
            "status_choices": GoalStatus.choices,
            **extra,
        }
        return render(request, GOAL_CARD, context)
    if status != 200:
        return render_plan(
            request, owner, status=status, error_goal=goal.pk, card_error=error, **extra
        )
    return back_to_plan(request, owner, notice)


# --- goals ------------------------------------------------------------------------------------


def _goal_page(request, owner, form, goal=None, status=200) -> HttpResponse:
    return render(
        request,
        "development/goal_form.html",
        {
            "form": form,
            "owner": owner,
            "owner_first": first_name(owner),
            "is_owner": owner.pk == request.membership.pk,
            "goal": goal,
            "tab": "plan" if owner.pk == request.membership.pk else "team",
        },
        status=status,
    )


def _focus_ids(owner) -> set[int]:
    return set(
        DevelopmentPlan.focus_competencies.through.objects.filter(
            developmentplan__owner=owner
        ).values_list("competency_id", flat=True)
    )


def _goal_values(data: dict) -> dict:
    return {
        "title": data["title"],
        "why": data["why"],
        "success_criteria": data["success_criteria"],
        "competencies": data["competencies"],
        "start_on": data["start_on"],
        "target_on": data["target_on"],
        "visibility": data["visibility"],
    }


@org_view(reader_time_zone=True)
def goal_new(request: HttpRequest, pk: int) -> HttpResponse:
    owner = owner_for_writing(request, pk)
    if owner.pk != request.membership.pk and service.plan_of(owner) is None:
        messages.error(
            request, f"{owner.name} starts their own plan; add goals together once it exists."
        )
        return back_to_plan(request, owner)
    competencies = active_competencies()
    focus = _focus_ids(owner)
    if request.method != "POST":
        form = GoalForm(
            competencies=competencies,
            focus_ids=focus,
            initial={"start_on": local_today(request.membership)},
        )
        return _goal_page(request, owner, form)
    form = GoalForm(request.POST, competencies=competencies, focus_ids=focus)
    if form.is_valid():
        try:
            found = service.start_plan(actor=request.membership, owner=owner)
            service.add_goal(
                actor=request.membership, plan=found, **_goal_values(form.cleaned_data)
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            return back_to_plan(request, owner, "Goal added. Break it into milestones on its card.")
    return _goal_page(request, owner, form, status=400)


def _apply(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


@org_view(reader_time_zone=True)
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    goal = goal_of(request, pk)
    owner = goal.plan.owner
    competencies = active_competencies()
    focus = _focus_ids(owner)
    if request.method != "POST":
        form = GoalForm(instance=goal, competencies=competencies, focus_ids=focus)
        return _goal_page(request, owner, form, goal=goal)
    form = GoalForm(request.POST, instance=goal, competencies=competencies, focus_ids=focus)
    if form.is_valid():
        try:
            service.edit_goal(
                actor=request.membership, goal=goal, **_goal_values(form.cleaned_data)
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            return back_to_plan(request, owner, "Goal saved.")
    return _goal_page(request, owner, form, goal=goal, status=400)


@org_view(reader_time_zone=True)
@require_POST
def goal_status(request: HttpRequest, pk: int) -> HttpResponse:
    goal = goal_of(request, pk)
    form = GoalStatusForm(request.POST)
    if not form.is_valid():
        error = " ".join(e for errors in form.errors.values() for e in errors)
        return goal_answer(
            request, goal, error=error, status=400, status_form=form, open_panel="status"
        )
    try:
        service.set_goal_status(
            actor=request.membership,
            goal=goal,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["dropped_reason"],
        )
    except ValidationError as error:
        return goal_answer(
            request,
            goal,
            error=message_of(error),
            status=400,
            status_form=form,
            open_panel="status",
        )
    return goal_answer(request, goal, notice=f"Marked {service.STATUS_WORDS[goal.status]}.")


@org_view(reader_time_zone=True)
@require_POST
def goal_progress(request: HttpRequest, pk: int) -> HttpResponse:
    goal = goal_of(request, pk)
    form = ProgressForm(request.POST)
    if not form.is_valid():
        error = " ".join(e for errors in form.errors.values() for e in errors)
        return goal_answer(request, goal, error=error, status=400, open_panel="progress")
    try:
        service.set_goal_progress(
            actor=request.membership,
            goal=goal,
            mode=form.cleaned_data["progress_mode"],
            value=form.cleaned_data["manual_progress"],
        )
    except ValidationError as error:
        return goal_answer(
            request, goal, error=message_of(error), status=400, open_panel="progress"
        )
    return goal_answer(request, goal, notice="Progress saved.")


# --- milestones -------------------------------------------------------------------------------


@org_view(reader_time_zone=True)
@require_POST
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    goal = goal_of(request, pk)
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        error = " ".join(e for errors in form.errors.values() for e in errors)
        return goal_answer(request, goal, error=error, status=400, milestone_form=form)
    try:
        service.add_milestone(actor=request.membership, goal=goal, **form.cleaned_data)
    except ValidationError as error:
        return goal_answer(request, goal, error=message_of(error), status=400, milestone_form=form)
    return goal_answer(request, goal, notice="Milestone added.", focus_add=True)


@org_view(reader_time_zone=True)
@require_POST
def milestone_done(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = milestone_of(request, pk)
    done = request.POST.get("done") in ("1", "true", "on")
    service.set_milestone_done(actor=request.membership, milestone=milestone, done=done)
    notice = "Milestone reached." if done else "Milestone reopened."
    return goal_answer(request, milestone.goal, notice=notice, changed=milestone.pk)


@org_view(reader_time_zone=True)
@require_POST
def milestone_remove(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = milestone_of(request, pk)
    goal = milestone.goal
    service.remove_milestone(actor=request.membership, milestone=milestone)
    return goal_answer(request, goal, notice="Milestone removed.")


# --- learning ---------------------------------------------------------------------------------


@org_view(reader_time_zone=True)
@require_POST
def learning_status(request: HttpRequest, pk: int) -> HttpResponse:
    item = learning_of(request, pk)
    owner = item.plan.owner
    form = LearningStatusForm(request.POST)
    if form.is_valid():
        service.set_learning_status(
            actor=request.membership, item=item, status=form.cleaned_data["status"]
        )
        if item.goal_id is not None:
            item.goal.plan = item.plan
            return goal_answer(request, item.goal, notice="Learning updated.")
        return back_to_plan(request, owner, "Learning updated.")
    if item.goal_id is not None and is_partial(request):
        item.goal.plan = item.plan
        return goal_answer(request, item.goal, error="Choose planned, in progress or done.")
    return render_plan(
        request, owner, status=400, learning_error="Choose planned, in progress or done."
    )


@org_view(reader_time_zone=True)
@require_POST
def learning_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = learning_of(request, pk)
    owner = item.plan.owner
    goal = item.goal
    service.remove_learning(actor=request.membership, item=item)
    if goal is not None:
        goal.plan = item.plan
        return goal_answer(request, goal, notice="Removed from the learning list.")
    return back_to_plan(request, owner, "Removed from the learning list.")
