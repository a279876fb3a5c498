"""What the plan pages share (they are ``org_view(reader_time_zone=True)`` pages): the lookups
that reach a plan, goal, milestone or learning item only for those who may (anyone else
gets 404, exactly like something that does not exist)."""

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from development.models import Goal, LearningItem, Milestone
from development.permissions.plans import can_edit_plan, can_see_outline
from perfapp.orgs.models import Membership


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
