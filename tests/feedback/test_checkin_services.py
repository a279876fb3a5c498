"""Check-in services: schedule arithmetic, DST, preparation reminders and quiet hours,
moving/skipping/pausing, carrying over, optimistic concurrency, bad input, periodic
reminders (overdue action items, lapsed series)."""

from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from feedback.models import (
    ActionItem,
    AgendaItem,
    CheckinSeries,
    CheckinSettings,
    Meeting,
    MeetingStatus,
    SeriesStatus,
)
from feedback.rules import schedule
from feedback.services import checkins
from feedback.tasks import checkin_housekeeping
from perfapp.notifications import tasks
from perfapp.notifications.models import Notification, OutboxMessage, OutboxStatus
from perfapp.orgs.roles import Role
from perfapp.tenancy.scoping import organization_scope, scopes_disabled
from tests.factories import MembershipFactory, OrganizationFactory

PREPARE = "checkin.prepare"

# --- schedule arithmetic -------------------------------------------------------------------


def test_weekly_dates_step_by_seven_days():
    assert schedule.occurrence_dates(date(2026, 3, 2), "weekly", 4) == [
        date(2026, 3, 2),
        date(2026, 3, 9),
        date(2026, 3, 16),
        date(2026, 3, 23),
    ]


def test_biweekly_dates_step_by_fourteen_days_across_a_month_and_year_end():
    assert schedule.occurrence_dates(date(2026, 12, 14), "biweekly", 4) == [
        date(2026, 12, 14),
        date(2026, 12, 28),
        date(2027, 1, 11),
        date(2027, 1, 25),
    ]


def test_monthly_keeps_the_nth_weekday():
    # 13 January 2026 is the second Tuesday.
    assert schedule.occurrence_dates(date(2026, 1, 13), "monthly", 4) == [
        date(2026, 1, 13),
        date(2026, 2, 10),
        date(2026, 3, 10),
        date(2026, 4, 14),
    ]


def test_monthly_on_a_fifth_weekday_falls_back_to_the_last_one():
    # 29 January 2026 is the fifth Thursday; February and March have four, April five.
    assert schedule.occurrence_dates(date(2026, 1, 29), "monthly", 4) == [
        date(2026, 1, 29),
        date(2026, 2, 26),
        date(2026, 3, 26),
        date(2026, 4, 30),
    ]
    assert all(
        day.weekday() == 3 for day in schedule.occurrence_dates(date(2026, 1, 29), "monthly", 12)
    )


@pytest.mark.parametrize(
    ("cadence", "after", "expected"),
    [
        ("weekly", date(2026, 3, 9), [date(2026, 3, 9), date(2026, 3, 16)]),
        ("weekly", date(2026, 3, 10), [date(2026, 3, 16), date(2026, 3, 23)]),
        ("weekly", date(2026, 2, 1), [date(2026, 3, 2), date(2026, 3, 9)]),  # before the start
        ("biweekly", date(2026, 3, 3), [date(2026, 3, 16), date(2026, 3, 30)]),
        ("biweekly", date(2026, 3, 16), [date(2026, 3, 16), date(2026, 3, 30)]),
        ("monthly", date(2026, 3, 3), [date(2026, 4, 6), date(2026, 5, 4)]),  # 1st Monday
        ("monthly", date(2026, 4, 6), [date(2026, 4, 6), date(2026, 5, 4)]),
    ],
)
def test_occurrence_dates_after_a_day(cadence, after, expected):
    assert schedule.occurrence_dates(date(2026, 3, 2), cadence, 2, after=after) == expected


def test_an_unknown_cadence_is_refused_by_the_schedule():
    with pytest.raises(ValueError, match="fortnightly"):
        schedule.occurrence_dates(date(2026, 3, 2), "fortnightly", 2)


@pytest.mark.parametrize(
    ("zone", "day", "at", "gap"),
    [
        ("America/New_York", date(2026, 3, 8), time(2, 30), True),
        ("America/New_York", date(2026, 3, 8), time(3, 0), False),
        ("America/New_York", date(2026, 11, 1), time(1, 30), False),  # twice, not never
        ("Europe/Berlin", date(2026, 3, 29), time(2, 0), True),
        ("Europe/Berlin", date(2026, 10, 25), time(2, 30), False),
        ("Australia/Lord_Howe", date(2026, 10, 4), time(2, 15), True),
        ("Australia/Lord_Howe", date(2026, 10, 4), time(2, 30), False),
        ("Australia/Lord_Howe", date(2026, 4, 5), time(1, 45), False),
    ],
)
def test_dst_gap_detection(zone, day, at, gap):
    assert schedule.is_in_dst_gap(day, at, zone) is gap


# --- a fresh manager/report pair in a time zone -----------------------------------------------


class Pair:
    def __init__(self, zone: str, slug: str):
        self.organization = OrganizationFactory(
            slug=slug, name=f"{slug.title()} Inc", time_zone=zone
        )
        self.zone = ZoneInfo(zone)
        self.skip_level = MembershipFactory(organization=self.organization, role=Role.OWNER)
        self.manager = MembershipFactory(organization=self.organization, manager=self.skip_level)
        self.report = MembershipFactory(organization=self.organization, manager=self.manager)
        self.peer = MembershipFactory(organization=self.organization)

    @contextmanager
    def scope(self):
        with organization_scope(self.organization):
            yield

    def start(self, starts_on: date, at: time = time(10, 0), cadence: str = "weekly", **extra):
        with self.scope():
            return checkins.start_series(
                actor=self.manager,
                other=self.report,
                cadence=cadence,
                time_of_day=at,
                starts_on=starts_on,
                **extra,
            )

    def lead(self, hours: int) -> None:
        with self.scope():
            found = CheckinSettings.of(self.organization)
            found.reminder_lead_hours = hours
            found.save()

    def meetings(self, series) -> list[Meeting]:
        with self.scope():
            return list(series.meetings.order_by("starts_at"))


def reminders(meeting: Meeting, status: str | None = None) -> list[OutboxMessage]:
    with scopes_disabled():
        rows = OutboxMessage.objects.filter(
            kind=PREPARE, occasion__startswith=f"meeting:{meeting.pk}:"
        ).order_by("recipient_id", "id")
        if status:
            rows = rows.filter(status=status)
        return list(rows)


def at_noon_utc(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


# --- DST -------------------------------------------------------------------------------------

TRANSITIONS = [
    pytest.param("America/New_York", date(2026, 3, 8), timedelta(hours=-1), id="new-york-spring"),
    pytest.param("America/New_York", date(2026, 11, 1), timedelta(hours=1), id="new-york-fall"),
    pytest.param("Europe/Berlin", date(2026, 3, 29), timedelta(hours=-1), id="berlin-spring"),
    pytest.param("Europe/Berlin", date(2026, 10, 25), timedelta(hours=1), id="berlin-fall"),
    pytest.param(
        "Australia/Lord_Howe", date(2026, 4, 5), timedelta(minutes=30), id="lord-howe-autumn"
    ),
    pytest.param(
        "Australia/Lord_Howe", date(2026, 10, 4), timedelta(minutes=-30), id="lord-howe-spring"
    ),
]


@pytest.mark.parametrize(("zone", "change", "utc_shift"), TRANSITIONS)
def test_a_weekly_series_stays_at_ten_local_across_the_change(db, zone, change, utc_shift):
    pair = Pair(zone, "dst")
    with time_machine.travel(at_noon_utc(change - timedelta(days=5)), tick=False):
        series = pair.start(change - timedelta(days=3))

    meetings = pair.meetings(series)
    assert len(meetings) == checkins.UPCOMING
    local = [m.starts_at.astimezone(pair.zone) for m in meetings]
    assert [moment.date() for moment in local] == [
        change - timedelta(days=3) + timedelta(weeks=n) for n in range(checkins.UPCOMING)
    ]
    assert {moment.time() for moment in local} == {time(10, 0)}
    # The UTC instant moves by the shift between the meeting before and the one after.
    before, after = (m.starts_at.astimezone(UTC) for m in meetings[:2])
    assert after - before == timedelta(weeks=1) + utc_shift


@pytest.mark.parametrize(
    ("zone", "day", "at"),
    [
        ("America/New_York", date(2026, 3, 8), time(2, 30)),
        ("Europe/Berlin", date(2026, 3, 29), time(2, 30)),
        ("Australia/Lord_Howe", date(2026, 10, 4), time(2, 15)),
    ],
)
def test_a_start_time_in_the_dst_gap_is_refused_clearly(db, zone, day, at):
    pair = Pair(zone, "gap")
    with (
        time_machine.travel(at_noon_utc(day - timedelta(days=5)), tick=False),
        pytest.raises(ValidationError) as refused,
    ):
        pair.start(day, at=at)

    errors = refused.value.message_dict
    assert list(errors) == ["time_of_day"]
    [message] = errors["time_of_day"]
    assert f"{at:%H:%M} does not exist" in message
    assert zone in message
    assert "Choose another time" in message
    with pair.scope():
        assert not CheckinSeries.objects.exists()
        assert not Meeting.objects.exists()
    with scopes_disabled():
        assert not OutboxMessage.objects.filter(organization=pair.organization).exists()


def test_a_later_meeting_in_the_gap_moves_forward_by_the_gap(db):
    """Documented in ``schedule.local_start``: only the first date is validated; a later
    02:30 on the spring-forward night becomes 03:30."""
    pair = Pair("America/New_York", "gap-later")
    with time_machine.travel(at_noon_utc(date(2026, 2, 25)), tick=False):
        series = pair.start(date(2026, 3, 1), at=time(2, 30))

    local = [m.starts_at.astimezone(pair.zone) for m in pair.meetings(series)]
    assert [(m.day, m.hour, m.minute) for m in local] == [
        (1, 2, 30),
        (8, 3, 30),
        (15, 2, 30),
        (22, 2, 30),
    ]


@pytest.mark.parametrize(("zone", "change", "utc_shift"), TRANSITIONS)
def test_preparation_reminders_are_due_lead_hours_before_the_start(db, zone, change, utc_shift):
    """The first meeting is on the day of the change, so its 24 hours span it: the
    reminder is 24 real hours before, not "the same wall-clock time the day before"."""
    pair = Pair(zone, "lead")
    with time_machine.travel(at_noon_utc(change - timedelta(days=5)), tick=False):
        series = pair.start(change)
    first = pair.meetings(series)[0]
    local_due = reminders(first)[0].due_at.astimezone(pair.zone)
    assert local_due.date() == change - timedelta(days=1)
    assert local_due.time() == (datetime.combine(change, time(10)) + utc_shift).time()

    for meeting in pair.meetings(series):
        rows = reminders(meeting)
        assert {row.recipient_id for row in rows} == {pair.manager.pk, pair.report.pk}
        for row in rows:
            assert row.status == OutboxStatus.PENDING
            assert row.due_at == meeting.starts_at - timedelta(hours=24)


@pytest.mark.parametrize(("zone", "change", "utc_shift"), TRANSITIONS)
def test_a_reminder_due_at_night_waits_for_eight_local_on_the_day_of_the_change(
    db, zone, change, utc_shift, mailoutbox
):
    """A 10:00 meeting on the night of the change with a 12-hour lead is due at 21:00–23:00
    the evening before: quiet hours. The dispatcher defers it to 08:00 local time, which
    is already on the other side of the change."""
    pair = Pair(zone, "quiet")
    pair.lead(12)
    with time_machine.travel(at_noon_utc(change - timedelta(days=5)), tick=False):
        series = pair.start(change)
    meeting = pair.meetings(series)[0]
    assert meeting.starts_at.astimezone(pair.zone) == datetime.combine(
        change, time(10), tzinfo=pair.zone
    )
    due = meeting.starts_at - timedelta(hours=12)
    assert {row.due_at for row in reminders(meeting)} == {due}
    assert due.astimezone(pair.zone).hour >= 21  # the evening before the change
    waking = datetime.combine(change, time(8), tzinfo=pair.zone)

    with time_machine.travel(due + timedelta(minutes=1), tick=False):
        tasks.dispatch_outbox()

    rows = reminders(meeting)
    assert {(row.status, row.due_at, row.attempts) for row in rows} == {
        (OutboxStatus.PENDING, waking, 0)
    }
    waking_utc = waking.astimezone(UTC)
    assert (waking_utc.hour, waking_utc.minute) == _expected_waking_utc(zone, change)
    assert [m for m in mailoutbox if "talking points" in m.subject] == []

    with time_machine.travel(waking - timedelta(minutes=1), tick=False):
        tasks.dispatch_outbox()
    assert {row.status for row in reminders(meeting)} == {OutboxStatus.PENDING}

    with time_machine.travel(waking, tick=False):
        tasks.dispatch_outbox()
    rows = reminders(meeting)
    assert {row.status for row in rows} == {OutboxStatus.SENT}
    assert {row.sent_at.astimezone(pair.zone).time() for row in rows} == {time(8)}
    assert len([m for m in mailoutbox if "talking points" in m.subject]) == 2


def _expected_waking_utc(zone: str, change: date) -> tuple[int, int]:
    """08:00 local on the day of the change, written out by hand (the offset after it)."""
    return {
        ("America/New_York", date(2026, 3, 8)): (12, 0),  # EDT, UTC−4
        ("America/New_York", date(2026, 11, 1)): (13, 0),  # EST, UTC−5
        ("Europe/Berlin", date(2026, 3, 29)): (6, 0),  # CEST, UTC+2
        ("Europe/Berlin", date(2026, 10, 25)): (7, 0),  # CET, UTC+1
        ("Australia/Lord_Howe", date(2026, 4, 5)): (21, 30),  # UTC+10:30 (day before)
        ("Australia/Lord_Howe", date(2026, 10, 4)): (21, 0),  # UTC+11 (day before)
    }[(zone, change)]


def test_quiet_hours_are_the_recipients_own(db, mailoutbox):
    """The manager lives in New York, the report in Tokyo: the same reminder instant is
    night for one and afternoon for the other."""
    pair = Pair("America/New_York", "two-zones")
    pair.report.user.time_zone = "Asia/Tokyo"
    pair.report.user.save(update_fields=["time_zone"])
    pair.lead(12)
    with time_machine.travel(at_noon_utc(date(2026, 6, 1)), tick=False):
        series = pair.start(date(2026, 6, 10))  # 10:00 New York = 14:00 UTC
    meeting = pair.meetings(series)[0]
    due = meeting.starts_at - timedelta(hours=12)  # 22:00 New York, 11:00 Tokyo

    with time_machine.travel(due, tick=False):
        tasks.dispatch_outbox()

    by_person = {row.recipient_id: row for row in reminders(meeting)}
    assert by_person[pair.report.pk].status == OutboxStatus.SENT
    assert by_person[pair.manager.pk].status == OutboxStatus.PENDING
    assert by_person[pair.manager.pk].due_at == datetime(
        2026, 6, 10, 8, tzinfo=ZoneInfo("America/New_York")
    )
    assert [m.to for m in mailoutbox if "talking points" in m.subject] == [[pair.report.user.email]]


# --- moving, skipping, pausing, ending ----------------------------------------------------------


@pytest.fixture
def pair(db):
    return Pair("Europe/Berlin", "moves")


@pytest.fixture
def weekly(pair):
    with time_machine.travel(at_noon_utc(date(2026, 6, 1)), tick=False):
        series = pair.start(date(2026, 6, 3))
    return series


JUNE_2 = at_noon_utc(date(2026, 6, 2))


def test_moving_a_meeting_moves_its_pending_reminders(pair, weekly):
    meeting = pair.meetings(weekly)[1]
    [old_manager, old_report] = reminders(meeting)
    new_start = meeting.starts_at + timedelta(days=2, hours=3)

    with time_machine.travel(JUNE_2, tick=False), pair.scope():
        checkins.move_meeting(actor=pair.report, meeting=meeting, starts_at=new_start)

    rows = reminders(meeting)
    cancelled = [row for row in rows if row.status == OutboxStatus.CANCELLED]
    pending = [row for row in rows if row.status == OutboxStatus.PENDING]
    assert {row.pk for row in cancelled} == {old_manager.pk, old_report.pk}
    assert {row.recipient_id for row in pending} == {pair.manager.pk, pair.report.pk}
    assert {row.due_at for row in pending} == {new_start - timedelta(hours=24)}
    with pair.scope():
        meeting.refresh_from_db()
    assert meeting.starts_at == new_start
    assert meeting.moved_from == old_manager.due_at + timedelta(hours=24)
    # The other meetings keep theirs.
    for other in pair.meetings(weekly):
        if other.pk != meeting.pk:
            assert len(reminders(other, OutboxStatus.PENDING)) == 2


def test_moving_a_meeting_away_and_back_reminds_again(pair, weekly, mailoutbox):
    meeting = pair.meetings(weekly)[1]
    original = meeting.starts_at

    with time_machine.travel(JUNE_2, tick=False), pair.scope():
        checkins.move_meeting(
            actor=pair.manager, meeting=meeting, starts_at=original + timedelta(hours=2)
        )
        checkins.move_meeting(actor=pair.manager, meeting=meeting, starts_at=original)

    pending = reminders(meeting, OutboxStatus.PENDING)
    assert {row.recipient_id for row in pending} == {pair.manager.pk, pair.report.pk}
    assert {row.due_at for row in pending} == {original - timedelta(hours=24)}

    with time_machine.travel(original - timedelta(hours=24), tick=False):
        tasks.dispatch_outbox()
    sent = reminders(meeting, OutboxStatus.SENT)
    assert {row.recipient_id for row in sent} == {pair.manager.pk, pair.report.pk}
    assert len(sent) == 2


def test_moving_a_meeting_into_the_lead_time_reminds_now(pair, weekly):
    meeting = pair.meetings(weekly)[1]
    soon = JUNE_2 + timedelta(hours=3)

    with time_machine.travel(JUNE_2, tick=False), pair.scope():
        checkins.move_meeting(actor=pair.manager, meeting=meeting, starts_at=soon)

    assert {row.due_at for row in reminders(meeting, OutboxStatus.PENDING)} == {JUNE_2}


def test_moving_into_the_past_or_a_closed_meeting_is_refused(pair, weekly):
    first, second = pair.meetings(weekly)[:2]
    with time_machine.travel(JUNE_2, tick=False), pair.scope():
        with pytest.raises(ValidationError, match="future"):
            checkins.move_meeting(
                actor=pair.manager, meeting=second, starts_at=JUNE_2 - timedelta(hours=1)
            )
        checkins.skip_meeting(actor=pair.manager, meeting=first, reason="Offsite")
        first.refresh_from_db()
        with pytest.raises(ValidationError, match="already over"):
            checkins.move_meeting(
                actor=pair.manager, meeting=first, starts_at=JUNE_2 + timedelta(days=1)
            )
    assert len(reminders(second, OutboxStatus.PENDING)) == 2


def test_skipping_a_meeting_cancels_its_reminders_only(pair, weekly):
    first, second = pair.meetings(weekly)[:2]

    with time_machine.travel(JUNE_2, tick=False), pair.scope():
        checkins.skip_meeting(actor=pair.report, meeting=first, reason="Public holiday")

    assert {row.status for row in reminders(first)} == {OutboxStatus.CANCELLED}
    assert {row.status for row in reminders(second)} == {OutboxStatus.PENDING}
    with pair.scope():
        first.refresh_from_db()
    assert (first.status, first.skip_reason) == (MeetingStatus.SKIPPED, "Public holiday")


def test_skipping_needs_a_reason(pair, weekly):
    first = pair.meetings(weekly)[0]
    with (
        time_machine.travel(JUNE_2, tick=False),
        pair.scope(),
        pytest.raises(ValidationError) as refused,
    ):
        checkins.skip_meeting(actor=pair.report, meeting=first, reason="  ")
    assert "reason" in refused.value.message_dict
    assert {row.status for row in reminders(first)} == {OutboxStatus.PENDING}


@pytest.mark.parametrize("status", [SeriesStatus.PAUSED, SeriesStatus.ENDED])
def test_pausing_or_ending_cancels_every_meeting_to_come_and_its_reminders(
    pair, weekly, status, mailoutbox
):
    with time_machine.travel(JUNE_2, tick=False), pair.scope():
        checkins.set_series_status(actor=pair.manager, series=weekly, status=status)

    meetings = pair.meetings(weekly)
    assert {m.status for m in meetings} == {MeetingStatus.CANCELLED}
    for meeting in meetings:
        assert {row.status for row in reminders(meeting)} == {OutboxStatus.CANCELLED}

    with time_machine.travel(at_noon_utc(date(2026, 7, 1)), tick=False):
        tasks.dispatch_outbox()
        checkin_housekeeping()
    assert not [m for m in mailoutbox if "talking points" in m.subject]
    assert len(pair.meetings(weekly)) == checkins.UPCOMING  # nothing new for a paused series


def test_resuming_a_paused_series_schedules_from_the_next_occurrence(pair, weekly):
    with time_machine.travel(JUNE_2, tick=False), pair.scope():
        checkins.set_series_status(actor=pair.manager, series=weekly, status=SeriesStatus.PAUSED)
    with time_machine.travel(at_noon_utc(date(2026, 6, 5)), tick=False), pair.scope():
        checkins.set_series_status(actor=pair.manager, series=weekly, status=SeriesStatus.ACTIVE)

    with pair.scope():
        scheduled = list(weekly.meetings.filter(status=MeetingStatus.SCHEDULED))
    assert [m.starts_at.astimezone(pair.zone).date() for m in scheduled] == [
        date(2026, 6, 10),
        date(2026, 6, 17),
        date(2026, 6, 24),
        date(2026, 7, 1),
    ]
    for meeting in scheduled:
        assert len(reminders(meeting, OutboxStatus.PENDING)) == 2


def test_moving_the_last_meeting_earlier_does_not_bring_its_old_date_back(pair, weekly):
    meetings = pair.meetings(weekly)
    last = meetings[-1]  # 24 June
    with time_machine.travel(JUNE_2, tick=False), pair.scope():
        checkins.move_meeting(
            actor=pair.manager, meeting=last, starts_at=last.starts_at - timedelta(days=2)
        )
    # A week later the first meeting is past; housekeeping tops the series up again.
    with time_machine.travel(at_noon_utc(date(2026, 6, 4)), tick=False), pair.scope():
        checkins.generate_meetings(weekly)

    days = [m.starts_at.astimezone(pair.zone).date() for m in pair.meetings(weekly)]
    assert days == [
        date(2026, 6, 3),
        date(2026, 6, 10),
        date(2026, 6, 17),
        date(2026, 6, 22),  # moved from the 24th
        date(2026, 7, 1),
    ]


# --- holding a meeting: carry-over --------------------------------------------------------------


def test_holding_carries_undiscussed_points_and_keeps_open_action_items(pair, weekly):
    first, second = pair.meetings(weekly)[:2]
    with time_machine.travel(JUNE_2, tick=False), pair.scope():
        done_point = checkins.add_point(actor=pair.manager, meeting=first, text="Quarter goals")
        open_point = checkins.add_point(actor=pair.report, meeting=first, text="Promotion path")
        checkins.edit_point(actor=pair.manager, item=done_point, expected_version=0, discussed=True)
        action = checkins.add_action(
            actor=pair.manager,
            meeting=first,
            owner=pair.report,
            text="Write the design doc",
            due_on=date(2026, 6, 20),
        )
        closed = checkins.add_action(
            actor=pair.manager, meeting=first, owner=pair.manager, text="Book the room"
        )
        checkins.set_action_done(actor=pair.manager, item=closed, done=True, expected_version=0)

    with time_machine.travel(at_noon_utc(date(2026, 6, 3)), tick=False), pair.scope():
        following = checkins.hold_meeting(actor=pair.manager, meeting=first)

        assert following.pk == second.pk
        first.refresh_from_db()
        assert first.status == MeetingStatus.HELD and first.held_at is not None
        carried = list(AgendaItem.objects.filter(meeting=second))
        assert [(item.text, item.author_id, item.carried_from_id) for item in carried] == [
            ("Promotion path", pair.report.pk, open_point.pk)
        ]
        assert not carried[0].discussed
        open_actions = list(ActionItem.objects.filter(series=weekly, done_at__isnull=True))
        assert [item.pk for item in open_actions] == [action.pk]
        # The held meeting keeps its own agenda as it was.
        assert AgendaItem.objects.filter(meeting=first).count() == 2
    assert {row.status for row in reminders(first)} == {OutboxStatus.CANCELLED}


# --- optimistic concurrency ------------------------------------------------------------------


def test_two_sessions_editing_a_talking_point_the_first_wins(pair, weekly):
    meeting = pair.meetings(weekly)[0]
    with time_machine.travel(JUNE_2, tick=False), pair.scope():
        item = checkins.add_point(actor=pair.report, meeting=meeting, text="Salary review")
        mine = AgendaItem.objects.get(pk=item.pk)  # session 1 reads version 0
        theirs = AgendaItem.objects.get(pk=item.pk)  # session 2 reads version 0

        saved = checkins.edit_point(
            actor=pair.report, item=mine, expected_version=mine.version, text="Salary band"
        )
        with pytest.raises(checkins.StaleEdit) as stale:
            checkins.edit_point(
                actor=pair.manager, item=theirs, expected_version=theirs.version, text="Bonus"
            )

        assert saved.version == 1
        assert stale.value.fresh.text == "Salary band"
        assert "changed meanwhile" in stale.value.messages[0]
        assert AgendaItem.objects.get(pk=item.pk).text == "Salary band"
        with pytest.raises(checkins.StaleEdit):
            checkins.remove_point(actor=pair.manager, item=theirs, expected_version=0)
        assert AgendaItem.objects.filter(pk=item.pk).exists()


def test_two_sessions_saving_shared_notes_the_first_wins(pair, weekly):
    meeting = pair.meetings(weekly)[0]
    with time_machine.travel(JUNE_2, tick=False), pair.scope():
        version = Meeting.objects.get(pk=meeting.pk).notes_version  # both sessions read 0
        checkins.save_shared_notes(
            actor=pair.manager, meeting=meeting, text="We agreed on Q3", expected_version=version
        )
        with pytest.raises(checkins.StaleEdit) as stale:
            checkins.save_shared_notes(
                actor=pair.report, meeting=meeting, text="Nothing agreed", expected_version=version
            )
        fresh = Meeting.objects.get(pk=meeting.pk)
    assert stale.value.fresh.shared_notes == "We agreed on Q3"
    assert (fresh.shared_notes, fresh.notes_version) == ("We agreed on Q3", 1)


def test_two_sessions_ticking_an_action_item_the_first_wins(pair, weekly):
    meeting = pair.meetings(weekly)[0]
    with time_machine.travel(JUNE_2, tick=False), pair.scope():
        action = checkins.add_action(
            actor=pair.manager, meeting=meeting, owner=pair.report, text="Ship the RFC"
        )
        checkins.set_action_done(actor=pair.report, item=action, done=True, expected_version=0)
        with pytest.raises(checkins.StaleEdit) as stale:
            checkins.set_action_done(
                actor=pair.manager, item=action, done=False, expected_version=0
            )
        fresh = ActionItem.objects.get(pk=action.pk)
    assert stale.value.fresh.done_at is not None
    assert (fresh.done_at is not None, fresh.version) == (True, 1)


# --- bad input -------------------------------------------------------------------------------


def test_a_series_with_someone_who_is_neither_report_nor_manager_is_refused(pair):
    with time_machine.travel(JUNE_2, tick=False), pair.scope():
        with pytest.raises(ValidationError) as refused:
            checkins.start_series(
                actor=pair.manager,
                other=pair.peer,
                cadence="weekly",
                time_of_day=time(10),
                starts_on=date(2026, 6, 3),
            )
        assert "neither your manager nor one of your direct reports" in str(
            refused.value.message_dict["other"]
        )
        assert not CheckinSeries.objects.exists()
    with scopes_disabled():
        assert not OutboxMessage.objects.filter(organization=pair.organization).exists()


def test_a_report_proposes_and_only_the_manager_accepts(pair, mailoutbox):
    with time_machine.travel(JUNE_2, tick=False), pair.scope():
        series = checkins.start_series(
            actor=pair.report,
            other=pair.manager,
            cadence="biweekly",
            time_of_day=time(9, 30),
            starts_on=date(2026, 6, 4),
        )
        assert series.status == SeriesStatus.PROPOSED
        assert not series.meetings.exists()
        with pytest.raises(ValidationError):
            checkins.accept_series(actor=pair.report, series=series)
        checkins.accept_series(actor=pair.manager, series=series)
        assert series.meetings.count() == checkins.UPCOMING


@pytest.mark.parametrize("cadence", ["fortnightly", "", "WEEKLY", "every 2 weeks"])
def test_a_cadence_that_does_not_parse_is_refused(pair, cadence):
    with time_machine.travel(JUNE_2, tick=False), pair.scope():
        with pytest.raises(ValidationError) as refused:
            checkins.start_series(
                actor=pair.manager,
                other=pair.report,
                cadence=cadence,
                time_of_day=time(10),
                starts_on=date(2026, 6, 3),
            )
        assert "cadence" in refused.value.message_dict
        assert not CheckinSeries.objects.exists()


def test_an_action_item_due_in_the_past_is_refused(pair, weekly):
    meeting = pair.meetings(weekly)[0]
    with time_machine.travel(JUNE_2, tick=False), pair.scope():
        with pytest.raises(ValidationError) as refused:
            checkins.add_action(
                actor=pair.manager,
                meeting=meeting,
                owner=pair.report,
                text="Too late",
                due_on=date(2026, 6, 1),
            )
        assert "due_on" in refused.value.message_dict
        assert not ActionItem.objects.exists()
        # Today is fine.
        checkins.add_action(
            actor=pair.manager,
            meeting=meeting,
            owner=pair.report,
            text="Today",
            due_on=date(2026, 6, 2),
        )


def test_an_action_item_for_someone_outside_the_check_in_is_refused(pair, weekly):
    meeting = pair.meetings(weekly)[0]
    with time_machine.travel(JUNE_2, tick=False), pair.scope():
        with pytest.raises(ValidationError) as refused:
            checkins.add_action(
                actor=pair.manager, meeting=meeting, owner=pair.peer, text="Not theirs"
            )
        assert "owner" in refused.value.message_dict
        with pytest.raises(ValidationError):
            checkins.add_point(actor=pair.peer, meeting=meeting, text="Let me in")
        assert not ActionItem.objects.exists()
        assert not AgendaItem.objects.exists()


def test_a_held_meetings_agenda_is_final_but_its_notes_still_save(pair, weekly):
    meeting = pair.meetings(weekly)[0]
    with time_machine.travel(JUNE_2, tick=False), pair.scope():
        point = checkins.add_point(actor=pair.report, meeting=meeting, text="Hiring plan")
        checkins.hold_meeting(actor=pair.manager, meeting=meeting)
        meeting.refresh_from_db()

        refusals = [
            lambda: checkins.add_point(actor=pair.report, meeting=meeting, text="Late point"),
            lambda: checkins.edit_point(
                actor=pair.report, item=point, expected_version=0, text="Changed"
            ),
            lambda: checkins.edit_point(
                actor=pair.report, item=point, expected_version=0, discussed=True
            ),
            lambda: checkins.remove_point(actor=pair.report, item=point, expected_version=0),
            lambda: checkins.reorder(actor=pair.report, meeting=meeting, ordered_ids=[point.pk]),
        ]
        for refuse in refusals:
            with pytest.raises(ValidationError, match="closed"):
                refuse()

        assert [(i.text, i.version, i.discussed) for i in meeting.agenda.all()] == [
            ("Hiring plan", 0, False)
        ]
        saved = checkins.save_shared_notes(
            actor=pair.manager, meeting=meeting, text="Decided: hire two", expected_version=0
        )
        assert saved.shared_notes == "Decided: hire two"
        note = checkins.save_private_note(actor=pair.report, meeting=meeting, body="Nervous")
        assert checkins.private_note_of(pair.report, meeting) == note
        assert checkins.private_note_of(pair.manager, meeting) is None


# --- periodic reminders ----------------------------------------------------------------------


def _rows(kind: str, recipient) -> list[OutboxMessage]:
    with scopes_disabled():
        return list(OutboxMessage.objects.filter(kind=kind, recipient=recipient).order_by("id"))


def test_an_overdue_action_is_reminded_at_most_once_per_local_day(db):
    pair = Pair("America/New_York", "overdue")
    with time_machine.travel(at_noon_utc(date(2026, 6, 1)), tick=False):
        series = pair.start(date(2026, 6, 3))
        with pair.scope():
            action = checkins.add_action(
                actor=pair.manager,
                meeting=series.meetings.first(),
                owner=pair.report,
                text="Send the numbers",
                due_on=date(2026, 6, 5),
            )

    # 5 June is its due day, not yet overdue, even late in the evening in New York.
    with time_machine.travel(datetime(2026, 6, 6, 3, tzinfo=UTC), tick=False), scopes_disabled():
        assert checkins.remind_overdue_actions(datetime.now(UTC)) == 0
    assert _rows("checkin.action_overdue", pair.report) == []

    # 6 June in New York: twice the same local day → one row.
    for moment in (datetime(2026, 6, 6, 13, tzinfo=UTC), datetime(2026, 6, 7, 3, tzinfo=UTC)):
        with time_machine.travel(moment, tick=False), scopes_disabled():
            checkins.remind_overdue_actions(moment)
    [first] = _rows("checkin.action_overdue", pair.report)
    assert first.occasion == f"action:{action.pk}:overdue:2026-06-06"

    # 7 June in New York (04:30 UTC): a new local day → a second row.
    with (
        time_machine.travel(datetime(2026, 6, 7, 4, 30, tzinfo=UTC), tick=False),
        scopes_disabled(),
    ):
        checkins.remind_overdue_actions(datetime.now(UTC))
        checkins.remind_overdue_actions(datetime.now(UTC))
    rows = _rows("checkin.action_overdue", pair.report)
    assert [row.occasion[-10:] for row in rows] == ["2026-06-06", "2026-06-07"]

    # Done: no more reminders.
    with pair.scope():
        checkins.set_action_done(actor=pair.report, item=action, done=True, expected_version=0)
    with time_machine.travel(datetime(2026, 6, 9, 13, tzinfo=UTC), tick=False), scopes_disabled():
        checkins.remind_overdue_actions(datetime.now(UTC))
    assert len(_rows("checkin.action_overdue", pair.report)) == 2


def test_housekeeping_twice_in_a_day_sends_one_overdue_email(db, mailoutbox):
    pair = Pair("Europe/Berlin", "housekeeping")
    with time_machine.travel(at_noon_utc(date(2026, 6, 1)), tick=False):
        series = pair.start(date(2026, 6, 3))
        with pair.scope():
            checkins.add_action(
                actor=pair.manager,
                meeting=series.meetings.first(),
                owner=pair.report,
                text="Send the numbers",
                due_on=date(2026, 6, 2),
            )
    for hour in (9, 10, 15):
        with time_machine.travel(datetime(2026, 6, 4, hour, tzinfo=UTC), tick=False):
            checkin_housekeeping()
            tasks.dispatch_outbox()
    overdue = [m for m in mailoutbox if "Overdue since" in m.subject]
    assert [m.to for m in overdue] == [[pair.report.user.email]]
    with scopes_disabled():
        assert Notification.objects.filter(kind="checkin.action_overdue").count() == 1


def test_a_lapsed_series_reminds_the_manager_then_the_skip_level_once_each(db):
    pair = Pair("Europe/Berlin", "lapsed")
    with time_machine.travel(at_noon_utc(date(2026, 6, 1)), tick=False):
        series = pair.start(date(2026, 6, 3))
    with pair.scope():
        grace = CheckinSettings.of(pair.organization).lapse_grace_days
    lapse = schedule.lapses_after(series.cadence, grace)
    since = datetime(2026, 6, 3, tzinfo=pair.zone)

    def run(moment: datetime) -> None:
        with time_machine.travel(moment, tick=False), scopes_disabled():
            checkins.remind_lapsed_series(moment)

    run(since + timedelta(days=lapse - 1))
    assert _rows("checkin.lapsed", pair.manager) == []

    run(since + timedelta(days=lapse, hours=1))
    run(since + timedelta(days=lapse + 1))
    [to_manager] = _rows("checkin.lapsed", pair.manager)
    assert to_manager.occasion == f"series:{series.pk}:lapsed:2026-06-03"
    assert _rows("checkin.lapsed", pair.skip_level) == []

    run(since + timedelta(days=2 * lapse, hours=1))
    run(since + timedelta(days=2 * lapse + 3))
    assert len(_rows("checkin.lapsed", pair.manager)) == 1
    [to_skip_level] = _rows("checkin.lapsed", pair.skip_level)
    assert to_skip_level.occasion == f"series:{series.pk}:lapsed-skip:2026-06-03"
    assert _rows("checkin.lapsed", pair.report) == []


def test_holding_a_meeting_resets_the_lapse_clock(db):
    pair = Pair("Europe/Berlin", "not-lapsed")
    with time_machine.travel(at_noon_utc(date(2026, 6, 1)), tick=False):
        series = pair.start(date(2026, 6, 3))
    first = pair.meetings(series)[0]
    with time_machine.travel(at_noon_utc(date(2026, 6, 3)), tick=False), pair.scope():
        checkins.hold_meeting(actor=pair.manager, meeting=first)

    moment = at_noon_utc(date(2026, 6, 3)) + timedelta(days=13)
    with time_machine.travel(moment, tick=False), scopes_disabled():
        checkins.remind_lapsed_series(moment)
    assert _rows("checkin.lapsed", pair.manager) == []


def test_rescheduling_the_rest_moves_upcoming_meetings_with_agenda_and_reminders(world_a):
    series, meeting = world_a.feedback.series, world_a.feedback.meeting
    with world_a.scope():
        upcoming = series.meetings.filter(status="scheduled").count()
        first = series.meetings.order_by("starts_at").first().starts_at
        new_start = (first + timedelta(days=2)).date()
        moved = checkins.reschedule_series(
            actor=world_a.report,
            series=series,
            cadence="biweekly",
            time_of_day=time(15, 0),
            from_date=new_start,
        )
        assert moved == upcoming
        starts = [
            m.starts_at for m in series.meetings.filter(status="scheduled").order_by("starts_at")
        ]
        assert [s.astimezone(ZoneInfo(series.time_zone)).hour for s in starts] == [15] * moved
        assert (starts[1] - starts[0]).days == 14
        meeting.refresh_from_db()
        assert meeting.agenda.filter(text="Promotion timeline").exists()  # agenda kept
        pending = OutboxMessage.objects.filter(
            kind="checkin.prepare",
            occasion__startswith=f"meeting:{meeting.pk}:",
            status=OutboxStatus.PENDING,
        )
        assert pending.count() == 2  # both people, at the new time
        assert all(row.due_at == meeting.starts_at - timedelta(hours=24) for row in pending)


def test_rescheduling_into_a_dst_gap_or_the_past_changes_nothing(world_a):
    series = world_a.feedback.series
    with world_a.scope():
        before = list(series.meetings.values_list("id", "starts_at"))
        with pytest.raises(ValidationError):
            checkins.reschedule_series(
                actor=world_a.manager,
                series=series,
                cadence="weekly",
                time_of_day=time(10),
                from_date=date(2020, 1, 6),
            )
        with pytest.raises(ValidationError):
            checkins.reschedule_series(
                actor=world_a.manager,
                series=series,
                cadence="every-so-often",
                time_of_day=time(10),
                from_date=timezone.now().date() + timedelta(days=3),
            )
        with pytest.raises(ValidationError):
            checkins.reschedule_series(
                actor=world_a.member,
                series=series,
                cadence="weekly",
                time_of_day=time(10),
                from_date=timezone.now().date() + timedelta(days=3),
            )
        assert list(series.meetings.values_list("id", "starts_at")) == before
