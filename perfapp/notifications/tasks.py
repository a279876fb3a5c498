from celery import shared_task
from django.utils import timezone

from . import services

BATCH_SIZE = 200


@shared_task(acks_late=True, ignore_result=True)
def dispatch_outbox(max_batches: int = 50) -> int:
    """Deliver every due outbox row, a batch at a time. Safe to run concurrently."""
    delivered = 0
    for _ in range(max_batches):
        now = timezone.now()
        ids = services.claim_due(now, BATCH_SIZE)
        if not ids:
            break
        delivered += services.deliver_claimed(ids, now)
    return delivered


@shared_task(acks_late=True, ignore_result=True)
def requeue_stuck_outbox() -> int:
    return services.requeue_stuck(timezone.now())
