"""A report sees their next 1:1 and its agenda on their home; their manager opens My team,
sees who needs attention and why, and sorts the table by a column — in the browser."""

import os
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from feedback.services import giving as feedback_services
from perfapp.tenancy.scoping import organization_scope

from ..factories import MembershipFactory
from ..helpers import signed_in_page


def _shot(page: Page, name: str) -> None:
    folder = os.environ.get("PERFAPP_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, name), full_page=True)


def test_home_shows_the_next_1_1_and_a_manager_sorts_the_team(
    browser: Browser, live_server, transactional_db, world_a
):
    world = world_a
    quiet = MembershipFactory(
        organization=world.organization,
        manager=world.manager,
        team=world.team,
        user__name="Quinn Quiet",
        joined_at=timezone.now() - timedelta(days=90),
    )
    with organization_scope(world.organization):
        for _ in range(2):
            feedback_services.give_feedback(
                author=world.member,
                recipient=quiet,
                kind="praise",
                situation="In Thursday's retro you named the flaky deploy step.",
                impact="We fixed it the same week.",
            )

    me = signed_in_page(
        browser, live_server, world.report, viewport=(1440, 900), accept_dialogs=False
    )
    panel = me.locator("section").filter(has=me.get_by_role("heading", name="Your next 1:1"))
    expect(panel).to_contain_text(f"With {world.manager.user.name}")
    expect(panel).to_contain_text("Promotion timeline")
    expect(panel).to_contain_text("Draft the RFC")
    _shot(me, "home-report.png")

    boss = signed_in_page(
        browser, live_server, world.manager, viewport=(1440, 900), accept_dialogs=False
    )
    boss.get_by_role("navigation", name="Main").get_by_role("link", name="My team").click()
    expect(boss.get_by_role("heading", level=1)).to_have_text("My team")
    attention = boss.locator("section.attention")
    expect(attention).to_contain_text("Quinn Quiet")
    expect(attention).to_contain_text("No 1:1s set up")
    expect(attention).to_contain_text("Not recognized in 60 days")

    rows = boss.locator("table.team-dashboard tbody th[scope=row] strong")
    by_name = sorted([world.report.user.name, "Quinn Quiet"], key=str.lower)
    expect(rows.first).to_have_text(by_name[0])
    header = boss.get_by_role("columnheader", name="Feedback received")
    # Numeric columns sort most first on the first click.
    header.get_by_role("link").click()
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(rows.first).to_have_text("Quinn Quiet")
    assert "sort=-feedback_received" in boss.url
    header = boss.get_by_role("columnheader", name="Feedback received")
    header.get_by_role("link").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    expect(rows.first).to_have_text(world.report.user.name)
    _shot(boss, "team-dashboard.png")
