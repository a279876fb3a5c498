"""Points and insights in the browser: a manager finds who has not been recognized
lately; a person redeems a reward, HR approves it in place, and the ledger balances."""

import re

from playwright.sync_api import Browser, Page, expect

from perfapp.tenancy.scoping import organization_scope
from recognition.models import PointsEntry, Redemption, RedemptionStatus
from recognition.selectors import points

from ..helpers import signed_in_page
from ..recognition.points_world import fund, reward, settle_in


def open_recognition_tab(page: Page, tab: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Recognition").click()
    page.get_by_role("navigation", name="Recognition sections").get_by_role(
        "link", name=tab, exact=True
    ).click()


def test_a_manager_sees_who_has_not_been_recognized_lately(
    browser: Browser, live_server, transactional_db, world_a
):
    settle_in(world_a)  # everyone joined long ago; nobody has been recognized
    boss = signed_in_page(browser, live_server, world_a.manager)
    open_recognition_tab(boss, "Insights")
    quiet = boss.locator("#quiet")
    expect(quiet.get_by_role("heading", level=2)).to_contain_text(
        "Not recognized in the last 60 days"
    )
    expect(quiet.locator(".quiet-list")).to_contain_text(world_a.report.name)
    expect(quiet.locator(".quiet-list")).to_contain_text("Never recognized")
    expect(quiet.locator(".quiet-list")).not_to_contain_text(world_a.member.name)
    expect(boss.locator("svg.chart")).to_have_count(3)

    # A shorter window, from the filter: still the report, who was never recognized.
    boss.get_by_label("Not recognized in (days)").fill("14")
    boss.get_by_role("button", name="Show").click()
    expect(quiet.get_by_role("heading", level=2)).to_contain_text("last 14 days")
    expect(boss.get_by_role("link", name=f"Recognize {world_a.report.name}")).to_be_visible()


def test_hr_approves_a_redemption_and_the_ledger_balances(
    browser: Browser, live_server, transactional_db, world_a
):
    fund(world_a, world_a.report, 100)
    reward(world_a, name="Book of your choice", cost=60, stock=3)

    person = signed_in_page(browser, live_server, world_a.report)
    open_recognition_tab(person, "Points")
    expect(person.get_by_test_id("balance")).to_contain_text("100")
    person.get_by_role("button", name="Redeem Book of your choice for 60 points").click()
    expect(person.locator(".toast")).to_contain_text("You asked for Book of your choice")
    expect(person.get_by_test_id("balance")).to_contain_text("40")

    hr = signed_in_page(browser, live_server, world_a.hr)
    open_recognition_tab(hr, "Rewards")
    row = hr.locator(".request-row", has_text=world_a.report.name)
    expect(row).to_contain_text("asks for Book of your choice")
    row.get_by_label(f"Note to {world_a.report.name}").fill("Ordered; it arrives Friday.")
    row.get_by_role("button", name=re.compile("^Approve")).click()
    expect(hr.locator(".request-row").first).to_contain_text("Approved: Book of your choice")

    person.reload()
    expect(person.get_by_test_id("balance")).to_contain_text("40")
    history = person.locator(".ledger")
    expect(history).to_contain_text("Asked for Book of your choice")
    expect(history).to_contain_text("-60")
    expect(history).to_contain_text("+100")
    expect(person.locator(".badge-success")).to_contain_text("Approved")

    with organization_scope(world_a.organization):
        rows = list(
            PointsEntry.objects.filter(member=world_a.report).values_list("delta", flat=True)
        )
        assert sorted(rows) == [-60, 100]
        assert sum(rows) == points.balance_of(world_a.report) == 40
        assert Redemption.objects.get().status == RedemptionStatus.APPROVED
