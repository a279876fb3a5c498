"""Recognition in a real browser: a person recognizes two colleagues with a value, a kind
and points (the nudge and the points summary answering while they write); one of them
reacts and comments on the wall without a reload.

Screenshots of the give form and the wall go to $SCREENSHOT_DIR when it is set (to look
at the pages), else to the test's temporary folder."""

import os
import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from recognition.models import CompanyValue
from recognition.selectors import points

from ..helpers import signed_in_page


def screenshot(page: Page, path: Path) -> None:
    page.evaluate("window.scrollTo(0, 0)")  # a sticky header scrolled along draws twice
    page.screenshot(path=str(path), full_page=True)


def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_recognize_two_colleagues_then_react_and_comment(
    browser: Browser, live_server, transactional_db, world_a, tmp_path
):
    with world_a.scope():
        for position, (emoji, name) in enumerate(
            (("🤝", "Better together"), ("🎯", "Customers first"), ("🔍", "Own it"))
        ):
            CompanyValue.objects.create(
                organization=world_a.organization, name=name, emoji=emoji, position=position
            )
    folder = shots(tmp_path)
    giver = signed_in_page(browser, live_server, world_a.member, viewport=(1280, 900))
    giver.get_by_role("navigation", name="Main").get_by_role("link", name="Recognition").click()
    expect(giver.get_by_role("heading", name="No recognition yet")).to_be_visible()
    giver.get_by_role("link", name="Recognize someone").first.click()
    expect(giver.get_by_role("heading", level=1)).to_have_text("Recognize someone")

    # Two colleagues, found with the filter box.
    giver.get_by_label("Find a colleague").fill(world_a.report.name)
    giver.get_by_label(re.compile(re.escape(world_a.report.name))).check()
    giver.get_by_label("Find a colleague").fill("")
    giver.get_by_label(re.compile(re.escape(world_a.manager.name))).check()

    message = giver.get_by_label("What they did and why it mattered")
    message.fill("Great job!")
    expect(giver.get_by_text("Say what they did: the moment")).to_be_visible()
    message.fill(
        "On Tuesday you two paired on the billing migration and wrote the rollback plan, "
        "so we shipped on time without a single failed invoice."
    )
    expect(
        giver.get_by_text("Specific: it says what they did and why it mattered.")
    ).to_be_visible()
    giver.get_by_role("group", name="Kind of contribution").get_by_label("Collaboration").check()
    giver.get_by_role("group", name="Values it shows").get_by_label(
        re.compile("Better together")
    ).check()
    giver.get_by_label("Points for each person").fill("10")
    expect(giver.locator("#points-summary")).to_have_text(
        "2 people × 10 = 20 of the 100 points you have left this month."
    )
    screenshot(giver, folder / "recognition-give.png")
    giver.get_by_role("button", name="Send recognition").click()

    expect(giver.get_by_role("status")).to_contain_text("It's on the wall now")
    card = giver.locator("article.recognition").first
    expect(card.get_by_role("heading")).to_contain_text(world_a.report.name)
    expect(card.get_by_role("heading")).to_contain_text(world_a.manager.name)
    expect(card).to_contain_text("+10 points each")
    expect(card).to_contain_text("Collaboration")
    expect(card).to_contain_text("Better together")
    with world_a.scope():
        assert points.balance_of(world_a.report) == 10
        assert points.balance_of(world_a.manager) == 10
        assert points.allowance_left(world_a.member) == 80

    # A recipient reacts and comments, in place.
    recipient = signed_in_page(browser, live_server, world_a.report, viewport=(1280, 900))
    recipient.get_by_role("navigation", name="Main").get_by_role("link", name="Recognition").click()
    card = recipient.locator("article.recognition").first
    expect(card).to_contain_text("recognized")
    card.get_by_role("button", name=re.compile("^🎉 0 reactions")).click()
    expect(
        card.get_by_role("button", name=re.compile("^🎉 1 reaction, including yours"))
    ).to_have_attribute("aria-pressed", "true")
    card.get_by_role("button", name="Comment").click()  # nothing written yet
    expect(card.get_by_role("alert")).to_have_text("Write a comment first.")
    card.get_by_label("Add a comment").fill("Thank you, it was a team effort!")
    card.get_by_role("button", name="Comment").click()
    expect(card.locator(".comment-list")).to_contain_text("Thank you, it was a team effort!")
    expect(card.get_by_label("Add a comment")).to_have_value("")

    # The giver sees both on the wall.
    giver.reload()
    card = giver.locator("article.recognition").first
    expect(card).to_contain_text("Thank you, it was a team effort!")
    expect(card.get_by_role("button", name=re.compile("^🎉 1 reaction"))).to_be_visible()
    screenshot(giver, folder / "recognition-wall.png")
