from django.db.models import QuerySet

from . import kinds
from .models import Notification, NotificationPreference


def inbox(recipient) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=recipient).order_by("-created_at", "-id")


def unread_count(recipient) -> int:
    return Notification.objects.filter(recipient=recipient, read_at__isnull=True).count()


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
