"""HR builds a track from a template, rewrites a criterion and publishes; an employee then
reads their level, the next one side by side, and the diff between versions."""

import re

from playwright.sync_api import Browser, Page, expect

from ..factories import PASSWORD

NEW_WORDING = "Owns features end to end and writes the runbook before the launch."


def sign_in(page: Page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Good to see you")


def test_hr_publishes_a_ladder_and_an_employee_reads_their_next_level(
    page: Page, browser: Browser, live_server, transactional_db, world_a
):
    sign_in(page, live_server, world_a.hr.user.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Career").click()
    page.get_by_role("navigation", name="Career sections").get_by_role("link", name="Draft").click()
    ic_template = page.get_by_role("listitem").filter(has_text="individual contributor")
    ic_template.get_by_role("button", name="Use template").click()
    expect(page.get_by_role("status")).to_contain_text("is in your draft")

    # Rewrite L2's delivery criterion.
    page.get_by_role("link", name="Edit level and criteria").nth(1).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("L2")
    page.get_by_role("listitem").filter(has_text="Delivery & execution").get_by_role(
        "link", name="Edit"
    ).click()
    page.get_by_label("What this level asks for").fill(NEW_WORDING)
    page.get_by_role("button", name="Save criterion").click()

    # Publish with a change log.
    page.get_by_role("link", name="Review and publish").first.click()
    expect(
        page.get_by_role("heading", name=re.compile(r"\d+ changes since version 1"))
    ).to_be_visible()
    page.get_by_label("What changed, and why").fill("Adopted the engineering ladder.")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Version 2")
    expect(page.locator(".changes")).to_contain_text(NEW_WORDING)

    # Place the employee at L1 of the new track.
    page.get_by_role("link", name="Placements").click()
    page.get_by_role("link", name=f"Place {world_a.member.user.name}").click()
    page.get_by_label("Track and level").select_option(
        label="Engineering — individual contributor — L1 Engineer I"
    )
    page.get_by_role("button", name="Save placement").click()
    expect(page.get_by_role("status")).to_contain_text("placement is saved")

    # The employee, in their own browser.
    employee = browser.new_context().new_page()
    sign_in(employee, live_server, world_a.member.user.email)
    employee.get_by_role("navigation", name="Main").get_by_role("link", name="Career").click()
    expect(employee.locator(".placement")).to_contain_text("Engineer I")
    employee.get_by_role("link", name="See your next level").click()
    table = employee.get_by_role("table")
    expect(table).to_contain_text("L1 Engineer I")
    expect(table).to_contain_text("L2 Engineer II")
    expect(table.get_by_role("row").filter(has_text="Delivery & execution")).to_contain_text(
        NEW_WORDING
    )

    employee.get_by_role("link", name="Change log").click()
    employee.get_by_role("link", name="Version 2").click()
    employee.get_by_role("link", name="Side by side with version 1").click()
    expect(employee.get_by_role("heading", level=1)).to_have_text("Compare versions")
    expect(employee.locator(".changes")).to_contain_text("Engineering — individual contributor")
