"""Rescheduling the rest of a 1:1 series from its page."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from feedback.models import Meeting

from ..helpers import org_url


def test_either_person_reschedules_the_rest_and_others_get_404(world_a, login, client):
    start = timezone.now().date() + timedelta(days=3)
    form = {"cadence": "biweekly", "time_of_day": "16:30", "from_date": start.isoformat()}
    response = login(world_a.report).post(
        org_url("feedback:series_reschedule", org=world_a, pk=world_a.feedback.series.pk), form
    )
    assert response.status_code == 302
    with world_a.scope():
        series = world_a.feedback.series
        series.refresh_from_db()
        first = Meeting.objects.filter(series=series, status="scheduled").order_by("starts_at")[0]
    local = first.starts_at.astimezone(ZoneInfo(series.time_zone))
    assert (series.cadence, local.date(), local.hour, local.minute) == ("biweekly", start, 16, 30)
    for outsider in (world_a.hr, world_a.owner, world_a.member):
        client.force_login(outsider.user)
        assert (
            client.post(
                org_url("feedback:series_reschedule", org=world_a, pk=world_a.feedback.series.pk),
                form,
            ).status_code
            == 404
        )


def test_a_bad_schedule_is_a_form_error_and_changes_nothing(world_a, login):
    with world_a.scope():
        before = list(world_a.feedback.series.meetings.values_list("id", "starts_at"))
    response = login(world_a.manager).post(
        org_url("feedback:series_reschedule", org=world_a, pk=world_a.feedback.series.pk),
        {"cadence": "weekly", "time_of_day": "10:00", "from_date": "2020-01-06"},
    )
    assert response.status_code == 400
    assert "today or a later date" in response.content.decode()
    with world_a.scope():
        assert list(world_a.feedback.series.meetings.values_list("id", "starts_at")) == before


def test_the_api_reschedules_too_and_refuses_outsiders(world_a, api_as):
    path = reverse(
        "api:checkin-series-reschedule",
        kwargs={"org_slug": world_a.organization.slug, "pk": world_a.feedback.series.pk},
    )
    start = (timezone.now().date() + timedelta(days=4)).isoformat()
    body = {"cadence": "monthly", "time_of_day": "11:15", "from_date": start}
    assert api_as(world_a.hr).post(path, body, format="json").status_code == 404
    bad = api_as(world_a.manager).post(path, {**body, "cadence": "hourly"}, format="json")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "validation_error"
    done = api_as(world_a.manager).post(path, body, format="json")
    assert done.status_code == 200 and done.json()["cadence"] == "monthly"


def test_the_meeting_page_offers_to_record_feedback_for_the_other_person(world_a, login):
    meeting = world_a.feedback.meeting
    html = (
        login(world_a.manager)
        .get(reverse("feedback:meeting", kwargs={"org_slug": "alpha", "pk": meeting.pk}))
        .content.decode()
    )
    give = reverse("feedback:give", kwargs={"org_slug": "alpha"})
    assert f"{give}?to={world_a.report.pk}" in html
