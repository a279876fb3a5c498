"""Plan reviews that fall due and goals past their target date, through the hourly task:
both people are told, once per occasion, in their own time zone."""

from datetime import UTC, datetime, timedelta

import time_machine

from development import tasks
from development.models import DevelopmentPlan, Goal
from development.services import plans
from perfapp.notifications.models import OutboxMessage
from perfapp.orgs.models import Membership
from perfapp.timezones import local_today


def _messages(world, kind):
    with world.scope():
        return sorted(
            OutboxMessage.objects.filter(kind=kind).values_list("recipient_id", "occasion")
        )


def test_a_review_that_falls_due_reminds_both_people_once(world_a, world_b):
    world = world_a
    with world.scope():
        plan = DevelopmentPlan.objects.get(pk=world.plans.plan.pk)
        due = local_today(world.report) + timedelta(days=2)
        DevelopmentPlan.objects.filter(pk=plan.pk).update(next_review_on=due)
    assert tasks.plan_housekeeping() == 2  # one run per organization with plans
    assert _messages(world, "development.review_due") == []  # not due yet

    with time_machine.travel(datetime.combine(due, datetime.min.time(), UTC) + timedelta(hours=12)):
        tasks.plan_housekeeping()
        tasks.plan_housekeeping()  # twice: still one reminder each
    sent = _messages(world, "development.review_due")
    occasion = f"plan:{plan.pk}:review:{due.isoformat()}"
    assert sent == sorted([(world.report.pk, occasion), (world.manager.pk, occasion)])
    with world.scope():
        to_manager = OutboxMessage.objects.get(
            kind="development.review_due", recipient=world.manager
        )
        assert world.report.name in to_manager.title
        assert to_manager.url.endswith(f"/growth/plans/{world.report.pk}/")
    assert _messages(world_b, "development.review_due") == []  # B's plan is not due


def test_reviews_wait_for_the_owners_own_date(world_a):
    """Berlin (the organization's zone) is ahead of UTC: at 23:30 UTC it is already the
    review day there, but not yet for an owner in Los Angeles."""
    world = world_a
    with world.scope():
        due = local_today(world.report) + timedelta(days=5)
        DevelopmentPlan.objects.filter(pk=world.plans.plan.pk).update(next_review_on=due)
        Membership.objects.filter(pk=world.report.pk).update(time_zone="America/Los_Angeles")
    evening = datetime.combine(due - timedelta(days=1), datetime.min.time(), UTC) + timedelta(
        hours=23, minutes=30
    )
    with time_machine.travel(evening):
        tasks.plan_housekeeping()
    assert _messages(world, "development.review_due") == []


def test_an_overdue_goal_is_flagged_to_both_once_and_highlighted(world_a, login):
    world = world_a
    with world.scope():
        today = local_today(world.report)
        Goal.objects.filter(pk=world.plans.goal.pk).update(
            start_on=today - timedelta(days=30), target_on=today - timedelta(days=1)
        )
        Goal.objects.filter(pk=world.plans.shared_goal.pk).update(
            start_on=today - timedelta(days=30), target_on=today - timedelta(days=1), status="done"
        )
    tasks.plan_housekeeping()
    tasks.plan_housekeeping()
    occasion = f"goal:{world.plans.goal.pk}:overdue:{(today - timedelta(days=1)).isoformat()}"
    assert _messages(world, "development.goal_overdue") == sorted(
        [(world.report.pk, occasion), (world.manager.pk, occasion)]
    )
    with world.scope():
        goal = Goal.objects.get(pk=world.plans.goal.pk)
        assert goal.overdue_flagged_on == today
    page = login(world.report).get(f"/o/{world.organization.slug}/growth/").content.decode()
    assert "Past its target date" in page

    # A new target date that passes again is a new occasion.
    with world.scope():
        goal.plan.owner = world.report
        plans.edit_goal(
            actor=world.manager,
            goal=goal,
            title=goal.title,
            success_criteria=goal.success_criteria,
            start_on=goal.start_on,
            target_on=today + timedelta(days=3),
            competencies=list(goal.competencies.all()),
        )
        assert Goal.objects.get(pk=goal.pk).overdue_flagged_on is None
    with time_machine.travel(datetime.combine(today + timedelta(days=5), datetime.min.time(), UTC)):
        tasks.plan_housekeeping()
    assert len(_messages(world, "development.goal_overdue")) == 4
