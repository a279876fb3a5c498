"""The outbox: queue once per occasion, deliver due rows, retry failures, recover stuck rows."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from perfapp.notifications import services, tasks
from perfapp.notifications.models import OutboxMessage, OutboxStatus
from perfapp.tenancy.scoping import scopes_disabled

from .helpers import NEWS, delivered_for, notifications_of, outbox_row

NOON = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)

# --- queue -----------------------------------------------------------------------------


def test_queueing_the_same_occasion_twice_delivers_once(world_a, queue, mailoutbox):
    first = queue(world_a.report, occasion="membership:1:a", title="Your role changed")
    second = queue(world_a.report, occasion="membership:1:a", title="Your role changed again")

    assert second.pk == first.pk
    with world_a.scope():
        assert OutboxMessage.objects.filter(recipient=world_a.report).count() == 1

    tasks.dispatch_outbox()
    tasks.dispatch_outbox()

    assert [n.title for n in delivered_for(first)] == ["Your role changed"]
    assert len(mailoutbox) == 1


def test_a_new_occasion_is_a_new_message(world_a, queue, mailoutbox):
    queue(world_a.report, occasion="membership:1:a")
    queue(world_a.report, occasion="membership:1:b")

    tasks.dispatch_outbox()

    assert len(mailoutbox) == 2


def test_the_same_occasion_for_two_people_reaches_both(world_a, queue, mailoutbox):
    queue(world_a.report, occasion="team:7")
    queue(world_a.member, occasion="team:7")

    tasks.dispatch_outbox()

    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [world_a.report.user.email, world_a.member.user.email]
    )


def test_an_unknown_kind_is_refused_when_queued_not_in_a_worker(world_a, queue):
    with pytest.raises(KeyError):
        queue(world_a.report, kind="no.such_kind")

    with world_a.scope():
        assert not OutboxMessage.objects.exists()


def test_a_due_message_is_delivered_once_the_transaction_commits(
    world_a, queue, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = queue(world_a.report, title="Welcome to the team")
        assert mailoutbox == []  # nothing leaves before the commit

    assert len(callbacks) == 1
    assert outbox_row(message).status == OutboxStatus.SENT
    assert [m.subject for m in mailoutbox] == ["[Alpha Inc] Welcome to the team"]


def test_a_broker_outage_does_not_fail_the_request_and_the_dispatcher_catches_up(
    world_a, queue, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("redis is down")

    monkeypatch.setattr(tasks.dispatch_outbox, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        message = queue(world_a.report, title="Welcome to the team")

    assert outbox_row(message).status == OutboxStatus.PENDING
    monkeypatch.undo()
    tasks.dispatch_outbox()  # the periodic run
    assert outbox_row(message).status == OutboxStatus.SENT
    assert len(mailoutbox) == 1


def test_a_future_message_waits_for_the_dispatcher(
    world_a, queue, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = queue(world_a.report, due_at=datetime.now(UTC) + timedelta(hours=1))

    assert callbacks == []
    assert outbox_row(message).status == OutboxStatus.PENDING
    assert mailoutbox == []


# --- dispatch ----------------------------------------------------------------------------


def test_dispatch_delivers_due_rows_and_leaves_tomorrows(world_a, queue, mailoutbox):
    with time_machine.travel(NOON, tick=False):
        today = queue(world_a.report, occasion="today", title="Due now")
        tomorrow = queue(world_a.report, occasion="tomorrow", due_at=NOON + timedelta(days=1))

        assert tasks.dispatch_outbox() == 1

    assert outbox_row(today).status == OutboxStatus.SENT
    assert outbox_row(today).sent_at == NOON
    assert outbox_row(tomorrow).status == OutboxStatus.PENDING
    assert delivered_for(tomorrow) == []
    assert len(mailoutbox) == 1

    with time_machine.travel(NOON + timedelta(days=1, minutes=1), tick=False):
        assert tasks.dispatch_outbox() == 1

    assert outbox_row(tomorrow).status == OutboxStatus.SENT
    assert len(mailoutbox) == 2


def test_delivery_adds_an_inbox_entry_and_an_email_to_the_person(world_a, queue, mailoutbox):
    message = queue(
        world_a.report,
        title="You now report to Dana",
        body="Dana is your manager from today.",
        url="/o/alpha/people/",
    )

    tasks.dispatch_outbox()

    [entry] = delivered_for(message)
    assert entry.recipient_id == world_a.report.pk
    assert entry.organization_id == world_a.organization.pk
    assert (entry.title, entry.body, entry.url) == (
        "You now report to Dana",
        "Dana is your manager from today.",
        "/o/alpha/people/",
    )
    assert entry.read_at is None
    [email] = mailoutbox
    assert email.to == [world_a.report.user.email]
    assert email.subject == "[Alpha Inc] You now report to Dana"
    assert "Dana is your manager from today." in email.body
    assert "/o/alpha/people/" in email.body
    assert "Alpha Inc" in email.body


def test_a_title_with_a_line_break_still_makes_a_one_line_subject(world_a, queue, mailoutbox):
    message = queue(world_a.hr, title="Sam\nBcc: someone@evil.example joined")

    tasks.dispatch_outbox()

    assert outbox_row(message).status == OutboxStatus.SENT
    [email] = mailoutbox
    assert email.subject == "[Alpha Inc] Sam Bcc: someone@evil.example joined"
    assert email.bcc == []


def test_one_dispatch_serves_several_organizations_each_with_its_own_name(
    world_a, world_b, queue, mailoutbox
):
    queue(world_a.report, title="Hello")
    queue(world_b.report, title="Hello")

    assert tasks.dispatch_outbox() == 2

    subjects = {m.to[0]: m.subject for m in mailoutbox}
    assert subjects == {
        world_a.report.user.email: "[Alpha Inc] Hello",
        world_b.report.user.email: "[Beta Inc] Hello",
    }
    assert len(notifications_of(world_a.report)) == 2  # the world's greeting and this one
    assert len(notifications_of(world_b.report)) == 2


def test_email_turned_off_still_adds_the_inbox_entry(world_a, queue, mailoutbox):
    with world_a.scope():
        services.set_preferences(world_a.report, {NEWS: (True, False)})
    message = queue(world_a.report)

    tasks.dispatch_outbox()

    assert len(delivered_for(message)) == 1
    assert mailoutbox == []
    assert outbox_row(message).status == OutboxStatus.SENT
    assert outbox_row(message).emailed_at is None


def test_inbox_turned_off_still_sends_the_email(world_a, queue, mailoutbox):
    with world_a.scope():
        services.set_preferences(world_a.report, {NEWS: (False, True)})
    message = queue(world_a.report)

    tasks.dispatch_outbox()

    assert delivered_for(message) == []
    assert len(mailoutbox) == 1
    assert outbox_row(message).status == OutboxStatus.SENT


def test_a_preference_applies_to_its_own_person_and_kind_only(world_a, queue, mailoutbox):
    with world_a.scope():
        services.set_preferences(world_a.report, {NEWS: (True, False)})
    queue(world_a.report, kind="people.new_report", occasion="x")  # another kind
    queue(world_a.member, occasion="y")  # another person

    tasks.dispatch_outbox()

    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [world_a.report.user.email, world_a.member.user.email]
    )


def test_a_kind_without_email_by_default_only_reaches_the_inbox(world_a, queue, mailoutbox):
    message = queue(world_a.hr, kind="people.member_joined", title="Sam joined Alpha Inc")

    tasks.dispatch_outbox()

    assert len(delivered_for(message)) == 1
    assert mailoutbox == []


def test_a_deactivated_membership_gets_nothing(world_a, queue, mailoutbox):
    message = queue(world_a.report)
    with world_a.scope():
        world_a.report.is_active = False
        world_a.report.save(update_fields=["is_active"])

    tasks.dispatch_outbox()

    assert outbox_row(message).status == OutboxStatus.CANCELLED
    assert delivered_for(message) == []
    assert mailoutbox == []


def test_a_deactivated_account_gets_nothing(world_a, queue, mailoutbox):
    message = queue(world_a.report)
    world_a.report.user.is_active = False
    world_a.report.user.save(update_fields=["is_active"])

    tasks.dispatch_outbox()

    assert outbox_row(message).status == OutboxStatus.CANCELLED
    assert mailoutbox == []


def test_dispatch_works_through_every_batch(world_a, queue, mailoutbox, monkeypatch):
    monkeypatch.setattr(tasks, "BATCH_SIZE", 2)
    for n in range(5):
        queue(world_a.report, occasion=f"o{n}")

    assert tasks.dispatch_outbox() == 5
    assert len(mailoutbox) == 5


# --- failures and retries ---------------------------------------------------------------


@pytest.fixture
def failing_email(mailer):
    def _fail(email):
        raise ConnectionRefusedError("smtp is down")

    mailer(_fail)


def test_a_failed_delivery_is_retried_later(world_a, queue, failing_email, mailoutbox):
    with time_machine.travel(NOON, tick=False):
        message = queue(world_a.report)
        assert tasks.dispatch_outbox() == 0

    row = outbox_row(message)
    assert row.status == OutboxStatus.PENDING
    assert row.attempts == 1
    assert row.due_at > NOON
    assert "smtp is down" in row.last_error
    assert mailoutbox == []


def test_retries_back_off_and_stop_after_max_attempts(world_a, queue, failing_email):
    moment = NOON
    with time_machine.travel(moment, tick=False) as traveller:
        message = queue(world_a.report)
        waits = []
        for attempt in range(1, services.MAX_ATTEMPTS):
            tasks.dispatch_outbox()
            row = outbox_row(message)
            assert (row.status, row.attempts) == (OutboxStatus.PENDING, attempt)
            waits.append(row.due_at - moment)
            # not yet due: a dispatch in between does not touch it
            tasks.dispatch_outbox()
            assert outbox_row(message).attempts == attempt
            moment = row.due_at
            traveller.move_to(moment)
        tasks.dispatch_outbox()

    row = outbox_row(message)
    assert row.status == OutboxStatus.FAILED
    assert row.attempts == services.MAX_ATTEMPTS
    assert "smtp is down" in row.last_error
    assert waits == sorted(waits) and waits[0] < waits[-1]  # each wait longer than the last

    with time_machine.travel(moment + timedelta(days=1), tick=False):
        tasks.dispatch_outbox()
    assert outbox_row(message).attempts == services.MAX_ATTEMPTS  # a failed row stays put


def test_a_retry_after_a_failure_never_duplicates_the_inbox_entry(
    world_a, queue, mailer, mailoutbox
):
    mailer(lambda email: 1 / 0)
    with time_machine.travel(NOON, tick=False):
        message = queue(world_a.report)
        tasks.dispatch_outbox()
    assert len(delivered_for(message)) == 1  # the inbox entry came before the failing email

    mailer(None)
    with time_machine.travel(NOON + timedelta(hours=1), tick=False):
        assert tasks.dispatch_outbox() == 1

    row = outbox_row(message)
    assert row.status == OutboxStatus.SENT
    assert row.attempts == 2
    assert len(delivered_for(message)) == 1
    assert len(mailoutbox) == 1


def test_delivering_a_row_again_after_success_sends_nothing_twice(world_a, queue, mailoutbox):
    """A worker that delivered but died before acknowledging gets its row delivered again."""
    with time_machine.travel(NOON, tick=False):
        message = queue(world_a.report)
        tasks.dispatch_outbox()
    with scopes_disabled():
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=OutboxStatus.SENDING, claimed_at=NOON
        )

    with time_machine.travel(NOON + timedelta(minutes=30), tick=False):
        assert services.requeue_stuck(NOON + timedelta(minutes=30)) == 1
        tasks.dispatch_outbox()

    assert outbox_row(message).status == OutboxStatus.SENT
    assert len(delivered_for(message)) == 1
    assert len(mailoutbox) == 1


def test_one_failing_row_does_not_hold_up_the_others(world_a, queue, mailer, mailoutbox):
    def send(email):
        if email.to == [world_a.member.user.email]:
            raise ConnectionResetError("mailbox full")

    mailer(send)
    broken = queue(world_a.member)
    fine = queue(world_a.report)

    tasks.dispatch_outbox()

    assert outbox_row(broken).status == OutboxStatus.PENDING
    assert outbox_row(fine).status == OutboxStatus.SENT
    assert [m.to for m in mailoutbox] == [[world_a.report.user.email]]


# --- stuck rows --------------------------------------------------------------------------


def _claimed(message: OutboxMessage, at: datetime, attempts: int = 1) -> None:
    with scopes_disabled():
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=OutboxStatus.SENDING, claimed_at=at, attempts=attempts
        )


def test_rows_stuck_in_sending_go_back_to_the_queue(world_a, queue, mailoutbox):
    stuck = queue(world_a.report, occasion="stuck", due_at=NOON)
    recent = queue(world_a.member, occasion="recent", due_at=NOON)
    _claimed(stuck, NOON - timedelta(minutes=11))
    _claimed(recent, NOON - timedelta(minutes=2))

    with time_machine.travel(NOON, tick=False):
        assert tasks.requeue_stuck_outbox() == 1
        assert outbox_row(stuck).status == OutboxStatus.PENDING
        assert outbox_row(recent).status == OutboxStatus.SENDING

        tasks.dispatch_outbox()

    assert outbox_row(stuck).status == OutboxStatus.SENT
    assert outbox_row(recent).status == OutboxStatus.SENDING  # its worker may still finish
    assert [m.to for m in mailoutbox] == [[world_a.report.user.email]]


def test_a_row_that_keeps_killing_its_worker_ends_up_failed(world_a, queue):
    message = queue(world_a.report, due_at=NOON)
    _claimed(message, NOON - timedelta(minutes=30), attempts=services.MAX_ATTEMPTS)

    with time_machine.travel(NOON, tick=False):
        tasks.requeue_stuck_outbox()
        tasks.dispatch_outbox()

    row = outbox_row(message)
    assert row.status == OutboxStatus.FAILED
    assert row.attempts == services.MAX_ATTEMPTS
    assert row.last_error


def test_a_transaction_that_queues_many_rows_asks_for_one_dispatch(
    world_a, django_capture_on_commit_callbacks
):
    from perfapp.notifications import services

    with django_capture_on_commit_callbacks(execute=False) as callbacks, world_a.scope():
        for index in range(5):
            services.queue(
                recipient=world_a.report,
                kind="people.role_changed",
                occasion=f"bulk:{index}",
                title="Changed",
            )
    assert len(callbacks) == 1
