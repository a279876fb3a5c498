"""Tasks only the benchmark's worker runs: a readiness ping and the baseline design, one
Celery task per reminder, built from the same claim and delivery code as the real one."""

import os
from datetime import datetime

from celery import shared_task
from django.conf import settings
from django.db import connection
from django.utils import timezone

from perfapp.notifications import services

from .mail import client_for

PINGS = "bench:pings"


@shared_task(ignore_result=True)
def ping() -> None:
    """Answer from this worker process once it can reach the database."""
    connection.ensure_connection()
    client_for(settings.BENCH_REDIS_URL).sadd(PINGS, os.getpid())


def queue_one_task_per_row(queue: str, chunk: int = 500) -> int:
    """The baseline's dispatching, done by the benchmark before its clock starts: claim the
    due rows like ``dispatch_outbox`` and queue one ``deliver_one`` task per row on
    ``queue``, which the worker does not consume yet. Returns how many were queued."""
    queued = 0
    while ids := services.claim_due(now := timezone.now(), chunk):
        for pk in ids:
            deliver_one.apply_async((pk, now.isoformat()), queue=queue)
        queued += len(ids)
    return queued


@shared_task(acks_late=True, ignore_result=True)
def deliver_one(pk: int, claimed_at: str) -> int:
    """Deliver one claimed row: the same code as a chunk, with a chunk of one."""
    return services.deliver_claimed(
        [pk], timezone.now(), claimed_at=datetime.fromisoformat(claimed_at)
    )
