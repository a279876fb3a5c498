"""Someone finds a mentor and the mentor accepts and logs a session; a manager posts a
stretch assignment, two people put themselves forward, one is chosen, and the assignment
shows up as a goal in their development plan."""

import os
import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from ..helpers import signed_in_page

# Screenshots of the board and a mentorship page, to look at after a run.
# Screenshots for a person to look at are taken only when asked for with this variable.
SHOTS_DIR = os.environ.get("PERFAPP_SCREENSHOTS", "")


def _shoot(page, name: str) -> None:
    if SHOTS_DIR:
        Path(SHOTS_DIR).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS_DIR) / name), full_page=True)


def open_growth(page: Page, section: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Growth").click()
    page.get_by_role("navigation", name="Growth sections").get_by_role("link", name=section).click()


def test_someone_finds_a_mentor_and_the_mentor_accepts(
    browser: Browser, live_server, transactional_db, world_a
):
    mentee, mentor = world_a.hr, world_a.member  # the member offers to mentor (the world)
    craft = world_a.framework.competency.name

    asker = signed_in_page(browser, live_server, mentee, viewport=(1280, 900))
    open_growth(asker, "Mentoring")
    asker.get_by_role("link", name="Find a mentor").first.click()
    asker.get_by_label("Competency").select_option(label=craft)
    asker.get_by_role("button", name="Show mentors").click()
    expect(asker.get_by_role("heading", name=f"Mentors in {craft}")).to_be_visible()
    asker.get_by_role("link", name=f"Ask {mentor.name} to mentor you", exact=True).click()
    asker.get_by_label("What you'd like to learn").fill(
        "I'd like to get better at reviewing pull requests kindly and quickly."
    )
    asker.get_by_role("button", name="Send the request").click()
    expect(asker.get_by_role("heading", level=1)).to_have_text(f"Your request to {mentor.name}")
    expect(asker.get_by_text("Waiting for an answer")).to_be_visible()

    answerer = signed_in_page(browser, live_server, mentor, viewport=(1280, 900))
    open_growth(answerer, "Mentoring")
    expect(answerer.get_by_role("heading", name="Asked of you")).to_be_visible()
    answerer.get_by_role("link", name=f"Answer {mentee.name}", exact=True).click()
    answerer.get_by_label("Goals for your mentorship").fill(
        "Review ten pull requests together; agree on a short checklist."
    )
    answerer.get_by_label("Every week").check()
    answerer.get_by_role("button", name="Accept and start").click()
    expect(answerer.get_by_role("heading", level=1)).to_have_text(f"Mentorship in {craft}")
    answerer.get_by_label("Notes").fill("Went through three reviews; tone matters more than speed.")
    answerer.get_by_role("button", name="Log the session").click()
    log = answerer.locator("#log")
    expect(log).to_contain_text("tone matters more than speed")
    expect(log.get_by_text("Logged.")).to_be_visible()
    _shoot(answerer, "mentorship.png")

    # The mentee sees the mentorship, the goals and the log.
    asker.reload()
    asker.get_by_role("link", name="Open the mentorship").click()
    expect(asker.locator(".mentorship-goals")).to_contain_text("agree on a short checklist")
    expect(asker.locator("#log")).to_contain_text("tone matters more than speed")


def test_a_manager_posts_a_stretch_assignment_and_the_chosen_person_sees_it_in_their_plan(
    browser: Browser, live_server, transactional_db, world_a
):
    title = "Lead the on-call handbook rewrite"
    boss = signed_in_page(browser, live_server, world_a.manager, viewport=(1280, 900))
    open_growth(boss, "Opportunities")
    boss.get_by_role("link", name="Post an opportunity").click()
    boss.get_by_label("Title").fill(title)
    boss.get_by_label("What it is").fill(
        "Rewrite the on-call handbook with two engineers from each team and test it in a game day."
    )
    boss.get_by_label(world_a.framework.competency.name).check()
    boss.get_by_label(world_a.framework.other_competency.name).check()
    boss.get_by_label("Time it takes").select_option("light")
    boss.get_by_label("For how many weeks").fill("6")
    boss.get_by_label("How many people").fill("1")
    boss.get_by_label("Everyone", exact=True).check()
    boss.get_by_role("button", name="Post the opportunity").click()
    expect(boss.get_by_role("heading", level=1)).to_have_text(title)
    opportunity_url = boss.url

    pages = {}
    for person, note in (
        (world_a.report, "I was on call during the March outage; I know where it hurts."),
        (world_a.member, "I'd love to practise leading a group effort."),
    ):
        page = pages[person.pk] = signed_in_page(browser, live_server, person, viewport=(1280, 900))
        open_growth(page, "Opportunities")
        page.get_by_role("link", name=title).click()
        page.get_by_label("Why you'd like it").fill(note)
        page.get_by_role("button", name="Express interest").click()
        expect(page.get_by_role("status")).to_contain_text("sees your interest")
    chosen_page = pages[world_a.report.pk]
    open_growth(chosen_page, "Opportunities")
    expect(chosen_page.get_by_text("You're interested").first).to_be_visible()
    _shoot(chosen_page, "board.png")

    boss.goto(opportunity_url)
    expect(boss.get_by_role("heading", name=re.compile("Who's interested"))).to_contain_text("2")
    boss.get_by_label(re.compile(rf"^{re.escape(world_a.report.name)}\b")).check()
    boss.get_by_role("button", name="Choose and start").click()
    expect(boss.get_by_role("status")).to_contain_text(f"Chosen: {world_a.report.name}")

    # The chosen person's plan has the linked goal.
    chosen_page.get_by_role("navigation", name="Main").get_by_role("link", name="Growth").click()
    expect(chosen_page.get_by_text(title).first).to_be_visible()
