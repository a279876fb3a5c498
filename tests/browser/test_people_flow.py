"""An HR admin signs in, switches organization, invites a colleague and finds them in the
directory: the foundation's path through a real browser (Debian's Chromium)."""

import re

import pytest
from playwright.sync_api import Page, expect

from perfapp.orgs.models import Invitation
from perfapp.tenancy.scoping import scopes_disabled

from ..factories import PASSWORD, MembershipFactory


@pytest.fixture
def hr_in_two_orgs(transactional_db, world_a, world_b):
    MembershipFactory(organization=world_b.organization, user=world_a.hr.user, role="hr_admin")
    return world_a.hr


def test_sign_in_switch_org_invite_and_see_them_in_the_directory(
    page: Page, live_server, hr_in_two_orgs
):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(hr_in_two_orgs.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # Two organizations: the front door asks where to go; pick Alpha, then switch to Beta.
    expect(page.get_by_role("heading", level=1)).to_have_text("Where to?")
    page.get_by_role("link", name="Alpha Inc").click()
    expect(page).to_have_url(re.compile(r"/o/alpha/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Good to see you")
    page.get_by_label(re.compile("Switch organization")).click()
    page.get_by_role("menuitem", name="Beta Inc").click()
    expect(page).to_have_url(re.compile(r"/o/beta/$"))
    expect(page.locator(".org-name")).to_have_text("Beta Inc")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    page.get_by_role("link", name="Invite people").click()
    page.get_by_label("Email address").fill("river.song@example.com")
    page.get_by_label("Name").fill("River Song")
    page.get_by_label("Job title").fill("Archaeologist")
    page.get_by_role("button", name="Send invitation").click()

    expect(page.get_by_role("status")).to_contain_text("Invitation sent to river.song@example.com")
    waiting = page.get_by_role("region", name=re.compile("Waiting to join"))
    expect(waiting).to_contain_text("River Song")

    # The htmx search narrows the directory without a page load.
    page.get_by_placeholder("Search name, email or title").fill(hr_in_two_orgs.user.name)
    expect(page.locator("#results table")).to_contain_text(hr_in_two_orgs.user.email)
    with scopes_disabled():
        invitation = Invitation.objects.get(email="river.song@example.com")
    assert invitation.organization.slug == "beta"
