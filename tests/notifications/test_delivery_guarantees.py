"""Exactly once under concurrency, retries with backoff, and failures operators can see.

The concurrent tests use real threads, each with its own database connection, on
committed data (``transactional_db``): ``SELECT … FOR UPDATE SKIP LOCKED`` and the unique
constraint are what they exercise, which a single test transaction could not show.
"""

import smtplib
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from perfapp.accounts.models import User
from perfapp.notifications import services, tasks
from perfapp.notifications.models import Notification, OutboxMessage, OutboxStatus
from perfapp.tenancy.scoping import organization_scope, scopes_disabled
from tests.factories import MembershipFactory, OrganizationFactory

from .helpers import NEWS, delivered_for, outbox_row

NOON = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)


def _in_threads(count: int, target) -> list:
    """Run ``target(index)`` in ``count`` threads started together; return their results.

    Each thread gets its own database connection (Django's are per thread) and closes it.
    """
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = target(index)
        except BaseException as error:  # reported in the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    if errors:
        raise errors[0]
    return results


@pytest.fixture
def people(transactional_db):
    organization = OrganizationFactory(slug="concurrent", name="Concurrent Inc")
    return [MembershipFactory(organization=organization) for _ in range(5)]


def _due_rows(people, count: int) -> list[OutboxMessage]:
    with scopes_disabled():
        return OutboxMessage.objects.bulk_create(
            OutboxMessage(
                organization_id=people[0].organization_id,
                recipient=people[n % len(people)],
                kind=NEWS,
                occasion=f"concurrent:{n}",
                title=f"row-{n:04d}",
                due_at=timezone.now() - timedelta(seconds=1),
            )
            for n in range(count)
        )


# --- two dispatchers at the same time --------------------------------------------------


def test_two_dispatchers_at_the_same_time_deliver_every_row_exactly_once(
    people, mailer, mailoutbox
):
    rows = _due_rows(people, 300)
    mailer(lambda email: threading.Event().wait(0.0005))  # let the other dispatcher run

    def dispatcher(_index: int) -> list[int]:
        claimed: list[int] = []
        while True:
            now = timezone.now()
            ids = services.claim_due(now, 7)
            if not ids:
                return claimed
            claimed.extend(ids)
            services.deliver_claimed(ids, now)

    first, second = _in_threads(2, dispatcher)

    assert first and second, "both dispatchers took part"
    assert not set(first) & set(second), "no row was claimed by both"
    assert sorted(first + second) == sorted(row.pk for row in rows)
    with scopes_disabled():
        assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == 300
        per_row = Counter(
            Notification.objects.filter(outbox_message__isnull=False).values_list(
                "outbox_message_id", flat=True
            )
        )
    assert set(per_row) == {row.pk for row in rows}
    assert set(per_row.values()) == {1}
    emails = Counter(message.subject for message in mailoutbox)
    assert len(emails) == 300
    assert set(emails.values()) == {1}


def test_two_dispatch_tasks_at_the_same_time_like_two_beat_instances(people, mailoutbox):
    rows = _due_rows(people, 120)
    tasks_before = tasks.BATCH_SIZE
    try:
        tasks.BATCH_SIZE = 9
        delivered = _in_threads(2, lambda _index: tasks.dispatch_outbox())
    finally:
        tasks.BATCH_SIZE = tasks_before

    assert sum(delivered) == len(rows)
    assert Counter(Counter(m.subject for m in mailoutbox).values()) == {1: len(rows)}


def test_queueing_the_same_occasion_from_two_threads_at_once_makes_one_row(people):
    recipient = people[0]
    later = timezone.now() + timedelta(days=1)  # not due: only the queueing races

    def queue_all(_index: int) -> list[int]:
        ids = []
        with organization_scope(recipient.organization):
            for occasion in range(25):
                message = services.queue(
                    recipient=recipient,
                    kind=NEWS,
                    occasion=f"race:{occasion}",
                    title="Your role changed",
                    due_at=later,
                )
                ids.append(message.pk)
        return ids

    first, second = _in_threads(2, queue_all)

    assert first == second, "both callers got the same row for every occasion"
    with scopes_disabled():
        counts = Counter(
            OutboxMessage.objects.filter(recipient=recipient).values_list("occasion", flat=True)
        )
    assert counts == {f"race:{occasion}": 1 for occasion in range(25)}


# --- transient and permanent email failures ---------------------------------------------


@pytest.fixture
def person(db):
    organization = OrganizationFactory(slug="mailing", name="Mailing Inc")
    return MembershipFactory(organization=organization)


def _queue(person, **fields) -> OutboxMessage:
    with organization_scope(person.organization):
        return services.queue(
            recipient=person, kind=NEWS, occasion="failure-1", title="Your role changed", **fields
        )


def test_a_transient_email_error_is_retried_with_backoff_and_delivered_once(
    person, mailer, mailoutbox
):
    calls = []

    def flaky(email):
        calls.append(timezone.now())
        if len(calls) <= 2:
            raise smtplib.SMTPServerDisconnected("connection unexpectedly closed")

    mailer(flaky)
    with time_machine.travel(NOON, tick=False) as traveller:
        message = _queue(person, due_at=NOON)
        tasks.dispatch_outbox()
        first = outbox_row(message)
        assert (first.status, first.attempts) == (OutboxStatus.PENDING, 1)
        assert "SMTPServerDisconnected" in first.last_error

        traveller.move_to(first.due_at - timedelta(seconds=1))
        tasks.dispatch_outbox()  # not yet: the backoff holds
        assert len(calls) == 1

        traveller.move_to(first.due_at)
        tasks.dispatch_outbox()
        second = outbox_row(message)
        assert (second.status, second.attempts) == (OutboxStatus.PENDING, 2)

        traveller.move_to(second.due_at)
        assert tasks.dispatch_outbox() == 1

    row = outbox_row(message)
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 3)
    assert row.emailed_at is not None
    # Each wait is longer than the one before.
    assert first.due_at - NOON == timedelta(minutes=2)
    assert second.due_at - first.due_at == timedelta(minutes=4)
    assert len(calls) == 3
    assert len(mailoutbox) == 1
    assert len(delivered_for(message)) == 1

    with time_machine.travel(NOON + timedelta(days=1), tick=False):
        tasks.dispatch_outbox()
    assert len(mailoutbox) == 1


@pytest.fixture
def mail_always_down(mailer):
    def refuse(email):
        raise smtplib.SMTPRecipientsRefused({"x@example.com": (550, b"mailbox unavailable")})

    mailer(refuse)


def _dispatch_until_settled(message: OutboxMessage) -> OutboxMessage:
    moment = NOON
    with time_machine.travel(moment, tick=False) as traveller:
        for _ in range(services.MAX_ATTEMPTS * 2):
            tasks.dispatch_outbox()
            row = outbox_row(message)
            if row.status != OutboxStatus.PENDING:
                return row
            traveller.move_to(row.due_at)
    return outbox_row(message)


def test_a_permanent_failure_ends_failed_after_max_attempts_with_the_error(
    person, mail_always_down, mailoutbox
):
    message = _queue(person, due_at=NOON)

    row = _dispatch_until_settled(message)

    assert row.status == OutboxStatus.FAILED
    assert row.attempts == services.MAX_ATTEMPTS
    assert "SMTPRecipientsRefused" in row.last_error
    assert "mailbox unavailable" in row.last_error
    assert mailoutbox == []


def test_failed_rows_are_listed_for_operators_in_the_admin(
    person, mail_always_down, client, world_b
):
    failed = _dispatch_until_settled(_queue(person, due_at=NOON))
    with organization_scope(world_b.organization):
        fine = services.queue(
            recipient=world_b.report, kind=NEWS, occasion="fine", title="Delivered fine"
        )
    assert failed.status == OutboxStatus.FAILED
    operator = User.objects.create_superuser(email="ops@example.com", password="x-long-secret")
    client.force_login(operator)

    response = client.get("/admin/notifications/outboxmessage/?status__exact=failed")

    assert response.status_code == 200
    page = response.content.decode()
    assert f"/admin/notifications/outboxmessage/{failed.pk}/change/" in page
    assert f"/admin/notifications/outboxmessage/{fine.pk}/change/" not in page
    assert "1 outbox message" in page

    detail = client.get(f"/admin/notifications/outboxmessage/{failed.pk}/change/")
    assert detail.status_code == 200
    assert "mailbox unavailable" in detail.content.decode()


def test_the_admin_is_for_operators_only(person, login, world_a):
    response = login(world_a.hr).get("/admin/notifications/outboxmessage/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
