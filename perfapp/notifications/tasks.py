"""The outbox's Celery tasks: a dispatcher that fans due rows out in chunks, and the sweeper.

``dispatch_outbox`` (Celery beat, every 30 s, and right after a commit that queued a due
row) claims due rows a chunk at a time and hands each chunk to one ``deliver_batch`` task,
so every worker process delivers batches side by side — one task per few hundred
recipients, never one per person. The everyday case, everything due fitting in one
chunk, is delivered by the dispatcher itself without a round trip through the broker.
"""

from datetime import datetime

from celery import shared_task
from celery.result import EagerResult
from django.conf import settings
from django.utils import timezone

from . import digest, services

# Rows per claim and per deliver_batch task. Big enough that the fixed cost of a batch (a
# broker message, a handful of queries, one mail connection) vanishes per row; small
# enough that a dead worker leaves little to redo (see the README's delivery guarantee).
BATCH_SIZE: int = getattr(settings, "OUTBOX_BATCH_SIZE", 500)


@shared_task(acks_late=True, ignore_result=True)
def dispatch_outbox(max_batches: int = 50) -> int:
    """Fan every due row out to ``deliver_batch`` tasks, a chunk each. Safe to run concurrently.

    After ``max_batches`` full chunks the dispatcher queues itself again, behind the chunks
    it just handed out, so a large backlog is claimed while it is being worked off rather
    than all at once (claimed rows left waiting too long would be swept back as stuck).

    Returns the rows delivered by this call: those it delivered itself, plus the chunks'
    when tasks run in place (``CELERY_TASK_ALWAYS_EAGER``, as in the tests).
    """
    delivered = 0
    for index in range(max_batches):
        now = timezone.now()
        ids = services.claim_due(now, BATCH_SIZE)
        if not ids:
            return delivered
        if index == 0 and len(ids) < BATCH_SIZE:
            return services.deliver_claimed(ids, now)
        delivered += _count(deliver_batch.delay(ids, now.isoformat()))
        if len(ids) < BATCH_SIZE:
            return delivered
    return delivered + _count(dispatch_outbox.delay(max_batches))


def _count(result) -> int:
    return result.result if isinstance(result, EagerResult) else 0


@shared_task(acks_late=True, ignore_result=True)
def deliver_batch(ids: list[int], claimed_at: str) -> int:
    """Deliver one chunk claimed by ``dispatch_outbox`` at ``claimed_at`` (ISO 8601).

    The claim time is the chunk's token: a copy of this task delivered again later (the
    broker redelivers unacknowledged tasks) finds its rows no longer ``sending`` under that
    claim and does nothing.
    """
    return services.deliver_claimed(
        ids, timezone.now(), claimed_at=datetime.fromisoformat(claimed_at)
    )


@shared_task(acks_late=True, ignore_result=True)
def requeue_stuck_outbox() -> int:
    return services.requeue_stuck(timezone.now())


@shared_task(ignore_result=True)
def send_digests() -> int:
    """Hourly: every person whose local morning it is and who chose a digest."""
    return digest.send_digests(timezone.now())
