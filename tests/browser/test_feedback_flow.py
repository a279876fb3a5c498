"""Feedback in a real browser: writing with the nudge, asking and answering, and an
anonymous 360 from HR's first click to the participant's results."""

import re

from playwright.sync_api import Browser, Page, expect

from feedback.models import ReviewerAssignment
from feedback.services import cycles

from ..factories import MembershipFactory
from ..helpers import signed_in_page


def open_feedback(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Feedback").click()


def test_write_feedback_with_the_nudge_then_ask_and_answer(
    browser: Browser, live_server, transactional_db, world_a
):
    writer = signed_in_page(browser, live_server, world_a.member)
    open_feedback(writer)
    writer.get_by_role("link", name="Give feedback").first.click()
    writer.get_by_label("Give feedback to").select_option(
        label=f"{world_a.manager.name} — {world_a.manager.job_title}"
    )
    writer.get_by_label("Constructive").check()
    writer.get_by_label("What happened").fill("Great job!")
    expect(writer.get_by_text("Name a specific moment")).to_be_visible()
    writer.get_by_label("What happened").fill(
        "In Monday's planning meeting the estimate for the export changed three times "
        "without the reasons written down."
    )
    writer.get_by_label("What it changed").fill("Product left unsure what we committed to.")
    writer.get_by_label("Suggestion for next time").fill(
        "Next time, could you note each assumption in the ticket?"
    )
    expect(writer.get_by_text("Name a specific moment")).to_have_count(0)
    writer.get_by_role("button", name="Send feedback").click()
    expect(writer.get_by_role("status")).to_contain_text("sent", ignore_case=True)
    expect(writer.get_by_text("note each assumption in the ticket")).to_be_visible()

    # The report asks the member for feedback; the member answers.
    asker = signed_in_page(browser, live_server, world_a.report)
    open_feedback(asker)
    asker.get_by_role("link", name="Requests").click()
    asker.get_by_role("link", name="Ask for feedback").first.click()
    asker.get_by_label("Topic").fill("My first customer demo")
    asker.get_by_label(re.compile(world_a.member.name)).check()
    asker.get_by_role("button", name="Send request").click()
    expect(asker.get_by_role("heading", level=1)).to_contain_text("My first customer demo")

    writer.reload()
    open_feedback(writer)
    asked = writer.get_by_role("region", name=re.compile("Asked of you"))
    asked.get_by_role("link", name=re.compile("Answer")).first.click()
    writer.get_by_label("Praise").check()
    writer.get_by_label("What happened").fill(
        "At Thursday's customer demo you paused to ask the buyer what worried them."
    )
    writer.get_by_label("What it changed").fill("They told us the real blocker: security review.")
    writer.get_by_role("button", name="Send answer").click()
    expect(writer.get_by_role("status")).to_contain_text("Thank you")

    asker.reload()
    expect(asker.get_by_text("Answered").first).to_be_visible()


def test_hr_runs_an_anonymous_360_and_the_participant_reads_the_results(
    browser: Browser, live_server, transactional_db, world_a
):
    # The participant (the engineering manager) gets a third direct report, so three
    # people besides them will answer: their own manager and two reports.
    extra = MembershipFactory(organization=world_a.organization, manager=world_a.manager)
    hr = signed_in_page(browser, live_server, world_a.hr)
    open_feedback(hr)
    hr.get_by_role("link", name="Cycles").click()
    hr.get_by_role("link", name="New cycle").click()
    hr.get_by_label("Name").fill("Winter 360")
    hr.get_by_label(re.compile("Peers each participant chooses")).uncheck()
    hr.get_by_label(re.compile("Their direct reports")).check()
    hr.get_by_role("button", name=re.compile("Create|Save", re.I)).first.click()
    expect(hr.get_by_role("heading", level=1)).to_contain_text("Winter 360")

    hr.get_by_role("textbox", name="Question").fill("What should they keep doing?")
    hr.get_by_label("Kind of question").select_option("text")
    hr.get_by_role("button", name="Add question").click()
    expect(hr.get_by_text("What should they keep doing?").first).to_be_visible()
    hr.get_by_label("People I choose").check()
    hr.get_by_role("group", name="People").get_by_label(re.compile(world_a.manager.name)).check()
    hr.get_by_role("button", name="Save participants").click()
    expect(hr.get_by_role("heading", name=re.compile("Participants"))).to_contain_text("1")
    hr.get_by_role("button", name="Open cycle").click()
    expect(hr.get_by_role("heading", name=re.compile("reviews answered"))).to_be_visible()

    # One reviewer answers in the browser, the others through the same service.
    owner = signed_in_page(browser, live_server, world_a.owner)
    open_feedback(owner)
    owner.get_by_role("link", name="Cycles").click()
    owner.get_by_role("link", name="Write").first.click()
    owner.get_by_label("What should they keep doing?").fill("Zesty: the weekly written update.")
    owner.get_by_role("button", name="Send answers").click()
    expect(owner.get_by_role("status")).to_be_visible()
    with world_a.scope():
        for reviewer, text in (
            (world_a.report, "Alpha: unblocking us fast."),
            (extra, "Mid: calm in incidents."),
        ):
            assignment = ReviewerAssignment.objects.get(reviewer=reviewer, cycle__name="Winter 360")
            question = assignment.cycle.questions.get()
            cycles.submit_answers(
                reviewer=reviewer, assignment=assignment, answers={question.pk: (None, text)}
            )

    hr.reload()
    hr.get_by_role("button", name="Close cycle").click()
    expect(hr.get_by_text(re.compile("closed", re.I)).first).to_be_visible()

    participant = signed_in_page(browser, live_server, world_a.manager)
    open_feedback(participant)
    participant.get_by_role("link", name="Cycles").click()
    participant.get_by_role("link", name="Read your results").first.click()
    expect(participant.get_by_role("heading", level=1)).to_contain_text("Your results")
    body = participant.locator("main")
    expect(body).to_contain_text("Alpha: unblocking us fast.")
    texts = body.get_by_text(re.compile(r"^(Alpha|Mid|Zesty):")).all_inner_texts()
    assert texts == sorted(texts)  # alphabetical, not the order they were sent
    for reviewer in (world_a.report, extra):
        expect(body).not_to_contain_text(reviewer.user.name)
    # The owner is also the participant's manager, named as a reader of the page, but
    # never next to an answer.
    answers = body.locator("section").filter(has_text="What should they keep doing?")
    expect(answers).not_to_contain_text(world_a.owner.user.name)
