"""What the plan pages share: the page decorator (the reader's time zone) and the lookups
that reach a plan, goal, milestone or learning item only for those who may (anyone else
gets 404, exactly like something that does not exist)."""

from functools import wraps
from zoneinfo import ZoneInfo

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from perfapp.orgs.models import Membership
from perfapp.orgs.roles import Permission
from perfapp.tenancy.views import org_view

from ..models import Goal, LearningItem, Milestone
from ..permissions import can_edit_plan, can_see_outline


def page(permission: Permission | None = None):
    """An organization page shown in the reader's own time zone."""

    def decorator(view):
        @org_view(permission)
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            with timezone.override(ZoneInfo(request.membership.effective_time_zone)):
                return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _person(pk: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user", "team", "manager__user", "organization"),
        pk=pk,
        is_active=True,
    )


def owner_for_reading(request: HttpRequest, pk: int) -> Membership:
    """A person whose plan the reader may open, at least its outline."""
    owner = _person(pk)
    if not can_see_outline(request.membership, owner):
        raise Http404
    return owner


def owner_for_writing(request: HttpRequest, pk: int) -> Membership:
    """A person whose plan the reader is one of the two people of."""
    owner = _person(pk)
    if not can_edit_plan(request.membership, owner):
        raise Http404
    return owner


def goal_of(request: HttpRequest, pk: int) -> Goal:
    """A goal of a plan the reader makes: someone else's goal answers 404."""
    goal = get_object_or_404(
        Goal.objects.select_related(
            "plan__owner__user", "plan__owner__manager__user", "plan__owner__organization"
        ),
        pk=pk,
    )
    if not goal.plan.owner.is_active or not can_edit_plan(request.membership, goal.plan.owner):
        raise Http404
    return goal


def milestone_of(request: HttpRequest, pk: int) -> Milestone:
    milestone = get_object_or_404(
        Milestone.objects.select_related(
            "goal__plan__owner__user",
            "goal__plan__owner__manager__user",
            "goal__plan__owner__organization",
        ),
        pk=pk,
    )
    owner = milestone.goal.plan.owner
    if not owner.is_active or not can_edit_plan(request.membership, owner):
        raise Http404
    return milestone


def learning_of(request: HttpRequest, pk: int) -> LearningItem:
    item = get_object_or_404(
        LearningItem.objects.select_related(
            "plan__owner__user", "plan__owner__manager__user", "plan__owner__organization"
        ),
        pk=pk,
    )
    owner = item.plan.owner
    if not owner.is_active or not can_edit_plan(request.membership, owner):
        raise Http404
    return item
