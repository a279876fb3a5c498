from django.db.models import QuerySet

from .models import AuditEvent


def audit_events(*, action: str | None = None) -> QuerySet[AuditEvent]:
    """Audit events of the active organization, newest first."""
    events = AuditEvent.objects.select_related("actor__user").order_by("-created_at", "-id")
    if action:
        events = events.filter(action=action)
    return events
