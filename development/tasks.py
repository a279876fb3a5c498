"""Periodic work of development plans: reviews that fall due and goals past their target
date, every hour.

``plan_housekeeping`` (Celery beat) lists the organizations that have plans — ids only,
the one cross-tenant read — and runs ``remind_plans`` for each inside its own scope
(``TenantTask``). Each reminder is queued once per occasion through the outbox, so a
task that runs twice, or a worker that dies midway and is retried, sends nothing twice.
"""

from celery import shared_task
from django.utils import timezone

from perfapp.tenancy.scoping import scopes_disabled
from perfapp.tenancy.tasks import TenantTask


@shared_task(acks_late=True, ignore_result=True)
def plan_housekeeping() -> int:
    """Hourly: one ``remind_plans`` per organization that has development plans."""
    from development.models import DevelopmentPlan

    with scopes_disabled():  # organization ids only; each run re-enters its own scope
        organization_ids = list(
            DevelopmentPlan.objects.order_by("organization_id")
            .values_list("organization_id", flat=True)
            .distinct()
        )
    for organization_id in organization_ids:
        remind_plans.delay(organization_id)
    return len(organization_ids)


@shared_task(base=TenantTask, acks_late=True, ignore_result=True)
def remind_plans(organization_id: int) -> dict:
    """In one organization: remind both people of reviews due, flag overdue goals."""
    from development.services.plans import flag_overdue_goals, remind_reviews_due

    now = timezone.now()
    return {"reviews": remind_reviews_due(now), "overdue": flag_overdue_goals(now)}
