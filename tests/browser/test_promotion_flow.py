"""The whole promotion flow of issue #8 in the browser.

Seeded through the services: feedback, a recognition, a goal reached and a completed
stretch assignment, all for the craft competency of the next level's first criterion
("Designs systems."); nothing for the second ("Mentors others."). Then:

- the employee and the manager each fill in and submit an assessment through the pages,
  disagreeing on one criterion; both then see the two sides with that row highlighted;
- the employee's readiness view shows the four items under the craft criterion and the
  teamwork criterion as a gap;
- the manager nominates the employee in an open round and submits; HR moves the round's
  cases to calibration and decides "not yet" with a criterion to work on (a first try
  without a choice keeps the rationale and says what is missing); the employee reads the
  decision and the rationale and finds the criterion as a goal in their plan.

Screenshots of the side-by-side assessment, the readiness view, the calibration page and
the decided case go to $PERFAPP_SCREENSHOTS when it is set (to look at after a run).
"""

import os
import re
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from development.services import plans, stretch
from feedback.models import Visibility
from feedback.services import giving as feedback_services
from perfapp.timezones import local_today
from recognition.models import ContributionKind
from recognition.services import recognition as recognition_services
from recognition.services import values as value_services

from ..advancement.promotion_world import open_round
from ..helpers import signed_in_page

RATIONALE = "Close: lead one design end to end before the next round."
SHOTS_DIR = os.environ.get("PERFAPP_SCREENSHOTS", "")

FEEDBACK_SITUATION = "Your design doc for the billing service settled the storage question."
RECOGNITION_MESSAGE = "You sketched the queue design with us and it held up in production."
GOAL_TITLE = "Design the billing service's storage layer"
STRETCH_OUTCOME = "Ran the review calmly; three fixes shipped."


def _shoot(page: Page, name: str) -> None:
    if SHOTS_DIR:
        for close in page.get_by_role("button", name="Dismiss").all():
            close.click()  # a toast would cover part of the page
        Path(SHOTS_DIR).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS_DIR) / name), full_page=True)


def _seed_craft_evidence(world) -> dict[str, str]:
    """One item of each kind for the craft competency, made the way people make them;
    answers the titles the readiness view gives them."""
    craft = world.framework.competency
    report, manager = world.report, world.manager
    with world.scope():
        feedback_services.give_feedback(
            author=manager,
            recipient=report,
            kind="praise",
            situation=FEEDBACK_SITUATION,
            visibility=Visibility.WITH_MANAGER,
            competencies=[craft],
        )
        value_services.ensure_built_in_kinds(world.organization.pk)
        kind = ContributionKind.objects.get(name="Collaboration")
        recognition_services.give_recognition(
            giver=world.owner,
            recipients=[report],
            message=RECOGNITION_MESSAGE,
            kind=kind,
            competencies=[craft],
        )
        today = local_today(report)
        goal = plans.add_goal(
            actor=report,
            plan=world.plans.plan,
            title=GOAL_TITLE,
            success_criteria="The design is reviewed and the service runs on it.",
            competencies=[craft],
            start_on=today - timedelta(days=30),
            target_on=today,
            visibility="team",
        )
        plans.set_goal_status(actor=report, goal=goal, status="done")
        assignment = world.growth.opportunity  # the manager's, the report is interested
        stretch.choose(actor=manager, assignment=assignment, interests=[world.growth.interest])
        stretch.complete(actor=manager, assignment=assignment, outcome=STRETCH_OUTCOME)
    return {
        "feedback": f"Praise from {manager.name}",
        "recognition": f"Collaboration: recognized by {world.owner.name}",
        "goal": f"Goal reached: {GOAL_TITLE}",
        "stretch": f"Stretch assignment: {assignment.title}",
    }


def _fill_assessment(page: Page, ratings: dict[str, str], comment: str) -> None:
    """Rate every criterion on the open assessment's form and submit this side."""
    for criterion, rating in ratings.items():
        group = page.get_by_role("group", name=criterion)
        group.get_by_label(rating, exact=True).check()
        group.get_by_label("Comment").fill(f"{comment} ({rating.lower()})")
    _shoot(page, "assessment-form.png")
    page.get_by_role("button", name="Submit my side").click()
    expect(page.get_by_role("status")).to_contain_text("Your side is submitted")


def _expect_side_by_side(page: Page, disagreement: str, agreed: list[str]) -> None:
    compare = page.get_by_role("table", name=re.compile("Self-assessment and manager's"))
    expect(compare).to_be_visible()
    differing = compare.get_by_role("row").filter(has_text=disagreement)
    expect(differing).to_have_class(re.compile(r"\brow-disagree\b"))
    expect(differing).to_contain_text("Differs by 1 step")
    expect(differing).to_contain_text("Consistently")
    expect(differing).to_contain_text("Partly")
    for criterion in agreed:
        row = compare.get_by_role("row").filter(has_text=criterion)
        expect(row).to_have_class(re.compile(r"\brow-same\b"))
        expect(row).not_to_contain_text("Differs")


def test_assessments_readiness_and_a_case_from_nomination_to_decision(
    browser: Browser, live_server, transactional_db, world_a
):
    fw = world_a.framework
    current = f"Ships tested code ({world_a.organization.slug})."
    designs, mentors = "Designs systems.", "Mentors others."
    titles = _seed_craft_evidence(world_a)
    with world_a.scope():
        open_round(world_a, name="Spring round")

    # The employee starts an assessment and submits their side.
    employee = signed_in_page(
        browser, live_server, world_a.report, viewport=(1280, 900), accept_dialogs=False
    )
    employee.get_by_role("navigation", name="Main").get_by_role("link", name="Career").click()
    employee.get_by_role("navigation", name="Career sections").get_by_role(
        "link", name="Assessments"
    ).click()
    employee.get_by_role("button", name="Start an assessment").click()
    expect(employee.get_by_role("heading", level=1)).to_have_text(
        f"Assessment of {world_a.report.name}"
    )
    _fill_assessment(
        employee,
        {current: "Consistently", designs: "Consistently", mentors: "Partly"},
        "In my view",
    )
    expect(employee.get_by_text("The other side is not submitted yet.")).to_be_visible()

    # The manager finds it from their team on the home page and submits theirs.
    manager = signed_in_page(
        browser, live_server, world_a.manager, viewport=(1280, 900), accept_dialogs=False
    )
    manager.get_by_role("link", name=f"{world_a.report.name}: L1, see the next level").click()
    manager.get_by_role("link", name="Assessments", exact=True).last.click()
    expect(manager.get_by_role("heading", level=1)).to_have_text(
        f"{world_a.report.name}'s assessments"
    )
    manager.get_by_role("table").get_by_role("link").first.click()
    expect(manager.get_by_text("The other side is submitted.")).to_be_visible()
    _fill_assessment(
        manager,
        {current: "Consistently", designs: "Partly", mentors: "Partly"},
        "As I see it",
    )

    # Both sides, side by side, for each of them; the one disagreement is highlighted.
    _expect_side_by_side(manager, designs, [current, mentors])
    employee.reload()
    _expect_side_by_side(employee, designs, [current, mentors])
    _shoot(employee, "assessment-side-by-side.png")

    # The employee's readiness: the four items under the craft criterion, teamwork a gap.
    employee.get_by_role("navigation", name="Career sections").get_by_role(
        "link", name="Readiness"
    ).click()
    expect(employee.get_by_role("heading", level=1)).to_contain_text("Your readiness for L2")
    craft = employee.get_by_role("region", name=fw.competency.name, exact=True)
    teamwork = employee.get_by_role("region", name=fw.other_competency.name, exact=True)
    expect(craft).to_contain_text(designs)
    for title in titles.values():
        expect(craft).to_contain_text(title)
        expect(teamwork).not_to_contain_text(title)
    expect(craft).to_contain_text("Ratings differ")
    expect(craft).not_to_contain_text("No evidence")
    expect(teamwork).to_contain_text(mentors)
    expect(teamwork).to_contain_text("No evidence")
    expect(teamwork).to_contain_text("What the development plan does about it")
    expect(employee.get_by_role("region", name="L1 → L2")).to_contain_text(
        f"Gaps (fewer than two pieces of evidence): {fw.other_competency.name}"
    )
    _shoot(employee, "readiness.png")

    # The manager nominates the report for the next level and submits.
    manager.goto(f"{live_server.url}/o/alpha/career/promotions/")
    manager.get_by_role("link", name="Nominate").click()
    manager.get_by_label("Who").select_option(label=world_a.report.user.name)
    manager.get_by_label("Nominator's summary").fill("Leads the platform migration.")
    manager.get_by_role("button", name="Open the case").click()
    expect(manager.get_by_role("status")).to_contain_text("Case opened for L2 Senior")
    manager.get_by_role("button", name="Submit for calibration").click()
    expect(manager.get_by_role("status")).to_contain_text("Submitted")
    expect(manager.get_by_role("heading", name="Packet")).to_be_visible()
    expect(manager.locator("body")).to_contain_text(titles["goal"])

    # HR calibrates the round and decides.
    hr = signed_in_page(
        browser, live_server, world_a.hr, viewport=(1280, 900), accept_dialogs=False
    )
    hr.goto(f"{live_server.url}/o/alpha/career/promotions/rounds/")
    hr.get_by_role("link", name="Calibrate").click()
    hr.get_by_role("button", name="Move 1 submitted case to calibration").click()
    expect(hr.get_by_role("status")).to_contain_text("1 submitted case moved")
    case_row = hr.get_by_role("row").filter(has_text=world_a.report.name)
    expect(case_row).to_contain_text("1/2")  # one of the two criteria has evidence
    _shoot(hr, "calibration.png")
    hr.get_by_role("link", name=world_a.report.user.name).click()
    # Recorded without a choice: the form says what is missing and keeps the rationale.
    hr.get_by_label("Rationale").fill(RATIONALE)
    hr.get_by_role("button", name="Record decision").click()
    expect(hr.get_by_text("Choose promoted or not yet.")).to_be_visible()
    expect(hr.get_by_label("Rationale")).to_have_value(RATIONALE)
    hr.get_by_label("Not yet").check()
    hr.get_by_label("Mentors others", exact=False).check()
    hr.get_by_role("button", name="Record decision").click()
    expect(hr.get_by_role("heading", name="Decision: Not yet")).to_be_visible()
    _shoot(hr, "case-decided.png")

    # The employee reads it, and the criterion is a goal in their plan.
    employee.goto(f"{live_server.url}/o/alpha/career/promotions/")
    expect(employee.get_by_role("region", name="My promotion")).to_contain_text(RATIONALE)
    employee.get_by_role("link", name="L1 Engineer → L2 Senior").click()
    expect(employee.get_by_role("heading", name="Decision: Not yet")).to_be_visible()
    expect(employee.locator("body")).not_to_contain_text("Calibration notes")
    _shoot(employee, "case-employee.png")
    employee.goto(f"{live_server.url}/o/alpha/growth/")
    expect(employee.locator("body")).to_contain_text(
        f"Toward L2 Senior: {fw.other_competency.name}"
    )
    _shoot(employee, "plan.png")
