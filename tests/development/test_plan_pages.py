"""Development plan pages through the Django test client: drafting from the suggested
gaps, signing, stale edits, goals and milestones (htmx and not), bad input, what the
outline shows to the line above and HR, shared goals for teammates, the manager's team
page, HR's settings, the home panel, and the fixed query budgets."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from advancement.services import placements as placement_services
from development.models import (
    DevelopmentPlan,
    DevelopmentSettings,
    Goal,
    LearningItem,
    Milestone,
    PlanStatus,
)
from development.services import plans
from perfapp.notifications.models import OutboxMessage
from perfapp.timezones import local_today

from ..factories import MembershipFactory
from ..helpers import html_of, org_url, signed_in_client

HX = {"HX-Request": "true"}


def new_report(world, manager=None):
    person = MembershipFactory(
        organization=world.organization, manager=manager or world.manager, team=world.team
    )
    with world.scope():
        placement_services.place(actor=world.hr, membership=person, level=world.framework.level)
    return person


def plan_of(world, person) -> DevelopmentPlan:
    with world.scope():
        return DevelopmentPlan.objects.get(owner=person)


def test_an_employee_drafts_from_the_suggested_gaps_and_the_manager_agrees(world_a):
    world = world_a
    person = new_report(world)
    me = signed_in_client(person)
    home = html_of(me.get(org_url("development:index", org=world)))
    assert "Your growth plan starts with you" in home and "Draft your plan" in home
    assert "L2 Senior" in home  # the next level's name, with what it asks for

    edit = html_of(me.get(org_url("development:plan_edit", org=world, pk=person.pk)))
    assert "Suggested for L2" in edit and "No evidence yet" in edit
    assert "Designs systems." in edit and "Mentors others." in edit  # what L2 asks
    craft, teamwork = world.framework.competency, world.framework.other_competency
    saved = me.post(
        org_url("development:plan_edit", org=world, pk=person.pk),
        {
            "aspirations": "Design a service end to end.",
            "target_level": world.framework.next_level.pk,
            "focus_competencies": [craft.pk, teamwork.pk],
            "version": 0,
        },
    )
    assert saved.status_code == 302
    page = html_of(me.get(org_url("development:index", org=world)))
    assert "Design a service end to end." in page and "Started the plan" in page
    version = plan_of(world, person).version
    assert (
        me.post(
            org_url("development:plan_sign", org=world, pk=person.pk), {"version": version}
        ).status_code
        == 302
    )

    boss = signed_in_client(world.manager)
    team = html_of(boss.get(org_url("development:team", org=world)))
    assert "Waiting for your sign-off" in team and "Review and sign" in team
    plan_page = html_of(boss.get(org_url("development:plan", org=world, pk=person.pk)))
    assert "Design a service end to end." in plan_page and "Sign off on this plan" in plan_page
    boss.post(
        org_url("development:plan_comment", org=world, pk=person.pk), {"body": "Love the focus."}
    )
    assert (
        boss.post(
            org_url("development:plan_sign", org=world, pk=person.pk), {"version": version}
        ).status_code
        == 302
    )
    assert plan_of(world, person).status == PlanStatus.AGREED
    page = html_of(me.get(org_url("development:index", org=world)))
    assert "Agreed on" in page and "Love the focus." in page


def test_a_stale_edit_on_the_page_says_it_changed_meanwhile(world_a):
    world = world_a
    plan = plan_of(world, world.report)
    boss, me = signed_in_client(world.manager), signed_in_client(world.report)
    edit = {"aspirations": "Mine.", "version": plan.version}
    assert (
        me.post(org_url("development:plan_edit", org=world, pk=world.report.pk), edit).status_code
        == 302
    )
    stale = boss.post(
        org_url("development:plan_edit", org=world, pk=world.report.pk),
        {"aspirations": "His.", "version": plan.version},
    )
    assert stale.status_code == 409
    body = html_of(stale)
    assert "changed meanwhile" in body and "His." in body  # their text, not saved
    assert plan_of(world, world.report).aspirations == "Mine."
    old_sign = boss.post(
        org_url("development:plan_sign", org=world, pk=world.report.pk), {"version": plan.version}
    )
    assert old_sign.status_code == 409 and "changed since you opened it" in html_of(old_sign)


def test_goal_bad_input_shows_next_to_the_field_and_saves_nothing(world_a):
    world = world_a
    me = signed_in_client(world.report)
    with world.scope():
        count = Goal.objects.count()
    response = me.post(
        org_url("development:goal_new", org=world, pk=world.report.pk),
        {
            "title": "Backwards",
            "success_criteria": "Done.",
            "start_on": "2030-03-01",
            "target_on": "2030-02-01",
            "visibility": "private",
        },
    )
    assert response.status_code == 400
    assert "The target date is before the start" in html_of(response)
    response = me.post(
        org_url("development:goal_new", org=world, pk=world.report.pk), {"visibility": "private"}
    )
    assert response.status_code == 400 and "Give the goal a short title." in html_of(response)
    with world.scope():
        assert Goal.objects.count() == count


def test_dropping_without_a_reason_and_progress_out_of_range_are_refused(world_a):
    world = world_a
    me = signed_in_client(world.report)
    goal = world.plans.goal
    dropped = me.post(
        org_url("development:goal_status", org=world, pk=goal.pk), {"status": "dropped"}
    )
    assert dropped.status_code == 400 and "Say why the goal is dropped." in html_of(dropped)
    card = me.post(
        org_url("development:goal_status", org=world, pk=goal.pk), {"status": "dropped"}, headers=HX
    )
    assert card.status_code == 200 and "Say why the goal is dropped." in html_of(card)
    for value in ("150", "-5", "", "many"):
        bad = me.post(
            org_url("development:goal_progress", org=world, pk=goal.pk),
            {"progress_mode": "manual", "manual_progress": value},
        )
        assert bad.status_code == 400, value
    with world.scope():
        fresh = Goal.objects.get(pk=goal.pk)
        assert (fresh.status, fresh.progress_mode) == ("on_track", "milestones")


def test_milestones_tick_over_htmx_and_someone_elses_are_not_found(world_a):
    world = world_a
    me = signed_in_client(world.report)
    goal = world.plans.goal
    added = me.post(
        org_url("development:milestone_add", org=world, pk=goal.pk),
        {"title": "Hold it"},
        headers=HX,
    )
    assert added.status_code == 200
    card = html_of(added)
    assert card.lstrip().startswith("<article") and "Milestone added." in card
    assert "0 of 2 milestones done" in card
    done = me.post(
        org_url("development:milestone_done", org=world, pk=world.plans.milestone.pk),
        {"done": "1"},
        headers=HX,
    )
    assert "1 of 2 milestones done" in html_of(done) and "50%" in html_of(done)
    empty = me.post(
        org_url("development:milestone_add", org=world, pk=goal.pk), {"title": " "}, headers=HX
    )
    assert "Say what the milestone is." in html_of(empty)

    peer = signed_in_client(world.member)  # a teammate: the goal is not theirs
    with world.scope():
        count = Milestone.objects.count()
    assert (
        peer.post(
            org_url("development:milestone_add", org=world, pk=goal.pk), {"title": "Mine"}
        ).status_code
        == 404
    )
    assert (
        peer.post(
            org_url("development:milestone_done", org=world, pk=world.plans.milestone.pk), {}
        ).status_code
        == 404
    )
    with world.scope():
        assert Milestone.objects.count() == count
        assert Milestone.objects.get(pk=world.plans.milestone.pk).done_at is not None


def test_the_outline_shows_status_and_shared_goals_but_nothing_private(world_a):
    world = world_a
    private = [
        "Lead the design of a service",  # aspirations
        world.plans.goal.title,
        "Let's agree this.",  # the manager's comment
        "Facilitation course",  # learning
        "First review: all on track.",
    ]
    for reader in (world.hr, world.owner):  # HR, and the manager's manager
        page = html_of(
            signed_in_client(reader).get(org_url("development:plan", org=world, pk=world.report.pk))
        )
        assert "You see the outline" in page and "Agreed" in page
        assert world.plans.shared_goal.title in page
        assert "1 private goal not shown" in page
        assert world.framework.other_competency.name in page  # the focus
        for secret in private:
            assert secret not in page, (reader, secret)
        assert "Sign off on this plan" not in page
    both = html_of(
        signed_in_client(world.manager).get(
            org_url("development:plan", org=world, pk=world.report.pk)
        )
    )
    for secret in private:
        assert secret in both


def test_teammates_see_shared_goals_on_their_own_plan_page(world_a):
    world = world_a
    page = html_of(signed_in_client(world.member).get(org_url("development:index", org=world)))
    assert "Shared in your team" in page and world.plans.shared_goal.title in page
    assert world.plans.goal.title not in page
    assert (
        signed_in_client(world.member)
        .get(org_url("development:plan", org=world, pk=world.report.pk))
        .status_code
        == 404
    )


def test_learning_is_added_for_a_competency_and_refused_without_one(world_a):
    world = world_a
    me = signed_in_client(world.report)
    target = org_url("development:learning_add", org=world, pk=world.report.pk)
    bad = me.post(target, {"kind": "book", "title": "Nowhere", "about": ""})
    assert bad.status_code == 400 and "Attach it to one of the goals" in html_of(bad)
    foreign = me.post(target, {"kind": "book", "title": "X", "about": "goal-999999"})
    assert foreign.status_code == 400
    ok = me.post(
        target,
        {
            "kind": "talk",
            "title": "Facilitating design reviews",
            "url": "https://example.com/talk",
            "about": f"competency-{world.framework.other_competency.pk}",
        },
    )
    assert ok.status_code == 302
    with world.scope():
        item = LearningItem.objects.get(title="Facilitating design reviews")
        assert item.competency_id == world.framework.other_competency.pk and item.goal is None


def test_the_team_page_shows_each_reports_plan_and_what_needs_attention(world_a):
    world = world_a
    quiet = new_report(world)
    with world.scope():
        Goal.objects.filter(pk=world.plans.goal.pk).update(status="at_risk")
    page = html_of(signed_in_client(world.manager).get(org_url("development:team", org=world)))
    assert world.report.name in page and quiet.name in page
    assert "Agreed" in page and "No plan yet" in page and "1 at risk" in page
    empty = html_of(signed_in_client(world.member).get(org_url("development:team", org=world)))
    assert "No direct reports" in empty


def test_hr_sets_the_cadence_and_sees_counts_only(world_a):
    world = world_a
    client = signed_in_client(world.hr)
    page = html_of(client.get(org_url("development:settings", org=world)))
    assert "Plans across" in page and world.plans.goal.title not in page
    bad = client.post(org_url("development:settings", org=world), {"review_every_months": 0})
    assert bad.status_code == 400
    assert (
        client.post(
            org_url("development:settings", org=world), {"review_every_months": 6}
        ).status_code
        == 302
    )
    with world.scope():
        assert DevelopmentSettings.of(world.organization).review_every_months == 6


def test_the_home_panel_shows_my_plan_and_plans_waiting_for_me(world_a):
    world = world_a
    person = new_report(world)
    with world.scope():
        plan = plans.save_plan(actor=person, owner=person, expected_version=0, aspirations="Grow.")
        plans.sign_plan(actor=person, plan=plan, expected_version=plan.version)
        Goal.objects.filter(pk=world.plans.goal.pk).update(status="at_risk")
    home = reverse("web:home", kwargs={"org_slug": world.organization.slug})
    mine = html_of(signed_in_client(world.report).get(home))
    assert "Your growth plan" in mine and "Book the first review" in mine  # next milestone
    assert "1 at risk" in mine
    boss = html_of(signed_in_client(world.manager).get(home))
    assert "Plans waiting for your sign-off" in boss and person.name in boss
    with world.scope():
        assert OutboxMessage.objects.filter(
            recipient=world.manager, kind="development.plan"
        ).exists()


# --- query budgets ---------------------------------------------------------------------------


def _count(client, path) -> int:
    client.get(path)  # warm-up: settings rows are created on first use
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_plan_page_holds_a_fixed_query_budget(world_a):
    world = world_a
    client = signed_in_client(world.manager)
    path = org_url("development:plan", org=world, pk=world.report.pk)
    plan = world.plans.plan

    def grow_to(n):
        with world.scope():
            plan.refresh_from_db()
            plan.owner = world.report
            today = local_today(world.report)
            for i in range(plan.goals.count(), n):
                goal = plans.add_goal(
                    actor=world.report,
                    plan=plan,
                    title=f"Goal {i}",
                    success_criteria="Done.",
                    competencies=[world.framework.competency],
                    start_on=today,
                    target_on=today + timedelta(days=i),
                    visibility="team" if i % 2 else "private",
                )
                for j in range(3):
                    plans.add_milestone(actor=world.report, goal=goal, title=f"Step {j}")
                plans.add_learning(actor=world.report, plan=plan, kind="book", title="B", goal=goal)
                plans.comment_on_plan(actor=world.manager, plan=plan, body=f"Note {i}")

    grow_to(3)
    small = _count(client, path)
    grow_to(25)
    large = _count(client, path)
    assert small == large, (small, large)
    assert large <= 30
    outline = signed_in_client(world.hr)
    assert _count(outline, path) <= 25


def test_the_team_page_holds_a_fixed_query_budget(world_a):
    world = world_a
    client = signed_in_client(world.manager)
    path = org_url("development:team", org=world)

    def grow_to(n):
        with world.scope():
            have = world.manager.direct_reports.count()
            for i in range(have, n):
                person = MembershipFactory(organization=world.organization, manager=world.manager)
                if i % 2:
                    plan = plans.save_plan(
                        actor=person, owner=person, expected_version=0, aspirations="Grow."
                    )
                    plans.add_goal(
                        actor=person,
                        plan=plan,
                        title="A goal",
                        success_criteria="Done.",
                        start_on=local_today(person),
                        target_on=local_today(person),
                    )

    grow_to(3)
    small = _count(client, path)
    grow_to(30)
    large = _count(client, path)
    assert small == large, (small, large)
    assert large <= 15
