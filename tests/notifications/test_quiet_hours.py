"""Reminders wait for the recipient's morning in their own time zone, DST included."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from perfapp.notifications import services, tasks
from perfapp.notifications.models import OutboxStatus
from perfapp.notifications.quiet_hours import is_quiet, next_waking_moment

from .helpers import REMINDER, delivered_for, outbox_row

BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(time_zone: str, *args, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(time_zone), fold=fold)


# --- is_quiet ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hour", "minute", "quiet"),
    [
        (7, 59, True),
        (8, 0, False),
        (12, 0, False),
        (20, 59, False),
        (21, 0, True),
        (23, 30, True),
        (0, 0, True),
        (3, 0, True),
    ],
)
def test_quiet_hours_run_from_nine_in_the_evening_to_eight_in_the_morning(hour, minute, quiet):
    for zone in (BERLIN, NEW_YORK, "UTC"):
        moment = local(zone, 2026, 6, 10, hour, minute).astimezone(UTC)
        assert is_quiet(moment, zone) is quiet, zone


def test_quiet_is_judged_in_the_persons_own_time_zone():
    moment = utc(2026, 6, 10, 6, 30)  # 08:30 in Berlin, 02:30 in New York
    assert not is_quiet(moment, BERLIN)
    assert is_quiet(moment, NEW_YORK)


def test_quiet_hours_follow_the_clock_change_in_spring():
    # 2026-03-29 Berlin moves from CET (+1) to CEST (+2): 06:30 UTC is 08:30, awake.
    assert not is_quiet(utc(2026, 3, 29, 6, 30), BERLIN)
    # the day before, the same UTC time was 07:30 local, still night
    assert is_quiet(utc(2026, 3, 28, 6, 30), BERLIN)


def test_quiet_hours_follow_the_clock_change_in_autumn():
    # 2026-10-25 Berlin moves from CEST (+2) back to CET (+1): 06:30 UTC is 07:30, night.
    assert is_quiet(utc(2026, 10, 25, 6, 30), BERLIN)
    assert not is_quiet(utc(2026, 10, 24, 6, 30), BERLIN)
    # 19:30 UTC is 20:30 CET, not yet quiet; the day before it was 21:30 CEST
    assert not is_quiet(utc(2026, 10, 25, 19, 30), BERLIN)
    assert is_quiet(utc(2026, 10, 24, 19, 30), BERLIN)


# --- next_waking_moment ------------------------------------------------------------------


def test_outside_quiet_hours_the_moment_itself_is_the_waking_moment():
    moment = utc(2026, 6, 10, 12, 0)
    assert next_waking_moment(moment, BERLIN) == moment


@pytest.mark.parametrize(
    ("zone", "moment", "expected"),
    [
        # after midnight: 08:00 the same local day
        (BERLIN, utc(2026, 6, 10, 1, 0), utc(2026, 6, 10, 6, 0)),
        (NEW_YORK, utc(2026, 6, 10, 7, 0), utc(2026, 6, 10, 12, 0)),
        # in the evening: 08:00 the next local day
        (BERLIN, utc(2026, 6, 10, 20, 0), utc(2026, 6, 11, 6, 0)),
        # 22:00 in New York is already the next day in UTC: still 08:00 on the 11th local
        (NEW_YORK, utc(2026, 6, 11, 2, 0), utc(2026, 6, 11, 12, 0)),
        (NEW_YORK, utc(2026, 1, 15, 3, 0), utc(2026, 1, 15, 13, 0)),  # EST in winter
    ],
)
def test_the_waking_moment_is_eight_in_the_morning_local_time(zone, moment, expected):
    waking = next_waking_moment(moment, zone)
    assert waking == expected
    assert waking.astimezone(ZoneInfo(zone)).hour == 8


@pytest.mark.parametrize(
    ("zone", "moment", "expected"),
    [
        # Berlin spring forward, 2026-03-29: 08:00 CEST is 06:00 UTC
        (BERLIN, local(BERLIN, 2026, 3, 28, 22, 30), utc(2026, 3, 29, 6, 0)),
        (BERLIN, local(BERLIN, 2026, 3, 29, 1, 30), utc(2026, 3, 29, 6, 0)),
        (BERLIN, local(BERLIN, 2026, 3, 29, 3, 30), utc(2026, 3, 29, 6, 0)),
        # Berlin fall back, 2026-10-25: 08:00 CET is 07:00 UTC; 02:30 happens twice
        (BERLIN, local(BERLIN, 2026, 10, 24, 22, 0), utc(2026, 10, 25, 7, 0)),
        (BERLIN, local(BERLIN, 2026, 10, 25, 2, 30, fold=0), utc(2026, 10, 25, 7, 0)),
        (BERLIN, local(BERLIN, 2026, 10, 25, 2, 30, fold=1), utc(2026, 10, 25, 7, 0)),
        # New York spring forward, 2026-03-08, and fall back, 2026-11-01
        (NEW_YORK, local(NEW_YORK, 2026, 3, 7, 23, 0), utc(2026, 3, 8, 12, 0)),
        (NEW_YORK, local(NEW_YORK, 2026, 11, 1, 1, 30, fold=1), utc(2026, 11, 1, 13, 0)),
    ],
)
def test_the_waking_moment_stays_at_eight_across_a_clock_change(zone, moment, expected):
    waking = next_waking_moment(moment.astimezone(UTC), zone)
    assert waking == expected
    assert waking.astimezone(ZoneInfo(zone)).time().isoformat() == "08:00:00"
    assert not is_quiet(waking, zone)


# --- the dispatcher ----------------------------------------------------------------------


@pytest.fixture
def in_new_york(world_a):
    with world_a.scope():
        world_a.report.time_zone = NEW_YORK
        world_a.report.save(update_fields=["time_zone"])
    return world_a.report


def test_a_reminder_due_at_night_waits_for_eight_in_new_york(
    in_new_york, reminder_kind, queue, mailoutbox
):
    three_am = utc(2026, 6, 10, 7, 0)  # 03:00 EDT
    with time_machine.travel(three_am, tick=False):
        message = queue(in_new_york, kind=REMINDER, title="Your check-in is tomorrow")
        assert tasks.dispatch_outbox() == 0

    row = outbox_row(message)
    assert row.status == OutboxStatus.PENDING
    assert row.due_at == utc(2026, 6, 10, 12, 0)  # 08:00 EDT
    assert row.attempts == 0  # waiting for the morning is not a failed attempt
    assert delivered_for(message) == []
    assert mailoutbox == []

    with time_machine.travel(utc(2026, 6, 10, 11, 59), tick=False):
        assert tasks.dispatch_outbox() == 0
    with time_machine.travel(utc(2026, 6, 10, 12, 0), tick=False):
        assert tasks.dispatch_outbox() == 1

    assert outbox_row(message).status == OutboxStatus.SENT
    assert len(delivered_for(message)) == 1
    assert [m.to for m in mailoutbox] == [[in_new_york.user.email]]


def test_the_same_reminder_reaches_berlin_and_waits_in_new_york(
    world_a, in_new_york, reminder_kind, queue, mailoutbox
):
    with time_machine.travel(utc(2026, 6, 10, 6, 30), tick=False):  # 08:30 / 02:30
        berlin = queue(world_a.member, kind=REMINDER)
        new_york = queue(in_new_york, kind=REMINDER)
        tasks.dispatch_outbox()

    assert outbox_row(berlin).status == OutboxStatus.SENT
    assert outbox_row(new_york).status == OutboxStatus.PENDING
    assert [m.to for m in mailoutbox] == [[world_a.member.user.email]]


def test_a_reminder_on_the_autumn_clock_change_night_arrives_at_eight_cet(
    world_a, reminder_kind, queue, mailoutbox
):
    # The organization is in Berlin; 01:30 UTC on 2026-10-25 is the second 02:30 local.
    with time_machine.travel(utc(2026, 10, 25, 1, 30), tick=False):
        message = queue(world_a.report, kind=REMINDER)
        tasks.dispatch_outbox()
    assert outbox_row(message).due_at == utc(2026, 10, 25, 7, 0)

    # 06:30 UTC would be 08:30 in summer time, but it is only 07:30 now
    with time_machine.travel(utc(2026, 10, 25, 6, 30), tick=False):
        assert tasks.dispatch_outbox() == 0
    with time_machine.travel(utc(2026, 10, 25, 7, 0), tick=False):
        assert tasks.dispatch_outbox() == 1
    assert len(mailoutbox) == 1


def test_a_reminder_on_the_spring_clock_change_night_arrives_at_eight_cest(
    world_a, reminder_kind, queue, mailoutbox
):
    with time_machine.travel(utc(2026, 3, 28, 22, 0), tick=False):  # 23:00 CET
        message = queue(world_a.report, kind=REMINDER)
        tasks.dispatch_outbox()
    assert outbox_row(message).due_at == utc(2026, 3, 29, 6, 0)  # 08:00 CEST

    with time_machine.travel(utc(2026, 3, 29, 6, 0), tick=False):
        assert tasks.dispatch_outbox() == 1
    assert len(mailoutbox) == 1


def test_news_that_is_not_a_reminder_arrives_at_night(in_new_york, queue, mailoutbox):
    three_am = utc(2026, 6, 10, 7, 0)
    with time_machine.travel(three_am, tick=False):
        message = queue(in_new_york, title="You now report to Dana")
        assert tasks.dispatch_outbox() == 1

    assert outbox_row(message).sent_at == three_am
    assert len(mailoutbox) == 1


def test_a_reminder_deferred_for_the_night_keeps_all_its_retries(
    in_new_york, reminder_kind, queue, mailer
):
    with time_machine.travel(utc(2026, 6, 10, 7, 0), tick=False):
        message = queue(in_new_york, kind=REMINDER)
        tasks.dispatch_outbox()
    mailer(lambda email: 1 / 0)

    moment = outbox_row(message).due_at
    for _ in range(services.MAX_ATTEMPTS - 1):
        with time_machine.travel(moment, tick=False):
            tasks.dispatch_outbox()
        moment = outbox_row(message).due_at
    assert outbox_row(message).status == OutboxStatus.PENDING
    assert outbox_row(message).attempts == services.MAX_ATTEMPTS - 1

    with time_machine.travel(moment + timedelta(seconds=1), tick=False):
        tasks.dispatch_outbox()
    assert outbox_row(message).status == OutboxStatus.FAILED
