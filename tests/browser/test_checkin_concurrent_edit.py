"""Two people edit the same 1:1 at the same time: the later, stale save is refused in the
page itself with "changed meanwhile" and the fresh text, and nothing is overwritten."""

import re

from playwright.sync_api import Browser, expect

from feedback.models import Meeting

from ..helpers import signed_in_page


def test_stale_shared_notes_are_refused_in_place_with_the_fresh_text(
    browser: Browser, live_server, transactional_db, world_a
):
    meeting = world_a.feedback.meeting
    url = (
        f"{live_server.url}/o/{world_a.organization.slug}/feedback/check-ins/meetings/{meeting.pk}/"
    )
    manager = signed_in_page(browser, live_server, world_a.manager)
    report = signed_in_page(browser, live_server, world_a.report)
    manager.goto(url)
    report.goto(url)

    notes = "#shared-notes"
    report.locator(notes).get_by_label("Shared notes").fill("Agreed: ship the RFC on Friday.")
    report.locator(notes).get_by_role("button", name="Save shared notes").click()
    expect(report.locator(notes).get_by_role("status")).not_to_be_empty()

    # The manager's page still holds the version from before the report saved.
    manager.locator(notes).get_by_label("Shared notes").fill("Agreed: ship it next month.")
    manager.locator(notes).get_by_role("button", name="Save shared notes").click()
    alert = manager.locator(notes).get_by_role("alert")
    expect(alert).to_contain_text(re.compile("changed meanwhile", re.I))
    expect(alert).to_contain_text("Agreed: ship it next month.")  # their unsaved text
    expect(manager.locator(notes).get_by_label("Shared notes")).to_have_value(
        "Agreed: ship the RFC on Friday."
    )

    with world_a.scope():
        assert Meeting.objects.get(pk=meeting.pk).shared_notes == "Agreed: ship the RFC on Friday."
