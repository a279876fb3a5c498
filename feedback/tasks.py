from celery import shared_task
from django.utils import timezone

from perfapp.tenancy.scoping import scopes_disabled


@shared_task(acks_late=True, ignore_result=True)
def expire_feedback_requests() -> int:
    """Daily: requests long past due stop waiting (every organization at once)."""
    from .services import expire_requests

    with scopes_disabled():  # one UPDATE across tenants; it touches no tenant's content
        return expire_requests(timezone.now().date())
