"""The development plan API: reading in full or as an outline, writing through the same
services as the pages, bad input as the 400 envelope, stale edits as 409, and list query
budgets at two sizes."""

from datetime import timedelta

import pytest

from development.models import DevelopmentPlan, Goal, LearningItem, Milestone, PlanReview
from development.services import plans
from perfapp.timezones import local_today

from ..factories import MembershipFactory
from ..helpers import api_error, org_url


def test_plans_read_in_full_by_the_two_people_and_as_an_outline_above(world_a, api_as):
    world = world_a
    path = org_url("api:plan-detail", org=world, pk=world.plans.plan.pk)
    full = api_as(world.manager).get(path).json()
    assert full["access"] == "full" and "Lead the design" in full["aspirations"]
    assert full["state"] == "agreed" and full["owner"]["id"] == world.report.pk
    assert [c["id"] for c in full["focus_competencies"]] == [world.framework.other_competency.pk]
    for reader in (world.hr, world.owner):
        outline = api_as(reader).get(path).json()
        assert outline["access"] == "outline" and outline["aspirations"] is None
    listed = api_as(world.manager).get(org_url("api:plan-list", org=world)).json()["results"]
    assert [row["id"] for row in listed] == [world.plans.plan.pk]
    assert api_as(world.member).get(org_url("api:plan-list", org=world)).json()["results"] == []
    goals = api_as(world.owner).get(org_url("api:goal-list", org=world)).json()["results"]
    assert [g["id"] for g in goals] == [world.plans.shared_goal.pk]


def test_a_plan_is_started_edited_with_its_version_and_signed(world_a, api_as):
    world = world_a
    person = MembershipFactory(organization=world.organization, manager=world.manager)
    created = api_as(person).post(
        org_url("api:plan-list", org=world), {"aspirations": "Grow."}, format="json"
    )
    assert created.status_code == 201
    plan = created.json()
    again = api_as(person).post(org_url("api:plan-list", org=world), {}, format="json")
    assert "already have a plan" in api_error(again)["message"]
    path = org_url("api:plan-detail", org=world, pk=plan["id"])
    changed = api_as(person).patch(
        path,
        {
            "version": plan["version"],
            "aspirations": "Grow faster.",
            "focus_competencies": [world.framework.competency.pk],
        },
        format="json",
    )
    assert changed.status_code == 200 and changed.json()["version"] == plan["version"] + 1
    stale = api_as(world.manager).patch(
        path, {"version": plan["version"], "aspirations": "Overwrite."}, format="json"
    )
    assert stale.status_code == 409
    body = stale.json()["error"]
    assert body["code"] == "conflict" and body["current"]["aspirations"] == "Grow faster."
    version = changed.json()["version"]
    signed = api_as(person).post(
        org_url("api:plan-sign", org=world, pk=plan["id"]), {"version": version}, format="json"
    )
    assert signed.status_code == 200 and signed.json()["state"] == "waiting_manager"
    stale_sign = api_as(world.manager).post(
        org_url("api:plan-sign", org=world, pk=plan["id"]), {"version": version - 1}, format="json"
    )
    assert stale_sign.status_code == 409
    agreed = api_as(world.manager).post(
        org_url("api:plan-sign", org=world, pk=plan["id"]), {"version": version}, format="json"
    )
    assert agreed.json()["state"] == "agreed" and agreed.json()["next_review_on"]


def test_bad_input_is_the_400_envelope_and_changes_nothing(world_a, world_b, api_as):
    world = world_a
    client = api_as(world.report)
    with world.scope():
        counts = (Goal.objects.count(), Milestone.objects.count(), LearningItem.objects.count())
    backwards = client.post(
        org_url("api:goal-list", org=world),
        {
            "plan": world.plans.plan.pk,
            "title": "Backwards",
            "success_criteria": "Done.",
            "start_on": "2030-03-01",
            "target_on": "2030-02-01",
        },
        format="json",
    )
    assert "before the start" in api_error(backwards)["fields"]["target_on"][0]["message"]
    # A milestone on someone else's goal: the goal "does not exist" for a peer.
    peer = api_as(world.member).post(
        org_url("api:milestone-list", org=world),
        {"goal": world.plans.goal.pk, "title": "Mine"},
        format="json",
    )
    assert api_error(peer)["fields"]["goal"][0]["code"] == "does_not_exist"
    foreign = api_as(world.report).post(
        org_url("api:milestone-list", org=world),
        {"goal": world_b.plans.goal.pk, "title": "X"},
        format="json",
    )
    assert api_error(foreign)["fields"]["goal"][0]["code"] == "does_not_exist"
    goal_path = org_url("api:goal-detail", org=world, pk=world.plans.goal.pk)
    client = api_as(world.report)  # one client: each api_as() changes who it is
    dropped = client.patch(goal_path, {"status": "dropped"}, format="json")
    assert "dropped_reason" in api_error(dropped)["fields"]
    for value in (150, -1):
        progress = client.patch(
            goal_path, {"progress_mode": "manual", "manual_progress": value}, format="json"
        )
        assert "manual_progress" in api_error(progress)["fields"]
    too_many = client.patch(
        org_url("api:plan-detail", org=world, pk=world.plans.plan.pk),
        {"version": 0, "focus_competencies": [world.framework.competency.pk] * 2},
        format="json",
    )
    assert api_error(too_many)["fields"]["focus_competencies"]
    someone_elses = api_as(world.hr).post(
        org_url("api:plan-sign", org=world, pk=world.plans.plan.pk), {"version": 0}, format="json"
    )
    assert "sign this plan" in api_error(someone_elses)["message"]
    client = api_as(world.report)
    floating = client.post(
        org_url("api:learning-item-list", org=world),
        {"plan": world.plans.plan.pk, "kind": "book", "title": "Floating"},
        format="json",
    )
    assert "goal" in api_error(floating)["fields"]
    with world.scope():
        assert counts == (
            Goal.objects.count(),
            Milestone.objects.count(),
            LearningItem.objects.count(),
        )
        goal = Goal.objects.get(pk=world.plans.goal.pk)
        assert (goal.status, goal.progress_mode) == ("on_track", "milestones")


def test_goals_milestones_learning_and_reviews_are_written_by_the_two_people(world_a, api_as):
    world = world_a
    client = api_as(world.manager)
    today = local_today(world.manager)
    goal = client.post(
        org_url("api:goal-list", org=world),
        {
            "plan": world.plans.plan.pk,
            "title": "Pair on the design",
            "success_criteria": "One design shipped together.",
            "competencies": [world.framework.competency.pk],
            "start_on": today.isoformat(),
            "target_on": (today + timedelta(days=20)).isoformat(),
            "visibility": "team",
        },
        format="json",
    )
    assert goal.status_code == 201 and goal.json()["progress"] == 0
    milestone = client.post(
        org_url("api:milestone-list", org=world),
        {"goal": goal.json()["id"], "title": "Kick-off"},
        format="json",
    )
    assert milestone.status_code == 201
    done = api_as(world.report).patch(
        org_url("api:milestone-detail", org=world, pk=milestone.json()["id"]),
        {"done": True},
        format="json",
    )
    assert done.json()["done"] is True
    client = api_as(world.manager)
    again = client.get(org_url("api:goal-detail", org=world, pk=goal.json()["id"])).json()
    assert again["progress"] == 100 and again["overdue"] is False
    item = client.post(
        org_url("api:learning-item-list", org=world),
        {
            "plan": world.plans.plan.pk,
            "kind": "course",
            "title": "Design course",
            "goal": goal.json()["id"],
        },
        format="json",
    )
    assert item.status_code == 201
    review = client.post(
        org_url("api:plan-review-list", org=world),
        {
            "plan": world.plans.plan.pk,
            "what_changed": "Added the pairing goal.",
            "next_review_on": (today + timedelta(days=45)).isoformat(),
        },
        format="json",
    )
    assert review.status_code == 201
    listed = client.get(
        org_url("api:plan-review-list", org=world) + f"?plan={world.plans.plan.pk}"
    ).json()
    assert listed["results"][0]["what_changed"] == "Added the pairing goal."
    removed = client.delete(org_url("api:milestone-detail", org=world, pk=milestone.json()["id"]))
    assert removed.status_code == 204


# --- query budgets ----------------------------------------------------------------------------


def _grow(world, how_many: int) -> None:
    """``how_many`` more reports of the manager, each with a plan, a goal, a milestone, a
    learning item and a review."""
    today = local_today(world.manager)
    for _ in range(how_many):
        person = MembershipFactory(
            organization=world.organization, manager=world.manager, team=world.team
        )
        plan = plans.save_plan(
            actor=person,
            owner=person,
            expected_version=0,
            aspirations="Grow.",
            focus=[world.framework.competency],
        )
        goal = plans.add_goal(
            actor=person,
            plan=plan,
            title="A goal",
            success_criteria="Done.",
            competencies=[world.framework.competency],
            start_on=today,
            target_on=today + timedelta(days=9),
            visibility="team",
        )
        plans.add_milestone(actor=person, goal=goal, title="Step")
        plans.add_learning(actor=person, plan=plan, kind="book", title="Read", goal=goal)
        PlanReview.objects.create(
            organization=world.organization,
            plan=plan,
            recorded_by=person,
            what_changed="Fine.",
            next_review_on=today + timedelta(days=30),
        )


@pytest.mark.parametrize(
    "name", ["plan-list", "goal-list", "milestone-list", "learning-item-list", "plan-review-list"]
)
def test_lists_cost_the_same_number_of_queries_at_two_sizes(
    name, world_a, api_as, django_assert_max_num_queries
):
    client = api_as(world_a.manager)
    budget = 8  # token, membership, the reporting line walk, the page and its prefetches
    used = []
    grown = 0
    for size in (4, 40):
        with world_a.scope():
            _grow(world_a, size - grown)
        grown = size
        with django_assert_max_num_queries(budget) as captured:
            response = client.get(org_url(f"api:{name}", org=world_a) + "?page_size=60")
        assert response.status_code == 200, response.content
        used.append((len(response.json()["results"]), len(captured.captured_queries)))
    (small_rows, small), (large_rows, large) = used
    assert large_rows > small_rows >= 4
    assert small == large, used
    with world_a.scope():
        assert DevelopmentPlan.objects.count() >= 40
