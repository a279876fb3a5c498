"""Delivery in batches: what each row gets is what it got one by one, for a fixed number of
queries per batch; the dispatcher hands out one task per chunk, never one per row."""

import smtplib
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from perfapp.notifications import services, tasks
from perfapp.notifications.models import Notification, OutboxMessage, OutboxStatus
from perfapp.tenancy.scoping import organization_scope, scopes_disabled
from tests.factories import MembershipFactory, OrganizationFactory

from .helpers import NEWS, REMINDER, delivered_for, outbox_row

NOON = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)  # 14:00 in Berlin, 08:00 in New York
NIGHT_ZONE = "Asia/Tokyo"  # 21:00 there at NOON: quiet hours


@pytest.fixture
def people(db):
    """Ten people in two organizations; in Berlin unless they chose otherwise."""
    first = OrganizationFactory(slug="first", name="First Inc", time_zone="Europe/Berlin")
    second = OrganizationFactory(slug="second", name="Second Inc", time_zone="Europe/Berlin")
    return [MembershipFactory(organization=(first, second)[n % 2]) for n in range(10)]


def _rows(people, count: int, kind: str = NEWS, label: str = "batch") -> list[OutboxMessage]:
    with scopes_disabled():
        return OutboxMessage.objects.bulk_create(
            OutboxMessage(
                organization_id=people[n % len(people)].organization_id,
                recipient=people[n % len(people)],
                kind=kind,
                occasion=f"{label}:{n}",
                title=f"{label}-{n:03d}",
                body="Something changed.",
                url=f"/o/x/{n}/",
                due_at=NOON - timedelta(minutes=1),
            )
            for n in range(count)
        )


def _claim_all() -> list[int]:
    return services.claim_due(NOON, 1000)


# --- a fixed number of queries per batch -----------------------------------------------


@pytest.mark.parametrize("count", [10, 100])
def test_a_batch_costs_the_same_few_queries_for_10_or_100_rows(
    people, count, mailoutbox, django_assert_num_queries, monkeypatch
):
    # Sending that lasts over a second records the rows emailed so far (one more update
    # per second, see test_sent_rows_are_recorded_during_a_long_batch…); a slow machine
    # must not change the count here.
    monkeypatch.setattr(services, "MARK_EMAILED_EVERY", 3600)
    with organization_scope(people[0].organization):
        services.set_preferences(people[0], {NEWS: (True, False)})  # in-app only
    with organization_scope(people[1].organization):
        services.set_preferences(people[1], {NEWS: (False, True)})  # email only
    _rows(people, count)

    with time_machine.travel(NOON, tick=False):
        ids = _claim_all()
        # rows, preferences, inbox entries, rows sent without email, rows emailed
        with django_assert_num_queries(5):
            delivered = services.deliver_claimed(ids, NOON)

    assert delivered == count
    assert len(mailoutbox) == count - count // 10  # everyone but people[0]
    with scopes_disabled():
        assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == count
        assert Notification.objects.filter(outbox_message__isnull=False).count() == (
            count - count // 10  # everyone but people[1]
        )


# --- what each row gets, in one mixed batch ----------------------------------------------


def test_one_mixed_batch_treats_every_row_as_it_would_alone(
    people, reminder_kind, mailer, mailoutbox
):
    left, deactivated, sleeping, quiet_email, quiet_inbox, bad, *others = people
    with organization_scope(left.organization):
        left.is_active = False
        left.save(update_fields=["is_active"])
    deactivated.user.is_active = False
    deactivated.user.save(update_fields=["is_active"])
    sleeping.user.time_zone = NIGHT_ZONE
    sleeping.user.save(update_fields=["time_zone"])
    with organization_scope(quiet_email.organization):
        services.set_preferences(quiet_email, {NEWS: (True, False)})
    with organization_scope(quiet_inbox.organization):
        services.set_preferences(quiet_inbox, {NEWS: (False, True)})

    def refuse_bad(email):
        if email.to == [bad.user.email]:
            raise smtplib.SMTPRecipientsRefused({bad.user.email: (550, b"no such mailbox")})

    mailer(refuse_bad)
    news = {person.pk: row for person, row in zip(people, _rows(people, 10), strict=True)}
    reminders = {
        person.pk: row
        for person, row in zip(
            (sleeping, others[0]),
            _rows([sleeping, others[0]], 2, kind=REMINDER, label="reminder"),
            strict=True,
        )
    }

    with time_machine.travel(NOON, tick=False):
        ids = _claim_all()
        assert len(ids) == 12  # one batch
        delivered = services.deliver_claimed(ids, NOON)

    assert delivered == 8  # 10 news + 2 reminders - 2 cancelled - 1 asleep - 1 refused
    for person in (left, deactivated):
        assert outbox_row(news[person.pk]).status == OutboxStatus.CANCELLED
        assert delivered_for(news[person.pk]) == []
    night = outbox_row(reminders[sleeping.pk])
    assert night.status == OutboxStatus.PENDING
    assert night.due_at == datetime(2026, 6, 10, 23, 0, tzinfo=UTC)  # 08:00 in Tokyo
    assert night.attempts == 0
    assert outbox_row(news[sleeping.pk]).status == OutboxStatus.SENT  # news is not held back
    assert outbox_row(reminders[others[0].pk]).status == OutboxStatus.SENT

    assert outbox_row(news[quiet_email.pk]).emailed_at is None
    assert len(delivered_for(news[quiet_email.pk])) == 1
    assert delivered_for(news[quiet_inbox.pk]) == []
    assert outbox_row(news[quiet_inbox.pk]).emailed_at is not None

    refused = outbox_row(news[bad.pk])
    assert (refused.status, refused.attempts) == (OutboxStatus.PENDING, 1)
    assert refused.due_at == NOON + timedelta(minutes=2)
    assert "no such mailbox" in refused.last_error
    assert len(delivered_for(news[bad.pk])) == 1  # the inbox entry is there already

    recipients = sorted(email.to[0] for email in mailoutbox)
    expected = [p.user.email for p in (sleeping, quiet_inbox, *others)] + [others[0].user.email]
    assert recipients == sorted(expected)


def test_one_bad_address_fails_only_its_row_and_its_retry_sends_nothing_else(
    people, mailer, mailoutbox
):
    bad = people[3]

    def refuse_bad(email):
        if email.to == [bad.user.email]:
            raise smtplib.SMTPRecipientsRefused({bad.user.email: (550, b"mailbox full")})

    mailer(refuse_bad)
    rows = _rows(people, 40)
    with time_machine.travel(NOON, tick=False):
        tasks.dispatch_outbox()

    with scopes_disabled():
        statuses = dict(OutboxMessage.objects.values_list("recipient_id", "status").distinct())
    assert statuses[bad.pk] == OutboxStatus.PENDING
    assert {status for pk, status in statuses.items() if pk != bad.pk} == {OutboxStatus.SENT}
    assert len(mailoutbox) == 36

    mailer(None)  # the mailbox has room again
    with time_machine.travel(NOON + timedelta(minutes=2), tick=False):
        tasks.dispatch_outbox()

    assert all(outbox_row(row).status == OutboxStatus.SENT for row in rows)
    assert len(mailoutbox) == 40
    assert len({(email.to[0], email.subject) for email in mailoutbox}) == 40


def test_delivering_the_same_claim_twice_sends_nothing_twice(people, mailoutbox):
    _rows(people, 20)
    with time_machine.travel(NOON, tick=False):
        ids = _claim_all()
        assert services.deliver_claimed(ids, NOON) == 20
        assert services.deliver_claimed(ids, NOON) == 0  # the broker delivered it again

    assert len(mailoutbox) == 20
    with scopes_disabled():
        assert Notification.objects.filter(outbox_message__isnull=False).count() == 20


def test_a_stale_chunk_task_delivers_nothing_after_its_rows_were_claimed_again(people, mailoutbox):
    rows = _rows(people, 5)
    first_claim = NOON
    with time_machine.travel(first_claim, tick=False):
        ids = _claim_all()
    # Its worker died: the sweeper puts the rows back, another dispatcher claims them.
    later = NOON + services.STUCK_AFTER + timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        assert services.requeue_stuck(later) == 5
        assert sorted(services.claim_due(later, 100)) == sorted(ids)

        assert tasks.deliver_batch(ids, first_claim.isoformat()) == 0
        assert mailoutbox == []
        assert tasks.deliver_batch(ids, later.isoformat()) == 5

    assert len(mailoutbox) == 5
    assert all(len(delivered_for(row)) == 1 for row in rows)


def test_a_retry_of_a_row_whose_inbox_entry_exists_adds_no_second_one(people, mailer):
    mailer(lambda email: 1 / 0)
    [row] = _rows(people, 1)
    with time_machine.travel(NOON, tick=False):
        tasks.dispatch_outbox()
    assert len(delivered_for(row)) == 1
    assert outbox_row(row).status == OutboxStatus.PENDING

    mailer(None)
    with time_machine.travel(NOON + timedelta(minutes=2), tick=False):
        assert tasks.dispatch_outbox() == 1
    assert len(delivered_for(row)) == 1


def test_sent_rows_are_recorded_during_a_long_batch_not_only_at_its_end(
    people, mailer, mailoutbox, monkeypatch
):
    """What a killed worker can email twice is what left since the last record."""
    monkeypatch.setattr(services, "MARK_EMAILED_EVERY", 0)  # record after every email
    rows = _rows(people, 4)
    seen_recorded: list[int] = []

    def count_recorded(email):
        with scopes_disabled():
            seen_recorded.append(
                OutboxMessage.objects.filter(emailed_at__isnull=False, status="sent").count()
            )

    mailer(count_recorded)
    with time_machine.travel(NOON, tick=False):
        assert services.deliver_claimed(_claim_all(), NOON) == 4

    assert seen_recorded == [0, 1, 2, 3]
    assert all(outbox_row(row).status == OutboxStatus.SENT for row in rows)
    assert len(mailoutbox) == 4


# --- the dispatcher fans out in chunks ---------------------------------------------------


@pytest.fixture
def handed_out(monkeypatch):
    """Record the chunks the dispatcher hands to ``deliver_batch`` instead of running them."""
    chunks: list[tuple[list[int], str]] = []
    continued: list[int] = []
    monkeypatch.setattr(tasks.deliver_batch, "delay", lambda ids, at: chunks.append((ids, at)))
    monkeypatch.setattr(tasks.dispatch_outbox, "delay", lambda batches: continued.append(batches))
    return chunks, continued


def test_the_dispatcher_hands_out_one_task_per_chunk_not_per_row(
    people, handed_out, monkeypatch, mailoutbox
):
    chunks, continued = handed_out
    monkeypatch.setattr(tasks, "BATCH_SIZE", 10)
    rows = _rows(people, 35)

    with time_machine.travel(NOON, tick=False):
        tasks.dispatch_outbox()

    assert [len(ids) for ids, _at in chunks] == [10, 10, 10, 5]
    every_id = [pk for ids, _at in chunks for pk in ids]
    assert sorted(every_id) == sorted(row.pk for row in rows)  # each row in one chunk
    with scopes_disabled():
        for ids, at in chunks:
            claimed = OutboxMessage.objects.filter(pk__in=ids)
            assert {row.status for row in claimed} == {OutboxStatus.SENDING}
            assert {row.claimed_at.isoformat() for row in claimed} == {at}
    assert continued == []
    assert mailoutbox == []  # the chunks are delivered by their own tasks


def test_what_fits_in_one_chunk_is_delivered_by_the_dispatcher_itself(
    people, handed_out, mailoutbox
):
    chunks, continued = handed_out
    _rows(people, 7)

    with time_machine.travel(NOON, tick=False):
        assert tasks.dispatch_outbox() == 7

    assert chunks == [] and continued == []
    assert len(mailoutbox) == 7


def test_a_large_backlog_is_claimed_as_it_is_worked_off(people, handed_out, monkeypatch):
    """After max_batches chunks the dispatcher queues itself again, behind them."""
    chunks, continued = handed_out
    monkeypatch.setattr(tasks, "BATCH_SIZE", 10)
    _rows(people, 35)

    with time_machine.travel(NOON, tick=False):
        tasks.dispatch_outbox(max_batches=2)

    assert [len(ids) for ids, _at in chunks] == [10, 10]
    assert continued == [2]
    with scopes_disabled():
        assert OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count() == 15


def test_chunks_run_in_place_deliver_everything_with_the_count(people, monkeypatch, mailoutbox):
    """With tasks run eagerly (as here), a fanned-out dispatch still returns the total."""
    monkeypatch.setattr(tasks, "BATCH_SIZE", 10)
    rows = _rows(people, 35)

    with time_machine.travel(NOON, tick=False):
        assert tasks.dispatch_outbox(max_batches=2) == 35

    assert all(outbox_row(row).status == OutboxStatus.SENT for row in rows)
    assert len(mailoutbox) == 35


def test_claiming_takes_the_oldest_due_rows_first(people):
    rows = _rows(people, 6)
    with scopes_disabled():
        for minutes, row in zip((5, 50, 20, 40, 10, 30), rows, strict=True):
            OutboxMessage.objects.filter(pk=row.pk).update(due_at=NOON - timedelta(minutes=minutes))

    first = services.claim_due(NOON, 3)

    assert sorted(first) == sorted(rows[n].pk for n in (1, 3, 5))
