from django.db.models import QuerySet

from perfapp.compiled import CompiledCount

from . import kinds
from .models import Notification, NotificationPreference


def inbox(recipient) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=recipient).order_by("-created_at", "-id")


# The header's badge asks for this every minute from every open tab: compiled once.
_unread = CompiledCount(
    lambda organization_id, recipient_id: Notification.objects.filter(
        organization_id=organization_id, recipient_id=recipient_id, read_at__isnull=True
    ),
    params=("organization_id", "recipient_id"),
)


def unread_count(recipient) -> int:
    return _unread(organization_id=recipient.organization_id, recipient_id=recipient.pk)


def preferences(membership) -> list[dict]:
    """Every registered kind with this person's choice (or its default)."""
    stored = {p.kind: p for p in NotificationPreference.objects.filter(membership=membership)}
    rows = []
    for kind in kinds.KINDS.all():
        choice = stored.get(kind.key)
        rows.append(
            {
                "kind": kind,
                "in_app": choice.in_app if choice else True,
                "email": choice.email if choice else kind.email_by_default,
            }
        )
    return rows
