"""A founder signs up with their name and creates an organization that starts in their
browser's time zone."""

from playwright.sync_api import Browser, expect

from perfapp.orgs.models import Membership, Organization
from perfapp.tenancy.scoping import scopes_disabled


def test_a_founder_signs_up_by_name_in_their_own_time_zone(
    browser: Browser, live_server, transactional_db
):
    page = browser.new_context(timezone_id="Asia/Tokyo").new_page()
    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label("Your name").fill("Aiko Founder")
    page.get_by_label("Email").fill("aiko@newco.example")
    page.get_by_label("Password", exact=True).fill("a-long-passphrase")
    page.get_by_label("Password (again)").fill("a-long-passphrase")
    page.get_by_role("button", name="Create account").click()

    expect(page).to_have_url(f"{live_server.url}/orgs/new/")
    expect(page.get_by_label("Time zone")).to_have_value("Asia/Tokyo")
    page.get_by_label("Organization name").fill("NewCo")
    page.get_by_role("button", name="Create organization").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Good to see you, Aiko")

    with scopes_disabled():
        organization = Organization.objects.get(name="NewCo")
        owner = Membership.objects.get(organization=organization)
    assert organization.time_zone == "Asia/Tokyo"
    assert owner.name == "Aiko Founder"
