"""The parts the fan-out benchmark's verdicts rest on: the counting mailer (counts across
processes, catches duplicates) and the time zones that keep reminders out of quiet hours.

The benchmark itself (``make bench``) is not part of the suite.
"""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import redis
from django.core.mail import EmailMessage

from bench import mail
from bench.seed import daytime_zones
from perfapp.notifications.quiet_hours import is_quiet

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def counting():
    """Backends counting under a prefix of this test's own, removed afterwards."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.fail(f"These tests need Redis at {REDIS_URL} ({error!r}).", pytrace=False)
    prefix = f"test-bench-mail:{uuid.uuid4().hex}"

    def backend() -> mail.CountingBackend:
        return mail.CountingBackend(redis_url=REDIS_URL, prefix=prefix)

    yield backend, (lambda name: mail.count(client, name, prefix))
    client.delete(*client.keys(f"{prefix}:*") or ["-"])
    client.close()


def _email(to: str, subject: str = "[Acme] 1:1 with Sam: add your talking points"):
    return EmailMessage(subject=subject, body="It starts Tuesday.", to=[to])


def test_two_backends_add_to_one_count_and_a_repeat_is_a_duplicate(counting):
    backend, count = counting
    first, second = backend(), backend()  # as two worker processes would

    first.send_messages([_email("ann@example.com"), _email("bob@example.com")])
    second.send_messages([_email("cy@example.com")])
    assert (count(mail.TOTAL), count(mail.DUPLICATES)) == (3, 0)

    second.send_messages([_email("ann@example.com")])  # the same email again

    assert (count(mail.TOTAL), count(mail.DUPLICATES)) == (4, 1)


def test_another_subject_to_the_same_person_is_not_a_duplicate(counting):
    backend, count = counting
    backend().send_messages([_email("ann@example.com"), _email("ann@example.com", "Other")])

    assert (count(mail.TOTAL), count(mail.DUPLICATES)) == (2, 0)


def test_an_open_connection_counts_its_emails_when_it_closes(counting):
    backend, count = counting
    connection = backend()
    connection.open()
    for n in range(3):
        connection.send_messages([_email(f"person{n}@example.com")])
    connection.send_messages([_email("person0@example.com")])
    assert count(mail.TOTAL) == 0

    connection.close()

    assert (count(mail.TOTAL), count(mail.DUPLICATES)) == (4, 1)


@pytest.mark.parametrize("hour", range(24))
def test_at_any_hour_the_benchmark_finds_daytime_zones_for_a_long_run(hour):
    now = datetime(2026, 3, 29, hour, 30, tzinfo=UTC)  # a DST change in Europe, too

    zones = daytime_zones(now)

    assert len(zones) >= 10
    for zone in zones:
        assert not is_quiet(now, zone)
        assert not is_quiet(now + timedelta(hours=4), zone)
