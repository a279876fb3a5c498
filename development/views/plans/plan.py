"""The plan page (yours at "My plan", a report's for their manager, the outline for the
manager's managers and HR), drafting the plan's text, signing off, comments and reviews.

Every write goes through ``development.services.plans``. Who sees what is
``development.permissions.plans``: the owner and their manager read and change
everything; skip-level managers and HR read the outline; anyone else gets 404. The
plan's text carries the version it was edited from: a stale save is refused with
"changed meanwhile" and the fresh text (409), never a silent overwrite; a sign-off on a
version that changed is refused the same way.
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from advancement.selectors.framework import current_version
from development.forms.plans import CommentForm, LearningForm, PlanForm, ReviewForm, SignForm
from development.models import DevelopmentPlan, GoalStatus
from development.selectors.plans import (
    OPEN,
    active_competencies,
    next_level_gaps,
    plan_page,
    team_goals,
)
from development.services import plans as service
from development.views.plans.lookups import owner_for_reading, owner_for_writing
from perfapp.concurrency import StaleEdit
from perfapp.orgs.models import Membership
from perfapp.tenancy.views import org_view
from perfapp.web.forms_util import apply_errors
from perfapp.web.helpers import first_name, initials, message_of

PLAN_PAGE = "development/plan.html"


def plan_context(request: HttpRequest, owner: Membership, **extra) -> dict:
    viewer = request.membership
    view = plan_page(viewer, owner)
    context = {
        "view": view,
        "owner": owner,
        "owner_first": first_name(owner),
        "owner_initials": initials(owner.name),
        "manager": owner.manager if owner.manager_id and owner.manager.is_active else None,
        "tab": "plan" if view.is_owner else "team",
        "team_goals": team_goals(viewer) if view.is_owner else [],
        "week_ago": timezone.now() - timedelta(days=7),
        "minute_ago": timezone.now() - timedelta(minutes=1),
        "status_choices": GoalStatus.choices,
    }
    if view.full:
        competencies = active_competencies()
        context["gaps"] = (
            next_level_gaps(owner, {c.pk for c in competencies})
            if view.plan is None or not view.focus
            else None
        )
        next_review = service.add_months(view.today, view.review_every_months)
        context.update(
            comment_form=CommentForm(),
            review_form=ReviewForm(initial={"next_review_on": next_review}),
            learning_form=LearningForm(goals=view.open_goals, competencies=competencies),
        )
    context.update(extra)
    return context


def render_plan(request: HttpRequest, owner: Membership, *, status: int = 200, **extra):
    return render(request, PLAN_PAGE, plan_context(request, owner, **extra), status=status)


def back_to_plan(request: HttpRequest, owner: Membership, notice: str = "") -> HttpResponse:
    if notice:
        messages.success(request, notice)
    return redirect("development:plan", org_slug=request.organization.slug, pk=owner.pk)


# --- reading ----------------------------------------------------------------------------------


@org_view(reader_time_zone=True)
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """My growth: the signed-in person's own plan."""
    return render_plan(request, request.membership)


@org_view(reader_time_zone=True)
@require_safe
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    owner = owner_for_reading(request, pk)
    if owner.pk == request.membership.pk:
        return redirect("development:index", org_slug=request.organization.slug)
    return render_plan(request, owner)


# --- the plan's text --------------------------------------------------------------------------


def _edit_context(request: HttpRequest, owner: Membership, form: PlanForm, **extra) -> dict:
    competencies = extra.pop("competencies")
    gaps = next_level_gaps(owner, {c.pk for c in competencies})
    suggested = {s.competency_id for s in gaps.suggestions}
    chosen = {str(value) for value in (form["focus_competencies"].value() or [])}
    return {
        "form": form,
        "owner": owner,
        "owner_first": first_name(owner),
        "is_owner": owner.pk == request.membership.pk,
        "gaps": gaps,
        "suggested_rows": [
            {"suggestion": s, "checked": str(s.competency_id) in chosen} for s in gaps.suggestions
        ],
        "other_rows": [
            {"competency": c, "checked": str(c.pk) in chosen}
            for c in competencies
            if c.pk not in suggested
        ],
        "tab": "plan" if owner.pk == request.membership.pk else "team",
        **extra,
    }


@org_view(reader_time_zone=True)
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Draft or change the plan's aspirations, target and focus."""
    owner = owner_for_writing(request, pk)
    existing = service.plan_of(owner)
    if existing is None and owner.pk != request.membership.pk:
        messages.error(
            request,
            f"{owner.name} starts their own plan; you comment on it and agree once it exists.",
        )
        return back_to_plan(request, owner)
    version = current_version()
    competencies = active_competencies()
    form_kwargs = {"snapshot": version.snapshot if version else None, "competencies": competencies}
    if request.method != "POST":
        initial = {"version": existing.version if existing else 0}
        if existing is not None:
            initial.update(
                aspirations=existing.aspirations,
                target_track=existing.target_track_id,
                target_level=existing.target_level_id,
                focus_competencies=list(existing.focus_competencies.values_list("pk", flat=True)),
            )
        form = PlanForm(initial=initial, **form_kwargs)
        context = _edit_context(request, owner, form, competencies=competencies)
        return render(request, "development/plan_edit.html", context)
    form = PlanForm(request.POST, **form_kwargs)
    if form.is_valid():
        data = form.cleaned_data
        try:
            service.save_plan(
                actor=request.membership,
                owner=owner,
                expected_version=data["version"],
                aspirations=data["aspirations"],
                target_track=data["target_track"],
                target_level=data["target_level"],
                focus=data["focus_competencies"],
            )
        except StaleEdit as stale:
            fresh = stale.fresh
            fresh_form = PlanForm(
                initial={
                    "version": fresh.version,
                    "aspirations": fresh.aspirations,
                    "target_track": fresh.target_track_id,
                    "target_level": fresh.target_level_id,
                    "focus_competencies": list(
                        fresh.focus_competencies.values_list("pk", flat=True)
                    ),
                },
                **form_kwargs,
            )
            context = _edit_context(
                request,
                owner,
                fresh_form,
                competencies=competencies,
                stale=True,
                yours=data["aspirations"],
            )
            return render(request, "development/plan_edit.html", context, status=409)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            notice = "Plan saved."
            if owner.pk == request.membership.pk and owner.manager_id:
                notice += f" Sign it off when it's ready; {first_name(owner.manager)} agrees too."
            return back_to_plan(request, owner, notice)
    context = _edit_context(request, owner, form, competencies=competencies)
    return render(request, "development/plan_edit.html", context, status=400)


# --- sign-offs, comments, reviews ---------------------------------------------------------------


def _plan_or_back(request: HttpRequest, owner: Membership) -> DevelopmentPlan | None:
    found = service.plan_of(owner)
    if found is None:
        messages.error(request, "There is no plan yet: it starts when its owner drafts it.")
    return found


@org_view(reader_time_zone=True)
@require_POST
def plan_sign(request: HttpRequest, pk: int) -> HttpResponse:
    owner = owner_for_reading(request, pk)
    found = _plan_or_back(request, owner)
    if found is None:
        return back_to_plan(request, owner)
    form = SignForm(request.POST)
    if not form.is_valid():
        return render_plan(request, owner, status=400, sign_error="Reload the page and sign again.")
    try:
        signed = service.sign_plan(
            actor=request.membership, plan=found, expected_version=form.cleaned_data["version"]
        )
    except StaleEdit as stale:
        return render_plan(request, owner, status=409, sign_error=message_of(stale))
    except ValidationError as error:
        return render_plan(request, owner, status=400, sign_error=message_of(error))
    if signed.status == "agreed":
        notice = "Signed. You both agreed on the plan."
    else:
        notice = "Signed. The plan is agreed once the other person signs too."
    return back_to_plan(request, owner, notice)


@org_view(reader_time_zone=True)
@require_POST
def plan_comment(request: HttpRequest, pk: int) -> HttpResponse:
    owner = owner_for_writing(request, pk)
    found = _plan_or_back(request, owner)
    if found is None:
        return back_to_plan(request, owner)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            service.comment_on_plan(
                actor=request.membership, plan=found, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return back_to_plan(request, owner, "Comment added.")
    return render_plan(request, owner, status=400, comment_form=form)


@org_view(reader_time_zone=True)
@require_POST
def plan_review(request: HttpRequest, pk: int) -> HttpResponse:
    owner = owner_for_writing(request, pk)
    found = _plan_or_back(request, owner)
    if found is None:
        return back_to_plan(request, owner)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            service.record_review(actor=request.membership, plan=found, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return back_to_plan(request, owner, "Review recorded. It's in the plan's history.")
    return render_plan(request, owner, status=400, review_form=form, open_panel="review")


@org_view(reader_time_zone=True)
@require_POST
def learning_add(request: HttpRequest, pk: int) -> HttpResponse:
    owner = owner_for_writing(request, pk)
    found = _plan_or_back(request, owner)
    if found is None:
        return back_to_plan(request, owner)
    open_goals = list(found.goals.filter(status__in=OPEN).order_by("target_on", "id"))
    form = LearningForm(request.POST, goals=open_goals, competencies=active_competencies())
    if form.is_valid():
        data = form.cleaned_data
        try:
            service.add_learning(
                actor=request.membership,
                plan=found,
                kind=data["kind"],
                title=data["title"],
                url=data["url"],
                **data["about"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return back_to_plan(request, owner, "Added to the learning list.")
    return render_plan(request, owner, status=400, learning_form=form, open_panel="learning")
