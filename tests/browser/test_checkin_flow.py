"""A manager starts weekly 1:1s, both people add talking points (one linked to a piece of
feedback), the meeting is held with an action item, and what was left open shows up on
the next meeting."""

import re

from playwright.sync_api import Browser, expect

from feedback.models import Visibility
from feedback.services import giving as services

from ..helpers import signed_in_page


def test_weekly_one_on_one_carries_open_points_and_actions(
    browser: Browser, live_server, transactional_db, world_a
):
    manager, report = world_a.owner, world_a.hr  # the HR admin reports to the owner
    with world_a.scope():
        services.give_feedback(
            author=manager,
            recipient=report,
            kind="praise",
            situation="You ran the offsite brilliantly.",
            visibility=Visibility.PRIVATE,
        )
    boss = signed_in_page(browser, live_server, manager)
    boss.get_by_role("navigation", name="Main").get_by_role("link", name="Check-ins").click()
    boss.get_by_role("link", name=f"Start 1:1s with {report.name}").click()
    boss.get_by_label("How often").select_option("weekly")
    boss.get_by_label("Time of day").fill("10:00")
    boss.get_by_role("button", name="Start the series").click()
    boss.get_by_role("link", name="Open the next 1:1").click()
    meeting_url = boss.url

    boss.get_by_role("textbox", name="Add a talking point").fill("Quarterly goals")
    boss.locator("#agenda").get_by_label("Link to").select_option(index=1)  # the feedback
    boss.get_by_role("button", name="Add talking point").click()
    expect(boss.locator("#agenda")).to_contain_text("Quarterly goals")
    expect(boss.locator("#agenda .link-chip")).to_contain_text("Praise from you")

    colleague = signed_in_page(browser, live_server, report)
    colleague.goto(meeting_url)
    colleague.get_by_role("textbox", name="Add a talking point").fill("Conference budget")
    colleague.get_by_role("button", name="Add talking point").click()
    expect(colleague.locator("#agenda")).to_contain_text("Conference budget")
    # Both of them may read the linked feedback: the chip opens it.
    expect(colleague.locator("#agenda .link-chip")).to_contain_text("to you")

    boss.reload()
    expect(boss.locator("#agenda")).to_contain_text("Conference budget")
    boss.get_by_label("Discussed: Quarterly goals").check()
    expect(boss.locator(".point.is-discussed")).to_contain_text("Quarterly goals")
    boss.get_by_role("textbox", name="Action item").fill("Draft the Q3 goals one-pager")
    boss.get_by_label("Who").select_option(str(report.pk))
    boss.get_by_role("button", name="Add action item").click()
    expect(boss.get_by_text("Draft the Q3 goals one-pager", exact=True)).to_be_visible()
    boss.get_by_role("button", name="Mark held").click()
    expect(boss.get_by_text(re.compile("held", re.I)).first).to_be_visible()

    # The next meeting: the open point and the action item came along.
    colleague.goto(meeting_url)
    colleague.get_by_role("link", name=re.compile("series|1:1s", re.I)).first.click()
    colleague.get_by_role("link", name="Open the next 1:1").click()
    assert colleague.url != meeting_url
    agenda = colleague.locator("#agenda")
    expect(agenda).to_contain_text("Conference budget")
    expect(agenda).not_to_contain_text("Quarterly goals")
    expect(colleague.get_by_text("Draft the Q3 goals one-pager", exact=True)).to_be_visible()
