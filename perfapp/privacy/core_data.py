"""The core's own rows in a person's export: their inbox, notification settings,
invitations they sent and what the audit log says they did."""

from django.db.models import Q

from perfapp.audit.models import AuditEvent
from perfapp.notifications.models import (
    DigestPreference,
    Notification,
    NotificationPreference,
    OutboxMessage,
)
from perfapp.orgs.models import Invitation

from .registry import PersonalData, rows


def export(person) -> dict[str, list[dict]]:
    return {
        "notifications": rows(Notification.objects.filter(recipient=person)),
        "notification_settings": rows(NotificationPreference.objects.filter(membership=person)),
        "digest": rows(DigestPreference.objects.filter(membership=person)),
        "emails_sent": rows(
            OutboxMessage.objects.filter(recipient=person),
            exclude=("attempts", "claimed_at", "last_error", "status"),
        ),
        "invitations_sent": rows(Invitation.objects.filter(invited_by=person), exclude=("token",)),
        "actions_in_the_audit_log": rows(
            AuditEvent.objects.filter(Q(actor=person)).order_by("-created_at")
        ),
    }


def erase(person) -> None:
    """The core's rows go in ``services._erase_core`` (they need the old email)."""


PERSONAL_DATA = PersonalData(
    key="account",
    label="Notifications, email settings, invitations you sent and your audit log entries",
    order=0,
    export=export,
    erase=erase,
    covers=(
        "orgs.Membership",
        "orgs.Invitation",
        "notifications.Notification",
        "notifications.NotificationPreference",
        "notifications.DigestPreference",
        "notifications.OutboxMessage",
        "audit.AuditEvent",
    ),
)
