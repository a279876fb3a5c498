"""A 1:1 series lapses when no meeting was held for its own cadence plus the
organization's grace period (default 7 days): weekly after 14 days, every two weeks after
21, monthly after 42. The same rule on the check-ins page, the team dashboard, the
reminders (the skip-level manager after twice as long) and HR analytics ("on policy")."""

import itertools
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from feedback.models import Cadence, CheckinSeries, CheckinSettings, Meeting, MeetingStatus
from feedback.rules import schedule
from feedback.services import checkins
from perfapp.tenancy.scoping import scopes_disabled
from perfapp.web import dashboard

from ..helpers import signed_in_client, visible_text
from ..recognition.points_world import grow_people
from .test_checkin_services import Pair, _rows

# (cadence, days without a held 1:1 after which it has lapsed, with the default grace)
WINDOWS = [("weekly", 14), ("biweekly", 21), ("monthly", 42)]


@pytest.mark.parametrize("cadence", Cadence.values)
def test_a_series_that_meets_on_its_schedule_never_lapses(cadence):
    """Every gap between two scheduled meetings, over years of start dates, stays inside
    the cadence (a monthly series meets four or five weeks apart)."""
    longest = 0
    for offset in range(0, 730, 3):
        starts_on = date(2026, 1, 1) + timedelta(days=offset)
        days = schedule.occurrence_dates(starts_on, cadence, 14)
        longest = max(longest, *((b - a).days for a, b in itertools.pairwise(days)))
    assert longest == schedule.CADENCE_DAYS[cadence]
    assert not schedule.is_lapsed(cadence=cadence, idle_days=longest, grace_days=1)


# --- reminders ----------------------------------------------------------------------------


@pytest.mark.parametrize(("cadence", "window"), WINDOWS)
def test_the_manager_is_reminded_after_the_cadence_plus_grace_and_the_skip_level_after_twice(
    db, cadence, window
):
    pair = Pair("Europe/Berlin", f"lapse-{cadence}")
    with time_machine.travel(datetime(2026, 6, 1, 12, tzinfo=ZoneInfo("UTC")), tick=False):
        series = pair.start(date(2026, 6, 3), cadence=cadence)
    since = datetime(2026, 6, 3, tzinfo=pair.zone)  # not met yet: counted from the start

    def run(moment: datetime) -> None:
        with time_machine.travel(moment, tick=False), scopes_disabled():
            checkins.remind_lapsed_series(moment)

    run(since + timedelta(days=min(14, window - 1), minutes=1))  # the old fixed 14 days
    run(since + timedelta(days=window) - timedelta(minutes=1))
    assert _rows("checkin.lapsed", pair.manager) == []

    run(since + timedelta(days=window, minutes=1))
    [to_manager] = _rows("checkin.lapsed", pair.manager)
    assert to_manager.occasion == f"series:{series.pk}:lapsed:2026-06-03"
    assert f"for {window} days" in to_manager.title

    run(since + timedelta(days=2 * window) - timedelta(minutes=1))
    assert _rows("checkin.lapsed", pair.skip_level) == []
    run(since + timedelta(days=2 * window, minutes=1))
    assert len(_rows("checkin.lapsed", pair.skip_level)) == 1
    assert len(_rows("checkin.lapsed", pair.manager)) == 1


def test_a_monthly_series_held_on_schedule_is_neither_flagged_nor_escalated(db):
    pair = Pair("Europe/Berlin", "monthly-kept")
    with time_machine.travel(datetime(2026, 6, 1, 12, tzinfo=ZoneInfo("UTC")), tick=False):
        series = pair.start(date(2026, 6, 2), cadence="monthly")
    meetings = pair.meetings(series)
    for meeting in meetings[:3]:  # held on 2 June, 7 July, 4 August: five weeks apart
        with time_machine.travel(meeting.starts_at, tick=False), pair.scope():
            checkins.hold_meeting(actor=pair.manager, meeting=meeting)
        for days in (14, 28, 34):
            moment = meeting.starts_at + timedelta(days=days)
            with time_machine.travel(moment, tick=False), scopes_disabled():
                checkins.remind_lapsed_series(moment)
    assert _rows("checkin.lapsed", pair.manager) == []
    assert _rows("checkin.lapsed", pair.skip_level) == []


def test_a_longer_grace_period_moves_every_window(db):
    pair = Pair("Europe/Berlin", "lapse-grace")
    with pair.scope():
        checkins.save_settings(actor=pair.skip_level, lapse_grace_days=10)
    with time_machine.travel(datetime(2026, 6, 1, 12, tzinfo=ZoneInfo("UTC")), tick=False):
        pair.start(date(2026, 6, 3), cadence="weekly")
    since = datetime(2026, 6, 3, tzinfo=pair.zone)
    for days, expected in ((16, 0), (17, 1)):
        moment = since + timedelta(days=days, minutes=1)
        with time_machine.travel(moment, tick=False), scopes_disabled():
            checkins.remind_lapsed_series(moment)
        assert len(_rows("checkin.lapsed", pair.manager)) == expected


# --- the check-ins page -------------------------------------------------------------------


def _not_met_since(world, cadence: str, starts_on: date) -> datetime:
    """The world's 1:1s made ``cadence``, started on ``starts_on`` and never held; the
    moment its lapse clock starts."""
    with world.scope():
        CheckinSeries.objects.filter(pk=world.feedback.series.pk).update(
            cadence=cadence, starts_on=starts_on
        )
        assert not Meeting.objects.filter(held_at__isnull=False).exists()
        zone = ZoneInfo(world.feedback.series.time_zone)
    return datetime.combine(starts_on, time(0), tzinfo=zone)


@pytest.mark.parametrize(("cadence", "window"), WINDOWS)
def test_the_checkins_page_flags_a_series_at_its_own_window(world_a, cadence, window):
    w = world_a
    since = _not_met_since(w, cadence, timezone.now().date() - timedelta(days=90))
    page = reverse("feedback:checkins", kwargs={"org_slug": w.organization.slug})
    for offset, lapsed in ((timedelta(hours=-1), False), (timedelta(hours=1), True)):
        with time_machine.travel(since + timedelta(days=window) + offset, tick=False):
            manager = visible_text(signed_in_client(w.manager).get(page))
            skip_level = visible_text(signed_in_client(w.owner).get(page))
        assert ("1 lapsed" in manager) is lapsed, (cadence, offset)
        assert (f"Lapsed · {window} days" in skip_level) is lapsed
        assert ("None of the 1 series" in skip_level) is not lapsed
        if not lapsed:
            assert "lapsed when no 1:1 was held for its cadence plus 7 days" in manager


# --- the team dashboard -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cadence", "idle", "lapsed"),
    [
        ("weekly", 13, False),
        ("weekly", 14, True),
        ("biweekly", 20, False),
        ("biweekly", 21, True),
        ("monthly", 14, False),
        ("monthly", 41, False),
        ("monthly", 42, True),
    ],
)
def test_the_team_dashboard_flags_a_lapse_at_the_series_cadence(world_a, cadence, idle, lapsed):
    w = world_a
    today = timezone.localdate()
    _not_met_since(w, cadence, today - timedelta(days=idle))
    with w.scope():
        board = dashboard.build(w.manager, viewer=w.manager, today=today)
    (row,) = board.rows
    assert (row.cells["checkin_last"].detail == "Lapsed") is lapsed
    reasons = [item.key for item in row.attention]
    assert ("checkin.lapsed" in reasons) is lapsed


# --- analytics ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cadence", "days_ago", "on_policy"),
    [("weekly", 20, 0), ("monthly", 20, 1), ("monthly", 41, 1), ("monthly", 43, 0)],
)
def test_analytics_counts_a_person_on_policy_by_their_series_cadence(
    world_a, api_as, cadence, days_ago, on_policy
):
    w = world_a
    grow_people(w, 5, team=w.team, manager=w.manager)  # a team of eight shows its figures
    held = timezone.now() - timedelta(days=days_ago, hours=1)
    with w.scope():
        CheckinSeries.objects.filter(pk=w.feedback.series.pk).update(cadence=cadence)
        Meeting.objects.create(
            organization=w.organization,
            series=w.feedback.series,
            starts_at=held,
            held_at=held,
            status=MeetingStatus.HELD,
        )
    data = api_as(w.hr).get("/api/v1/orgs/alpha/analytics/", {"team": w.team.pk}).json()
    table = next(t for s in data["sections"] for t in s["tables"] if t["key"] == "checkins.by_team")
    assert table["rows"][0]["values"][4] == on_policy
    assert "weekly: 14 days, every two weeks: 21, monthly: 42" in table["description"]


# --- the setting --------------------------------------------------------------------------


def test_hr_sets_the_grace_period_with_clear_limits(world_a):
    w = world_a
    client = signed_in_client(w.hr)
    page = reverse("feedback:checkin_settings", kwargs={"org_slug": w.organization.slug})
    text = visible_text(client.get(page))
    assert "Days of grace before a series counts as lapsed" in text
    assert "a weekly series lapses after 14 days" in text
    form = {"default_cadence": "biweekly", "reminder_lead_hours": 24}
    for bad in (0, 91):
        response = client.post(page, {**form, "lapse_grace_days": bad})
        assert response.status_code == 400
        assert "Choose between 1 and 90 days." in visible_text(response)
    with w.scope():
        assert CheckinSettings.of(w.organization).lapse_grace_days == 7
        for bad in (0, 91, "7"):
            with pytest.raises(ValidationError) as raised:
                checkins.save_settings(actor=w.hr, lapse_grace_days=bad)
            assert raised.value.message_dict == {
                "lapse_grace_days": ["Choose between 1 and 90 days."]
            }
    assert client.post(page, {**form, "lapse_grace_days": 3}).status_code == 302
    with w.scope():
        assert CheckinSettings.objects.get().lapse_grace_days == 3


def test_the_old_fixed_window_becomes_a_grace_period(world_a):
    """The migration: the untouched default (14 days) becomes the new default (7); a
    window an organization chose keeps its length at its default cadence."""
    from importlib import import_module

    migration = import_module("feedback.migrations.0005_lapse_grace_after_each_cadence")

    class Apps:
        @staticmethod
        def get_model(app, name):
            return CheckinSettings

    w = world_a
    with w.scope():
        found = CheckinSettings.of(w.organization)
    for default_cadence, window, grace in (
        ("biweekly", 14, 7),
        ("biweekly", 30, 16),
        ("weekly", 10, 3),
        ("monthly", 60, 25),
        ("monthly", 20, 1),
    ):
        with scopes_disabled():
            CheckinSettings.objects.filter(pk=found.pk).update(
                default_cadence=default_cadence, lapse_grace_days=window
            )
            migration.window_to_grace(Apps, None)
            assert CheckinSettings.objects.get(pk=found.pk).lapse_grace_days == grace
