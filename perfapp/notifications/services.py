"""Writes: queue a notification, deliver due ones, read and preference changes."""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core import mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from perfapp.tenancy.scoping import scopes_disabled

from . import kinds
from .models import Notification, NotificationPreference, OutboxMessage, OutboxStatus
from .quiet_hours import is_quiet, next_waking_moment

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
STUCK_AFTER = timedelta(minutes=10)


def queue(
    *,
    recipient,
    kind: str,
    occasion: str,
    title: str,
    body: str = "",
    url: str = "",
    due_at: datetime | None = None,
) -> OutboxMessage:
    """Queue one notification for ``recipient`` (a Membership).

    Idempotent per (recipient, kind, occasion): queueing the same occasion again returns
    the row already there and sends nothing more.
    """
    kinds.get(kind)  # unknown kinds fail here, not in a worker
    fields = {
        "title": title[:200],
        "body": body,
        "url": url,
        "due_at": due_at or timezone.now(),
    }
    try:
        with transaction.atomic():
            message, _ = OutboxMessage.objects.get_or_create(
                organization_id=recipient.organization_id,
                recipient=recipient,
                kind=kind,
                occasion=occasion,
                defaults=fields,
            )
    except IntegrityError:  # a concurrent queue() of the same occasion won the race
        message = OutboxMessage.objects.get(recipient=recipient, kind=kind, occasion=occasion)
    if message.status == OutboxStatus.PENDING and message.due_at <= timezone.now():
        _dispatch_after_commit()
    return message


def _start_dispatch() -> None:
    from .tasks import dispatch_outbox

    dispatch_outbox.delay()


def _dispatch_after_commit() -> None:
    """Ask for one dispatch when the transaction commits, however many rows it queued.

    Robust: the rows are committed and the periodic dispatcher will find them, so a broker
    that is down must not turn the caller's successful request into an error.
    """
    connection = transaction.get_connection()
    already = any(entry[1] is _start_dispatch for entry in connection.run_on_commit)
    if not already:
        transaction.on_commit(_start_dispatch, robust=True)


def claim_due(now: datetime, batch_size: int) -> list[int]:
    """Mark up to ``batch_size`` due rows as sending and return their ids.

    ``skip_locked`` lets two dispatchers run at once without claiming the same row.
    """
    with scopes_disabled(), transaction.atomic():  # the queue is global on purpose
        ids = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(status=OutboxStatus.PENDING, due_at__lte=now)
            .order_by("due_at", "id")
            .values_list("id", flat=True)[:batch_size]
        )
        OutboxMessage.objects.filter(id__in=ids).update(
            status=OutboxStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    return ids


def _preferences_for(messages: Iterable[OutboxMessage]) -> dict[tuple[int, str], tuple]:
    pairs = {(m.recipient_id, m.kind) for m in messages}
    rows = NotificationPreference.objects.filter(
        membership_id__in={p[0] for p in pairs}, kind__in={p[1] for p in pairs}
    ).values_list("membership_id", "kind", "in_app", "email")
    return {(row[0], row[1]): (row[2], row[3]) for row in rows}


def deliver_claimed(ids: list[int], now: datetime) -> int:
    """Deliver claimed rows: the in-app entry, then email where the person wants it."""
    with scopes_disabled():
        messages = list(
            OutboxMessage.objects.filter(id__in=ids, status=OutboxStatus.SENDING).select_related(
                "recipient__user", "recipient__organization"
            )
        )
        preferences = _preferences_for(messages)
        delivered = 0
        for message in messages:
            try:
                delivered += _deliver_one(message, preferences, now)
            except Exception as error:  # any failure is retried later
                _release_for_retry(message, now, error)
    return delivered


def _deliver_one(message: OutboxMessage, preferences: dict, now: datetime) -> int:
    recipient = message.recipient
    kind = kinds.get(message.kind)
    time_zone = recipient.effective_time_zone
    if not recipient.is_active or not recipient.user.is_active:
        OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.CANCELLED)
        return 0
    if kind.is_reminder and is_quiet(now, time_zone):
        # Waiting for the morning is not a failed attempt: give back the one the claim took.
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=OutboxStatus.PENDING,
            due_at=next_waking_moment(now, time_zone),
            attempts=F("attempts") - 1,
        )
        return 0
    in_app, email = preferences.get((recipient.pk, message.kind), (True, kind.email_by_default))
    if in_app:
        Notification.objects.get_or_create(
            outbox_message=message,
            defaults={
                "organization_id": message.organization_id,
                "recipient": recipient,
                "kind": message.kind,
                "title": message.title,
                "body": message.body,
                "url": message.url,
                "created_at": now,
            },
        )
    if email and message.emailed_at is None:
        _send_email(message)
        OutboxMessage.objects.filter(pk=message.pk).update(emailed_at=timezone.now())
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.SENT, sent_at=now)
    return 1


def _send_email(message: OutboxMessage) -> None:
    organization = message.recipient.organization
    link = f"{settings.SITE_URL}{message.url}" if message.url else settings.SITE_URL
    text = "\n\n".join(
        part
        for part in (
            message.body,
            f"Open perfapp: {link}",
            f"You get this email from {organization.name} on perfapp. Choose which emails "
            f"you receive under Settings → Notifications.",
        )
        if part
    )
    # A title is built from names people typed; a line break in a header would make every
    # attempt fail (and must never let a name add headers), so the subject is one line.
    subject = " ".join(f"[{organization.name}] {message.title}".split())
    mail.send_mail(
        subject=subject,
        message=text,
        from_email=None,
        recipient_list=[message.recipient.user.email],
    )


def _release_for_retry(message: OutboxMessage, now: datetime, error: Exception) -> None:
    logger.warning("outbox delivery failed id=%s error=%r", message.pk, error)
    attempts = message.attempts
    if attempts >= MAX_ATTEMPTS:
        status, due_at = OutboxStatus.FAILED, message.due_at
    else:
        status, due_at = OutboxStatus.PENDING, now + timedelta(minutes=2**attempts)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=status, due_at=due_at, last_error=repr(error)[:500]
    )


def requeue_stuck(now: datetime) -> int:
    """Put rows whose worker died mid-delivery back in the queue.

    A row that has already used up its attempts (it may be what kills the worker) is
    marked failed instead, so retries stay bounded. Returns how many rows were requeued.
    """
    with scopes_disabled():
        stuck = OutboxMessage.objects.filter(
            status=OutboxStatus.SENDING, claimed_at__lt=now - STUCK_AFTER
        )
        stuck.filter(attempts__gte=MAX_ATTEMPTS).update(
            status=OutboxStatus.FAILED, last_error="Stuck in sending after the last attempt."
        )
        return stuck.filter(attempts__lt=MAX_ATTEMPTS).update(status=OutboxStatus.PENDING)


def mark_read(recipient, notification_id: int) -> Notification:
    notification = Notification.objects.get(pk=notification_id, recipient=recipient)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(recipient) -> int:
    return Notification.objects.filter(recipient=recipient, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def set_preferences(membership, choices: dict[str, tuple[bool, bool]]) -> None:
    """``choices`` maps a kind to (in_app, email)."""
    for kind_key, (in_app, email) in choices.items():
        kinds.get(kind_key)
        NotificationPreference.objects.update_or_create(
            organization_id=membership.organization_id,
            membership=membership,
            kind=kind_key,
            defaults={"in_app": in_app, "email": email},
        )
