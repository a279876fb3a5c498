"""Periodic work of the career framework: promotions take effect on their day.

``apply_due_promotions`` (Celery beat, hourly) lists the organizations with a promotion
decided but not in effect — ids only, the one cross-tenant read — and runs
``apply_promotions`` for each inside its own scope (``TenantTask``), which applies those
whose effective date has come on the organization's calendar. Applying is idempotent (an
applied promotion is never applied again) and HR's reminder about one that cannot take
effect is queued once per case, so a task that runs twice changes and sends nothing
twice.
"""

from celery import shared_task

from perfapp.tenancy.scoping import scopes_disabled
from perfapp.tenancy.tasks import TenantTask


@shared_task(acks_late=True, ignore_result=True)
def apply_due_promotions() -> int:
    """Hourly: one ``apply_promotions`` per organization with a promotion not in effect."""
    from advancement.models import Case, Decision

    with scopes_disabled():  # organization ids only; each run re-enters its own scope
        organization_ids = list(
            Case.objects.filter(
                decision=Decision.PROMOTED,
                applied_at__isnull=True,
                reverted_at__isnull=True,
                effective_on__isnull=False,
            )
            .order_by("organization_id")
            .values_list("organization_id", flat=True)
            .distinct()
        )
    for organization_id in organization_ids:
        apply_promotions.delay(organization_id)
    return len(organization_ids)


@shared_task(base=TenantTask, acks_late=True, ignore_result=True)
def apply_promotions(organization_id: int) -> dict:
    """In one organization: every promotion whose day has come takes effect."""
    from advancement.services.promotions import apply_due_promotions as apply_due
    from perfapp.orgs.models import Organization

    return apply_due(Organization.objects.get(pk=organization_id))
