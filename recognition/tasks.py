from celery import shared_task
from django.utils import timezone

from perfapp.tenancy.scoping import scopes_disabled


@shared_task(acks_late=True, ignore_result=True)
def nudge_quiet_reports() -> int:
    """Weekly: tell each manager which direct reports have not been recognized lately.
    Crosses tenants on purpose (one pass, bounded queries); every note it queues belongs
    to one manager of one organization, and names only their own reports."""
    from recognition.services.nudges import remind_quiet_reports

    with scopes_disabled():
        return remind_quiet_reports(timezone.now())
