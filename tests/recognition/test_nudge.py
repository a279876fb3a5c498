"""The weekly note to managers about direct reports not recognized lately: once per week,
through the outbox as a reminder (quiet hours apply), each organization's own window,
names of one's own reports only, and an opt-out per person."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings as django_settings

from perfapp.notifications import kinds
from perfapp.notifications import services as notifications
from perfapp.notifications.models import NotificationPreference, OutboxMessage, OutboxStatus
from perfapp.orgs.models import Membership
from perfapp.tenancy.scoping import scopes_disabled
from recognition.services import settings as settings_service
from recognition.services.nudges import QUIET_KIND, occasion_for, remind_quiet_reports
from recognition.tasks import nudge_quiet_reports

from .points_world import recognize, settle_in

MONDAY = datetime(2026, 11, 2, 7, 0, tzinfo=UTC)  # 08:00 in Berlin


def notes() -> list[OutboxMessage]:
    with scopes_disabled():
        return list(
            OutboxMessage.objects.filter(kind=QUIET_KIND)
            .select_related("recipient__user")
            .order_by("recipient_id", "occasion")
        )


def note_for(member) -> OutboxMessage:
    return next(note for note in notes() if note.recipient_id == member.pk)


def run(now: datetime = MONDAY) -> int:
    with time_machine.travel(now, tick=False), scopes_disabled():
        return remind_quiet_reports(now)


@pytest.fixture
def quiet_world(world_a):
    """Everyone joined long ago and nobody has been recognized."""
    settle_in(world_a)
    return world_a


def test_each_manager_hears_about_their_own_quiet_reports(quiet_world):
    w = quiet_world
    assert run() == 2  # the manager (the report) and the owner (the HR admin and the manager)
    manager_note, owner_note = note_for(w.manager), note_for(w.owner)
    assert manager_note.title == f"{w.report.name} has not been recognized in 60 days"
    assert f"- {w.report.name}: not recognized yet" in manager_note.body
    assert owner_note.title == "2 of your reports have not been recognized in 60 days"
    assert w.hr.name in owner_note.body and w.manager.name in owner_note.body
    assert w.report.name not in owner_note.body  # not a direct report of the owner
    assert manager_note.url == "/o/alpha/recognition/insights/"
    assert manager_note.occasion == "quiet-reports:2026-W45"


def test_once_per_week(quiet_world):
    run()
    assert run(MONDAY + timedelta(hours=3)) == 0
    assert run(MONDAY + timedelta(days=6, hours=16)) == 0  # Sunday night, the same ISO week
    assert len(notes()) == 2
    assert run(MONDAY + timedelta(days=7)) == 2
    assert {note.occasion for note in notes()} == {
        "quiet-reports:2026-W45",
        "quiet-reports:2026-W46",
    }


def test_recently_recognized_reports_are_left_out(quiet_world):
    w = quiet_world
    with time_machine.travel(MONDAY, tick=False):
        recognize(w, w.member, [w.report], when=MONDAY - timedelta(days=59))
        recognize(w, w.member, [w.hr], when=MONDAY - timedelta(days=61))
    run()
    assert w.manager.pk not in {note.recipient_id for note in notes()}  # nothing to say
    owner_note = note_for(w.owner)
    assert f"{w.hr.name}: last recognized 61 days ago" in owner_note.body


def test_each_organization_uses_its_own_window(quiet_world, world_b):
    w = quiet_world
    settle_in(world_b)
    with w.scope():
        settings_service.save_settings(actor=w.hr, quiet_after_days=30)
    with time_machine.travel(MONDAY, tick=False):
        for world in (w, world_b):
            recognize(world, world.member, [world.report], when=MONDAY - timedelta(days=40))
    run()
    assert w.report.name in note_for(w.manager).body  # 40 > 30 days in alpha
    assert world_b.manager.pk not in {note.recipient_id for note in notes()}  # 40 < 60 in beta
    beta_owner = note_for(world_b.owner)
    assert all(name not in beta_owner.body for name in (w.hr.name, w.manager.name))


def test_a_manager_who_opted_out_gets_nothing(quiet_world):
    w = quiet_world
    with w.scope():
        notifications.set_preferences(w.manager, {QUIET_KIND: (False, False)})
        NotificationPreference.objects.get(membership=w.manager, kind=QUIET_KIND)
    run()
    assert w.manager.pk not in {note.recipient_id for note in notes()}
    assert w.owner.pk in {note.recipient_id for note in notes()}


def test_newcomers_and_deactivated_people_are_left_out(quiet_world):
    w = quiet_world
    with w.scope():
        Membership.objects.filter(pk=w.report.pk).update(joined_at=MONDAY - timedelta(days=20))
        Membership.objects.filter(pk=w.hr.pk).update(is_active=False)
    run()
    assert w.manager.pk not in {note.recipient_id for note in notes()}  # counted from joining
    owner_note = note_for(w.owner)
    assert owner_note.title == f"{w.manager.name} has not been recognized in 60 days"


def test_a_deactivated_manager_gets_nothing(quiet_world):
    w = quiet_world
    with w.scope():
        Membership.objects.filter(pk=w.manager.pk).update(is_active=False)
    run()
    assert w.manager.pk not in {note.recipient_id for note in notes()}


def test_the_note_is_a_reminder_and_waits_for_the_morning(quiet_world):
    w = quiet_world
    assert kinds.KINDS.get(QUIET_KIND).is_reminder
    with w.scope():
        Membership.objects.filter(pk=w.manager.pk).update(time_zone="America/New_York")
    run()  # 02:00 in New York
    with time_machine.travel(MONDAY, tick=False):
        ids = notifications.claim_due(MONDAY, 100)
        notifications.deliver_claimed(ids, MONDAY)
    manager_note, owner_note = note_for(w.manager), note_for(w.owner)
    assert manager_note.status == OutboxStatus.PENDING
    assert manager_note.due_at == datetime(2026, 11, 2, 13, 0, tzinfo=UTC)  # 08:00 in New York
    assert owner_note.status == OutboxStatus.SENT  # 08:00 in Berlin


def test_the_weekly_task_runs_every_organization_and_is_on_the_beat(quiet_world, world_b):
    settle_in(world_b)
    with time_machine.travel(MONDAY, tick=False):
        assert nudge_quiet_reports() == 4
    organizations = {note.organization_id for note in notes()}
    assert organizations == {quiet_world.organization.pk, world_b.organization.pk}
    entry = django_settings.CELERY_BEAT_SCHEDULE["recognition-quiet-reports"]
    assert entry["task"] == "recognition.tasks.nudge_quiet_reports"
    assert isinstance(entry["schedule"], crontab) and entry["schedule"].day_of_week == {1}


def test_the_occasion_is_the_iso_week():
    assert occasion_for(datetime(2027, 1, 1, 12, tzinfo=UTC)) == "quiet-reports:2026-W53"
    assert occasion_for(datetime(2027, 1, 4, 12, tzinfo=UTC)) == "quiet-reports:2027-W01"
