"""Small things a person notices in a real browser: the directory's filters on one row
at a laptop's width, in the same type weight; sending feedback while the nudge is being
asked for logs no error."""

import time

from playwright.sync_api import Browser, expect

from ..helpers import signed_in_page


def test_the_directory_filters_share_one_row_and_one_weight_at_1366_px(
    browser: Browser, live_server, transactional_db, world_a
):
    page = signed_in_page(
        browser, live_server, world_a.hr, viewport=(1366, 768), accept_dialogs=False
    )
    page.goto(f"{live_server.url}/o/alpha/people/")
    controls = page.evaluate(
        """() => [...document.querySelectorAll('form.filters input, form.filters select')]
             .map(e => ({name: e.name, top: Math.round(e.getBoundingClientRect().top),
                         weight: getComputedStyle(e).fontWeight}))"""
    )
    assert [c["name"] for c in controls] == ["q", "team", "manager", "role", "status"]
    assert len({c["top"] for c in controls}) == 1, controls  # "Active" does not wrap
    assert {c["weight"] for c in controls} == {"400"}, controls  # as regular as typed text


def test_sending_feedback_while_the_nudge_is_asked_for_logs_no_error(
    browser: Browser, live_server, transactional_db, world_a, monkeypatch
):
    from feedback.views import giving

    hints_for = giving.hints_for

    def slow_hints(data):  # a nudge still on its way when the form is sent
        time.sleep(1.5)
        return hints_for(data)

    page = signed_in_page(
        browser, live_server, world_a.member, viewport=(1280, 768), accept_dialogs=False
    )
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/o/alpha/feedback/give/?to={world_a.report.pk}")
    page.get_by_label("Praise").check()
    situation = page.get_by_label("What happened")
    situation.fill("Great job!")
    expect(page.get_by_text("Name a specific moment")).to_be_visible()
    monkeypatch.setattr(giving, "hints_for", slow_hints)
    situation.press_sequentially(" In Tuesday's demo you walked sales through the rollout.")
    page.wait_for_timeout(800)  # the pause asked for a nudge, which is on its way
    page.get_by_role("button", name="Send feedback").click()  # leaving the box asks again
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("Give feedback")
    page.wait_for_timeout(300)
    assert not [e for e in errors if "htmx:" in e], errors


def test_opening_a_form_address_again_after_an_error_lands_on_its_page(
    browser: Browser, live_server, transactional_db, world_a
):
    """A comment sent empty shows the plan again with the error, at the comment's address;
    opening that address again (the address bar, a restored tab) is the plan, not a blank
    405."""
    page = signed_in_page(
        browser, live_server, world_a.report, viewport=(1280, 768), accept_dialogs=False
    )
    plan = f"{live_server.url}/o/alpha/growth/plans/{world_a.report.pk}/"
    page.goto(plan)
    page.get_by_role("button", name="Add comment").click()
    expect(page.get_by_text("Write your comment.")).to_be_visible()
    assert page.url.endswith("/comment/")
    response = page.goto(page.url)
    # The plan's address, which for one's own plan is Growth's front page.
    assert response.status == 200 and page.url == f"{live_server.url}/o/alpha/growth/"
    expect(page.get_by_role("button", name="Add comment")).to_be_visible()
    expect(page.get_by_text("Write your comment.")).to_have_count(0)
