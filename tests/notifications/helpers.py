"""Reading outbox rows and inbox entries from tests (across the scope on purpose), and a
test mailer that can refuse chosen emails."""

from collections.abc import Callable

from django.core.mail import EmailMessage
from django.core.mail.backends import locmem

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


class ScriptedBackend(locmem.EmailBackend):
    """The test mailer (emails land in ``mail.outbox``) with a hook run before each email.

    ``before_send(email)`` may raise, as an SMTP server refusing that one email would; the
    ``mailer`` fixture installs it as the default mailer and sets the hook.
    """

    before_send: Callable[[EmailMessage], None] | None = None

    def send_messages(self, messages) -> int:
        sent = 0
        for message in messages:
            if ScriptedBackend.before_send is not None:
                ScriptedBackend.before_send(message)
            sent += super().send_messages([message])
        return sent
