"""Completing a stretch assignment finishes the goal it put in each chosen person's
development plan: in the service (so page and API agree), whoever completes it, with a
line in the plan's history, an audit entry and the person told. A goal the plan's two
people dropped stays dropped."""

import pytest
from django.core.exceptions import ValidationError

from development.models import Goal, GoalStatus, PlanEvent
from development.services import plans, stretch
from perfapp.audit.models import AuditEvent
from perfapp.notifications.models import OutboxMessage

from ..helpers import org_url, signed_in_client, visible_text
from .test_stretch_api import client_for
from .test_stretch_pages import post


def _chosen(world, owner=None):
    """An opportunity of ``owner`` (default the manager) with the report chosen for it;
    the report's linked goal."""
    assignment = post(world, owner=owner)
    with world.scope():
        interest = stretch.express_interest(
            person=world.report, assignment=assignment, note="I'd like to try."
        )
        stretch.choose(actor=owner or world.manager, assignment=assignment, interests=[interest])
        goal = Goal.objects.get(stretch_interest=interest)
    assert goal.status == GoalStatus.ON_TRACK
    return assignment, goal


def _told(world) -> OutboxMessage:
    with world.scope():
        return OutboxMessage.objects.get(
            recipient=world.report, kind="stretch.decision", occasion__endswith=":completed"
        )


def test_completing_marks_the_linked_goal_done_with_history_audit_and_word(world_a):
    w = world_a
    assignment, goal = _chosen(w)
    with w.scope():
        stretch.complete(actor=w.manager, assignment=assignment, outcome="Ran it calmly.")
        goal.refresh_from_db()
        history = list(
            PlanEvent.objects.filter(plan=goal.plan, kind="goal_changed").values_list(
                "summary", flat=True
            )
        )
        audit = AuditEvent.objects.get(action=stretch.StretchAction.COMPLETED)
    assert goal.status == GoalStatus.DONE and goal.done_at is not None
    assert (
        history[-1]
        == "Marked the goal “Run the game day” done: its stretch assignment is complete."
    )
    assert audit.changes == {"goals_done": [None, [w.report.name]]}
    assert "Its goal in your development plan is marked done." in _told(w).body


def test_whoever_completes_it_finishes_the_goal_even_without_editing_the_plan(world_a):
    """HR posted it; HR may not edit the report's plan, yet completing finishes its goal."""
    w = world_a
    assignment, goal = _chosen(w, owner=w.hr)
    with w.scope():
        with pytest.raises(ValidationError):
            plans.set_goal_status(actor=w.hr, goal=goal, status=GoalStatus.DONE)
        stretch.complete(actor=w.hr, assignment=assignment, outcome="Shipped.")
        goal.refresh_from_db()
    assert goal.status == GoalStatus.DONE


def test_a_goal_the_two_people_dropped_stays_dropped(world_a):
    w = world_a
    assignment, goal = _chosen(w)
    with w.scope():
        plans.set_goal_status(
            actor=w.report, goal=goal, status=GoalStatus.DROPPED, reason="Too much this quarter."
        )
        stretch.complete(actor=w.manager, assignment=assignment, outcome="Done without them.")
        goal.refresh_from_db()
        audit = AuditEvent.objects.get(action=stretch.StretchAction.COMPLETED)
    assert (goal.status, goal.dropped_reason) == (GoalStatus.DROPPED, "Too much this quarter.")
    assert audit.changes == {}
    assert "marked done" not in _told(w).body


def test_only_a_stretch_goal_finishes_this_way(world_a):
    with world_a.scope(), pytest.raises(ValueError):
        plans.finish_stretch_goal(actor=world_a.manager, goal=world_a.plans.goal)


def test_on_the_pages_the_owner_and_the_person_see_the_goal_done(world_a):
    w = world_a
    assignment, goal = _chosen(w)
    manager = signed_in_client(w.manager)
    response = manager.post(
        org_url("development:opportunity_complete", org=w, pk=assignment.pk),
        {"outcome": "Ran it."},
        follow=True,
    )
    assert response.status_code == 200
    assert f"Its goal is marked done in the development plan of {w.report.name}." in visible_text(
        response
    )
    report = signed_in_client(w.report)
    page = visible_text(report.get(org_url("development:opportunity", org=w, pk=assignment.pk)))
    assert "Its goal in your development plan is marked done." in page
    plan_page = visible_text(
        report.get(org_url("development:plan", org=w, pk=w.report.pk), follow=True)
    )
    assert "Marked the goal “Run the game day” done: its stretch assignment is complete." in (
        plan_page
    )
    with w.scope():
        goal.refresh_from_db()
    assert goal.status == GoalStatus.DONE


def test_through_the_api_the_goal_reads_done(world_a):
    w = world_a
    assignment, goal = _chosen(w)
    done = client_for(w.manager).post(
        org_url("api:opportunity-complete", org=w, pk=assignment.pk),
        {"outcome": "Ran it."},
        format="json",
    )
    assert done.status_code == 200 and done.json()["status"] == "completed"
    read = client_for(w.report).get(org_url("api:goal-detail", org=w, pk=goal.pk))
    assert read.status_code == 200 and read.json()["status"] == "done"
