"""The report's weekly update before a 1:1: optional per organization, shared with the
manager only."""

import pytest
from django.core.exceptions import ValidationError

from feedback.models import CheckinSettings, WeeklyUpdate
from feedback.services import checkins

from ..helpers import org_url

UPDATE = {"wins": "Shipped the export", "priorities": "Billing", "blockers": "", "mood": "4"}


@pytest.fixture
def updates_on(world_a):
    with world_a.scope():
        settings = CheckinSettings.of(world_a.organization)
        settings.weekly_update = True
        settings.save()


def test_the_report_shares_an_update_the_manager_reads_and_no_one_else(world_a, updates_on, client):
    client.force_login(world_a.report.user)
    assert (
        "Your weekly update"
        in client.get(org_url("feedback:meeting", pk=world_a.feedback.meeting.pk)).content.decode()
    )
    assert (
        client.post(
            org_url("feedback:weekly_update", pk=world_a.feedback.meeting.pk), UPDATE
        ).status_code
        == 302
    )
    client.force_login(world_a.manager.user)
    page = client.get(org_url("feedback:meeting", pk=world_a.feedback.meeting.pk)).content.decode()
    assert "Shipped the export" in page and "4 of 5" in page
    for outsider in (world_a.hr, world_a.owner, world_a.member):
        client.force_login(outsider.user)
        assert (
            client.get(org_url("feedback:meeting", pk=world_a.feedback.meeting.pk)).status_code
            == 404
        )
        assert (
            client.post(
                org_url("feedback:weekly_update", pk=world_a.feedback.meeting.pk), UPDATE
            ).status_code
            == 404
        )


def test_bad_updates_change_nothing(world_a, updates_on, login):
    client = login(world_a.report)
    assert (
        client.post(
            org_url("feedback:weekly_update", pk=world_a.feedback.meeting.pk),
            {**UPDATE, "mood": "9"},
        ).status_code
        == 400
    )
    empty = {"wins": "", "priorities": "", "blockers": "", "mood": "3"}
    response = client.post(org_url("feedback:weekly_update", pk=world_a.feedback.meeting.pk), empty)
    assert response.status_code == 400 and "at least one" in response.content.decode()
    with world_a.scope():
        assert not WeeklyUpdate.objects.exists()


def test_only_the_report_writes_it_and_only_when_the_organization_asks(world_a):
    meeting = world_a.feedback.meeting
    with world_a.scope():
        with pytest.raises(ValidationError, match="not turned on"):
            checkins.submit_weekly_update(
                actor=world_a.report, meeting=meeting, wins="x", priorities="", blockers="", mood=3
            )
        settings = CheckinSettings.of(world_a.organization)
        settings.weekly_update = True
        settings.save()
        with pytest.raises(ValidationError, match="person being coached"):
            checkins.submit_weekly_update(
                actor=world_a.manager,
                meeting=meeting,
                wins="x",
                priorities="",
                blockers="",
                mood=3,
            )
        assert not WeeklyUpdate.objects.exists()
