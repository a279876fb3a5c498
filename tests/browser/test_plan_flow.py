"""An employee drafts a development plan from the gaps to their next level and signs it;
their manager reads it on the team page, comments and agrees; the goal then gets
milestones, and ticking one moves its progress — all in the browser."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Browser, expect

from advancement.services import placements as placement_services
from perfapp.tenancy.scoping import organization_scope

from ..factories import MembershipFactory
from ..helpers import signed_in_page


def test_an_employee_drafts_a_plan_the_manager_agrees_and_a_goal_makes_progress(
    browser: Browser, live_server, transactional_db, world_a, tmp_path
):
    world = world_a
    teamwork = world.framework.other_competency
    employee = MembershipFactory(
        organization=world.organization, manager=world.manager, team=world.team
    )
    with organization_scope(world.organization):
        placement_services.place(actor=world.hr, membership=employee, level=world.framework.level)

    me = signed_in_page(browser, live_server, employee, viewport=(1280, 900))
    me.get_by_role("navigation", name="Main").get_by_role("link", name="Growth").click()
    expect(
        me.get_by_role("heading", level=2, name="Your growth plan starts with you")
    ).to_be_visible()
    me.get_by_role("link", name="Draft your plan").click()

    # The next level's gaps are suggested; the employee picks the one without evidence.
    suggestion = me.locator(".focus-suggestion").filter(has_text=teamwork.name)
    expect(suggestion).to_contain_text("No evidence yet")
    expect(suggestion).to_contain_text("Mentors others.")
    suggestion.get_by_role("checkbox").check()
    me.get_by_label("Where do you want to be in one to three years?").fill(
        "Lead design reviews for the platform within two years."
    )
    me.get_by_role("button", name="Save the plan").click()
    expect(me.get_by_role("heading", level=1)).to_have_text("My growth plan")
    expect(me.locator("#plan-text")).to_contain_text(teamwork.name)

    today = timezone.localdate()
    me.get_by_role("link", name="Add a goal").first.click()
    me.get_by_label("Goal", exact=True).fill("Run the design review of the sync service")
    me.get_by_label("How you will both know it is done").fill("Two reviews held, notes shared.")
    me.get_by_label("Starts on").fill(today.isoformat())
    me.get_by_label("Target date").fill((today + timedelta(days=45)).isoformat())
    me.get_by_role("checkbox", name=teamwork.name).check()
    me.get_by_role("button", name="Add the goal").click()
    expect(me.locator(".goal")).to_contain_text("Run the design review of the sync service")
    me.get_by_role("button", name="Sign off on this plan").click()
    expect(me.locator("#signoff")).to_contain_text("Waiting for the manager's sign-off")

    # The manager finds it on the team page, comments and agrees.
    boss = signed_in_page(browser, live_server, world.manager, viewport=(1280, 900))
    boss.get_by_role("navigation", name="Main").get_by_role("link", name="Growth").click()
    boss.get_by_role("navigation", name="Growth sections").get_by_role("link", name="Team").click()
    row = boss.get_by_role("row").filter(has_text=employee.user.name)
    expect(row).to_contain_text("Waiting for your sign-off")
    boss.screenshot(path=str(tmp_path / "team.png"), full_page=True)
    row.get_by_role("link", name=f"Open {employee.user.name}'s plan").click()
    expect(boss.locator("#plan-text")).to_contain_text("Lead design reviews")
    boss.get_by_label("Comment").fill("Great focus. I'll pair with you on the first review.")
    boss.get_by_role("button", name="Add comment").click()
    boss.get_by_role("button", name="Sign off on this plan").click()
    expect(boss.locator("#signoff")).to_contain_text("Agreed")

    # Back to the employee: the plan is agreed; the goal gets milestones and progress.
    me.reload()
    expect(me.locator("#signoff")).to_contain_text("Agreed")
    expect(me.locator("#comments")).to_contain_text("Great focus.")
    goal = me.locator(".goal").first
    for step in ("Book the first review", "Share the notes"):
        goal.get_by_label("Add a milestone").fill(step)
        goal.get_by_role("button", name="Add milestone").click()
        expect(me.locator(".goal").first).to_contain_text(step)
    goal = me.locator(".goal").first
    expect(goal).to_contain_text("0 of 2 milestones done")
    goal.get_by_role("checkbox", name="Book the first review").check()
    expect(me.locator(".goal").first).to_contain_text("1 of 2 milestones done")
    expect(me.locator(".goal").first).to_contain_text("50%")
    me.reload()
    expect(me.locator("#history")).to_contain_text(re.compile("Reached the milestone"))
    me.screenshot(path=str(tmp_path / "plan.png"), full_page=True)
