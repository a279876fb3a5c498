"""A real Celery worker on the local Redis, killed with SIGKILL in the middle of a batch.

The dispatcher fans the rows out in chunks of ``BATCH_SIZE`` (one ``deliver_batch`` task
each); the worker is killed while it delivers one of them, with other chunks claimed and
still waiting in the queue. After the sweeper and a restart:

The documented bound: every due row is sent; each row has exactly one inbox entry; an email
can leave twice only for a row whose email went out before the kill while its batch had
not yet written ``emailed_at`` (written at the end of a batch, and at least every second
during a long one). So at most one extra email per row, for no more rows than one batch
per killed worker process — one chunk here, with the solo pool. The chunks still waiting
in the queue are delivered again by the broker after the restart, and do nothing: their
rows were swept back and claimed anew under another claim.
"""

import email
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import timedelta
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection
from django.utils import timezone

from perfapp.notifications import services
from perfapp.notifications.models import Notification, OutboxMessage, OutboxStatus
from perfapp.tenancy.scoping import scopes_disabled
from tests.factories import MembershipFactory, OrganizationFactory

from .helpers import NEWS

REDIS_URL = "redis://127.0.0.1:6379/15"
ROWS = 400
BATCH_SIZE = 50  # the worker's chunk size (OUTBOX_BATCH_SIZE in worker_settings)
MAIL_DELAY = 0.02  # seconds per email in the worker: a slow SMTP server
DISPATCH_TASK = "perfapp.notifications.tasks.dispatch_outbox"
ROOT = Path(settings.BASE_DIR)


def _require_redis():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.fail(
            f"The worker-kill test needs Redis at {REDIS_URL} ({error!r}). Start it "
            "(e.g. `redis-server --daemonize yes`); CI starts one.",
            pytrace=False,
        )
    return client


def _start_worker(env: dict, queue: str, log: Path) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "perfapp",
        "worker",
        "--pool",
        "solo",
        "--concurrency",
        "1",
        "-Q",
        queue,
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel",
        "WARNING",
        "--hostname",
        f"{queue}-{uuid.uuid4().hex[:6]}@%h",
    ]
    with log.open("ab") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def _count(**filters) -> int:
    with scopes_disabled():
        return OutboxMessage.objects.filter(**filters).count()


def _wait_until(condition, timeout: float, worker: subprocess.Popen, log: Path, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if worker.poll() is not None:
            pytest.fail(f"The worker exited early ({worker.returncode}):\n{log.read_text()}")
        time.sleep(0.05)
    pytest.fail(f"Timed out waiting for {what}. Worker log:\n{log.read_text()}")


def _emails_per_title(mail_dir: Path) -> Counter:
    titles = Counter()
    for path in mail_dir.glob("*.eml"):
        subject = str(
            make_header(decode_header(email.message_from_bytes(path.read_bytes())["Subject"]))
        )
        titles[subject.split("] ", 1)[1]] += 1
    return titles


def _forget_queue(client, queue: str) -> None:
    """Leave Redis as it was: the queue, its bindings and the killed worker's unacked task."""
    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    for tag, raw in client.hgetall("unacked").items():
        if json.loads(raw)[-1] == queue:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)
    client.close()


def _kill(worker: subprocess.Popen | None) -> None:
    if worker is not None and worker.poll() is None:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)


def test_a_worker_killed_mid_batch_loses_nothing_and_doubles_at_most_one_batch(
    transactional_db, tmp_path
):
    redis_client = _require_redis()
    queue = f"worker-kill-{uuid.uuid4().hex[:12]}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.notifications.worker_settings",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "WORKER_KILL_DB_NAME": connection.settings_dict["NAME"],
        "WORKER_KILL_BROKER_URL": REDIS_URL,
        "WORKER_KILL_QUEUE": queue,
        "WORKER_KILL_MAIL_DIR": str(mail_dir),
        "WORKER_KILL_MAIL_DELAY": str(MAIL_DELAY),
        "WORKER_KILL_BATCH_SIZE": str(BATCH_SIZE),
    }

    organization = OrganizationFactory(slug="killed", name="Killed Inc")
    people = [MembershipFactory(organization=organization) for _ in range(8)]
    now = timezone.now()
    with scopes_disabled():
        OutboxMessage.objects.bulk_create(
            OutboxMessage(
                organization=organization,
                recipient=people[n % len(people)],
                kind=NEWS,
                occasion=f"worker-kill:{n}",
                title=f"wk-{n:04d}",
                due_at=now - timedelta(seconds=1),
            )
            for n in range(ROWS)
        )

    sender = Celery("worker-kill-sender", broker=REDIS_URL)
    first = second = None
    started = time.monotonic()
    try:
        first = _start_worker(env, queue, log)
        sender.send_task(DISPATCH_TASK, queue=queue)
        _wait_until(
            lambda: _count(status=OutboxStatus.SENT) >= 60,
            timeout=30,
            worker=first,
            log=log,
            what="the first worker to send some rows",
        )
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        killed_at = time.monotonic() - started

        sent_at_kill = _count(status=OutboxStatus.SENT)
        in_flight = _count(status=OutboxStatus.SENDING)
        assert 0 < sent_at_kill < ROWS, "the kill must land mid-way"
        assert in_flight > 0, "the kill must land in the middle of a batch"

        # What the periodic sweeper does once the rows have been stuck long enough.
        requeued = services.requeue_stuck(
            timezone.now() + services.STUCK_AFTER + timedelta(seconds=1)
        )
        assert requeued == in_flight

        second = _start_worker(env, queue, log)
        sender.send_task(DISPATCH_TASK, queue=queue)
        _wait_until(
            lambda: _count(status=OutboxStatus.SENT) == ROWS,
            timeout=40,
            worker=second,
            log=log,
            what="every row to be sent after the restart",
        )
        elapsed = time.monotonic() - started
    finally:
        _kill(first)
        _kill(second)
        sender.close()
        _forget_queue(redis_client, queue)

    with scopes_disabled():
        assert _count(status=OutboxStatus.SENT) == ROWS
        assert not OutboxMessage.objects.exclude(status=OutboxStatus.SENT).exists()
        inbox = Counter(
            Notification.objects.filter(outbox_message__isnull=False).values_list(
                "outbox_message_id", flat=True
            )
        )
        row_ids = set(OutboxMessage.objects.values_list("id", flat=True))
    assert set(inbox) == row_ids
    assert set(inbox.values()) == {1}, "exactly one inbox entry per row"

    emails = _emails_per_title(mail_dir)
    assert set(emails) == {f"wk-{n:04d}" for n in range(ROWS)}, "every row was emailed"
    doubled = [title for title, count in emails.items() if count > 1]
    assert max(emails.values()) <= 2
    assert len(doubled) <= BATCH_SIZE, "no more than the one chunk in flight at the kill"
    print(
        f"\nworker-kill: {ROWS} rows; killed after {killed_at:.1f}s with {sent_at_kill} sent and "
        f"{in_flight} in flight; all sent after {elapsed:.1f}s; rows emailed twice: "
        f"{len(doubled)} {doubled}"
    )
