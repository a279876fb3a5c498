from celery import shared_task
from django.utils import timezone

from perfapp.tenancy.scoping import scopes_disabled


@shared_task(acks_late=True, ignore_result=True)
def expire_feedback_requests() -> int:
    """Daily: requests long past due stop waiting (every organization at once)."""
    from feedback.services.requests import expire_requests

    with scopes_disabled():  # one UPDATE across tenants; it touches no tenant's content
        return expire_requests(timezone.now().date())


@shared_task(acks_late=True, ignore_result=True)
def checkin_housekeeping() -> dict:
    """Hourly: keep meetings generated ahead, remind overdue action items (once a day
    each) and lapsed series. Crosses tenants on purpose; every message it queues belongs
    to one person of one organization."""
    from feedback.models import CheckinSeries, SeriesStatus
    from feedback.services.checkins import (
        generate_meetings,
        remind_lapsed_series,
        remind_overdue_actions,
    )

    now = timezone.now()
    with scopes_disabled():
        for series in CheckinSeries.objects.filter(status=SeriesStatus.ACTIVE).select_related(
            "organization", "manager__user", "report__user"
        ):
            generate_meetings(series)
        return {
            "overdue": remind_overdue_actions(now),
            "lapsed": remind_lapsed_series(now),
        }


@shared_task(acks_late=True, ignore_result=True)
def open_scheduled_cycles() -> int:
    """Hourly: open the feedback cycles HR scheduled, once their opening date has come in
    their organization's time zone (each opens inside its own organization's scope)."""
    from feedback.services.cycles import open_scheduled_cycles as open_due

    return open_due()
