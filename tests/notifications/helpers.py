"""Reading outbox rows and inbox entries from tests (across the scope on purpose)."""

from perfapp.notifications.models import Notification, OutboxMessage
from perfapp.tenancy.scoping import organization_scope, scopes_disabled

REMINDER = "test.check_in_due"
NEWS = "people.role_changed"  # a core kind: not a reminder, email on by default


def outbox_row(message: OutboxMessage) -> OutboxMessage:
    with scopes_disabled():
        return OutboxMessage.objects.get(pk=message.pk)


def notifications_of(recipient) -> list[Notification]:
    with organization_scope(recipient.organization):
        return list(Notification.objects.filter(recipient=recipient).order_by("id"))


def delivered_for(message: OutboxMessage) -> list[Notification]:
    with scopes_disabled():
        return list(Notification.objects.filter(outbox_message_id=message.pk))
