"""Talking points suggested by context (``perfapp.coaching``): the report's next-level gaps
and quiet or overdue feedback, shown to the manager only, added to the agenda with their
link; the API listing; and HR's check-in settings going through a service into the audit
log."""

from datetime import timedelta

import pytest
from django.utils import timezone

from advancement.models import Criterion
from feedback.models import AgendaItem, CheckinSettings, Feedback, FeedbackRequest, Visibility
from feedback.services import checkins
from feedback.services import giving as services
from feedback.services import requests as request_services
from perfapp import coaching, links
from perfapp.audit.models import AuditEvent
from perfapp.coaching import Suggestion
from perfapp.links import LinkRef
from perfapp.tenancy.scoping import scopes_disabled

from ..helpers import html_of, org_url, signed_in_client
from .test_checkin_pages import HX


def teamwork_gap(world) -> Criterion:
    """The report (at L1) has evidence for craft (the world's feedback is tagged with it
    and shared with the manager), none for teamwork: L2's teamwork criterion is a gap."""
    with world.scope():
        return Criterion.objects.get(
            level=world.framework.next_level, competency=world.framework.other_competency
        )


def keys(world, viewer=None) -> list[str]:
    with world.scope():
        found = checkins.suggestions_for_meeting(
            actor=viewer or world.manager, meeting=world.feedback.meeting
        )
    return [suggestion.key for suggestion in found]


def age_feedback(world, days: int) -> None:
    with world.scope():
        Feedback.objects.update(created_at=timezone.now() - timedelta(days=days))


# --- what is suggested -------------------------------------------------------------------------


def test_next_level_gaps_are_suggested_with_their_criterion(world_a):
    world = world_a
    gap = teamwork_gap(world)
    with world.scope():
        found = checkins.suggestions_for_meeting(
            actor=world.manager, meeting=world.feedback.meeting
        )
    assert [s.key for s in found] == [f"career.gap:{gap.pk}"]
    suggestion = found[0]
    assert suggestion.theme == "career" and suggestion.link == LinkRef("criterion", gap.pk)
    assert "L2" in suggestion.reason and "Teamwork alpha" in suggestion.text


def test_quiet_feedback_counts_only_what_the_manager_may_read(world_a):
    world = world_a
    assert "feedback.quiet" not in keys(world)
    age_feedback(world, 40)
    # Recent private feedback to the report does not count: the manager cannot read it,
    # and the suggestion must not tell them it exists.
    with world.scope():
        services.give_feedback(
            author=world.member,
            recipient=world.report,
            kind="praise",
            situation="Private thanks",
            visibility=Visibility.PRIVATE,
        )
    assert "feedback.quiet" in keys(world)
    page = html_of(
        signed_in_client(world.manager).get(
            org_url("feedback:meeting", org=world, pk=world.feedback.meeting.pk)
        )
    )
    assert "You have seen no feedback for" in page and "Private thanks" not in page


def test_an_overdue_request_about_the_report_is_suggested(world_a):
    world = world_a
    with world.scope():
        request = request_services.request_feedback(
            requester=world.manager,
            subject=world.report,
            reviewers=[world.member],
            topic="The incident review",
            due_date=timezone.localdate() + timedelta(days=1),
        )
        assert f"feedback.request_overdue:{request.pk}" not in keys(world)
        FeedbackRequest.objects.filter(pk=request.pk).update(
            due_date=timezone.localdate() - timedelta(days=2)
        )
    assert f"feedback.request_overdue:{request.pk}" in keys(world)
    page = html_of(
        signed_in_client(world.manager).get(
            org_url("feedback:meeting", org=world, pk=world.feedback.meeting.pk)
        )
    )
    assert "Your request about “The incident review” was due" in page


def test_nothing_is_suggested_to_the_report_or_on_a_closed_meeting(world_a):
    world = world_a
    age_feedback(world, 40)
    assert keys(world, world.report) == []
    page = html_of(
        signed_in_client(world.report).get(
            org_url("feedback:meeting", org=world, pk=world.feedback.meeting.pk)
        )
    )
    assert "Suggested for" not in page and "No evidence in the last 12 months" not in page
    # The report still pulls in coaching prompts as before.
    assert "Pull in a coaching prompt" in page
    with world.scope():
        checkins.hold_meeting(actor=world.manager, meeting=world.feedback.meeting)
        world.feedback.meeting.refresh_from_db()
    assert keys(world) == []


# --- adding one to the agenda ------------------------------------------------------------------


def test_the_manager_adds_a_suggestion_with_its_link(world_a):
    world = world_a
    meeting, gap = world.feedback.meeting, teamwork_gap(world)
    client = signed_in_client(world.manager)
    page = html_of(client.get(org_url("feedback:meeting", org=world, pk=meeting.pk)))
    first = world.report.user.get_short_name() or world.report.name
    assert f"Suggested for {first}" in page and "Only you see these suggestions" in page
    assert f'value="career.gap:{gap.pk}"' in page and "Mentors others." in page

    response = client.post(
        org_url("feedback:meeting_suggestion", org=world, pk=meeting.pk),
        {"key": f"career.gap:{gap.pk}"},
        headers=HX,
    )
    assert response.status_code == 200 and "Suggestion added to the agenda" in html_of(response)
    assert f'value="career.gap:{gap.pk}"' not in html_of(response)
    with world.scope():
        point = meeting.agenda.order_by("-position").first()
        assert point.author_id == world.manager.pk and "Teamwork alpha" in point.text
        assert links.ref_of(point) == LinkRef("criterion", gap.pk)
    # The report sees the point and its criterion, not the suggestion box.
    theirs = html_of(
        signed_in_client(world.report).get(org_url("feedback:meeting", org=world, pk=meeting.pk))
    )
    assert point.text in theirs and "Mentors others." in theirs and "Suggested for" not in theirs

    # Again, or something never offered: refused, nothing added.
    with world.scope():
        count = AgendaItem.objects.count()
    for key in (f"career.gap:{gap.pk}", "career.gap:999999", ""):
        response = client.post(
            org_url("feedback:meeting_suggestion", org=world, pk=meeting.pk),
            {"key": key},
            headers=HX,
        )
        assert response.status_code == 200 and 'class="alert alert-danger"' in html_of(response)
        assert (
            client.post(
                org_url("feedback:meeting_suggestion", org=world, pk=meeting.pk), {"key": key}
            ).status_code
            == 400
        )
    with world.scope():
        assert AgendaItem.objects.count() == count


def test_the_report_cannot_add_the_managers_suggestions(world_a):
    world = world_a
    gap = teamwork_gap(world)
    with world.scope():
        count = AgendaItem.objects.count()
        with pytest.raises(Exception, match="manager"):
            checkins.add_suggested_point(
                actor=world.report, meeting=world.feedback.meeting, key=f"career.gap:{gap.pk}"
            )
    response = signed_in_client(world.report).post(
        org_url("feedback:meeting_suggestion", org=world, pk=world.feedback.meeting.pk),
        {"key": f"career.gap:{gap.pk}"},
    )
    assert response.status_code == 404
    with world.scope():
        assert AgendaItem.objects.count() == count


# --- the registry ------------------------------------------------------------------------------


def test_providers_are_ordered_deduplicated_and_capped(world_a):
    def noisy(*, subject, viewer):
        return [Suggestion(f"test.noisy:{i}", "growth", f"Noisy {i}", "Testing") for i in range(9)]

    def twice(*, subject, viewer):
        return [Suggestion("test.noisy:0", "growth", "Again", "Testing")]

    with coaching.PROVIDERS.temporarily(), world_a.scope():
        coaching.PROVIDERS.register(coaching.Provider("test.noisy", noisy, order=1))
        coaching.PROVIDERS.register(coaching.Provider("test.twice", twice, order=2))
        found = coaching.suggestions_for(subject=world_a.report, viewer=world_a.manager)
    test_keys = [s.key for s in found if s.key.startswith("test.")]
    assert test_keys == [f"test.noisy:{i}" for i in range(coaching.MAX_PER_PROVIDER)]
    assert found[0].key == "test.noisy:0"  # order 1 runs before advancement's (10)


# --- the API -----------------------------------------------------------------------------------


def test_the_api_lists_suggestions_for_the_manager_only(world_a, world_b, api_as):
    world = world_a
    gap = teamwork_gap(world)
    path = org_url("api:meeting-suggestions", pk=world.feedback.meeting.pk)
    body = api_as(world.manager).get(path)
    assert body.status_code == 200, body.content
    assert body.json()["suggestions"] == [
        {
            "key": f"career.gap:{gap.pk}",
            "theme": "career",
            "text": body.json()["suggestions"][0]["text"],
            "reason": body.json()["suggestions"][0]["reason"],
            "link": {"source": "criterion", "id": gap.pk},
        }
    ]
    for person in (world.report, world.owner, world.hr, world.member, world_b.manager):
        response = api_as(person).get(path)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


# --- HR's settings, audited -----------------------------------------------------------------


def test_settings_changes_go_through_a_service_into_the_audit_log(world_a):
    world = world_a
    client = signed_in_client(world.hr)

    def audited() -> list[AuditEvent]:
        with world.scope():
            return list(AuditEvent.objects.filter(action="checkin.settings_changed"))

    response = client.post(
        org_url("feedback:checkin_settings", org=world),
        {"default_cadence": "weekly", "lapse_grace_days": 21, "reminder_lead_hours": 24},
    )
    assert response.status_code == 302
    [event] = audited()
    assert event.actor_id == world.hr.pk and event.target_label == "Check-in settings"
    assert event.changes == {
        "default_cadence": ["biweekly", "weekly"],
        "lapse_grace_days": [7, 21],
    }
    assert event.action_label == "Check-in settings changed"

    # The same values again: nothing changed, nothing recorded.
    client.post(
        org_url("feedback:checkin_settings", org=world),
        {"default_cadence": "weekly", "lapse_grace_days": 21, "reminder_lead_hours": 24},
    )
    assert len(audited()) == 1

    # Bad input: the form says why; nothing saved, nothing recorded.
    for bad in (
        {"default_cadence": "daily", "lapse_grace_days": 21, "reminder_lead_hours": 24},
        {"default_cadence": "weekly", "lapse_grace_days": 0, "reminder_lead_hours": 24},
        {"default_cadence": "weekly", "lapse_grace_days": 21, "reminder_lead_hours": 500},
    ):
        assert client.post(org_url("feedback:checkin_settings", org=world), bad).status_code == 400
    with world.scope():
        settings = CheckinSettings.objects.get()
    assert (settings.default_cadence, settings.lapse_grace_days) == ("weekly", 21)
    assert len(audited()) == 1


def test_the_settings_service_refuses_bad_values(world_a):
    world = world_a
    with world.scope():
        for bad in (
            {"lapse_grace_days": 0},
            {"reminder_lead_hours": 169},
            {"default_cadence": "yearly"},
        ):
            with pytest.raises(Exception) as raised:
                checkins.save_settings(actor=world.hr, **bad)
            assert set(raised.value.message_dict) == set(bad)
        with pytest.raises(ValueError):
            checkins.save_settings(actor=world.hr, organization=None)
    with scopes_disabled():
        assert not AuditEvent.objects.filter(action="checkin.settings_changed").exists()
