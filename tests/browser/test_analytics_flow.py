"""HR filters the analytics by team and downloads a table as CSV; a person searches from
the header and downloads their own data: issue #9 (part B) through a real browser."""

import json
import re

import pytest
from playwright.sync_api import Page, expect

from ..factories import PASSWORD
from ..recognition.points_world import grow_people


def sign_in(page: Page, live_server, membership) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(membership.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/o/alpha/$"))


@pytest.fixture
def big_team(transactional_db, world_a):
    grow_people(world_a, 5, team=world_a.team, manager=world_a.manager)
    return world_a


def test_hr_filters_analytics_and_downloads_a_csv(page: Page, live_server, big_team):
    sign_in(page, live_server, big_team.hr)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Analytics").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Analytics")
    page.get_by_label("Team", exact=True).select_option(label="Alpha Platform")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"team=\d+"))
    feedback = page.get_by_role("article", name="Feedback per team")
    expect(feedback.locator("svg.chart")).to_be_visible()
    feedback.get_by_text("Show as a table").click()
    expect(feedback.get_by_role("table")).to_contain_text("Alpha Platform")
    with page.expect_download() as download_info:
        feedback.get_by_role("link", name="Download CSV").click()
    path = download_info.value.path()
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    assert text.startswith("Team,People,Given,Received")
    assert "Alpha Platform,8," in text

    # An inverted range says why and shows nothing.
    page.get_by_label("From").fill("2026-05-01")
    page.get_by_label("To").fill("2026-04-01")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "The start date must be on or before the end date."
    )
    expect(page.get_by_role("article", name="Feedback per team")).to_have_count(0)


def test_a_person_searches_and_downloads_their_data(
    page: Page, live_server, transactional_db, world_a
):
    sign_in(page, live_server, world_a.report)
    page.get_by_role("searchbox", name=re.compile("Search people")).fill("design review")
    page.keyboard.press("Enter")
    expect(page.get_by_role("region", name=re.compile("Goals"))).to_contain_text(
        "Private goal of alpha: run a design review"
    )
    page.get_by_label("Your account").click()
    page.get_by_role("menuitem", name="Profile and API token").click()
    page.get_by_role("link", name="Download my data…").click()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download my data (JSON)").click()
    with open(download_info.value.path(), encoding="utf-8") as handle:
        data = json.load(handle)
    assert data["person"]["email"] == world_a.report.user.email
    assert data["apps"]["development"]["goals"]
