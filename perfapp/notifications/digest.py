"""The digest: a person who chooses one gets, in their local morning (daily, or on
Monday mornings), one email gathering what their notifications said since the last
digest, instead of one email each. Each kind in it has a link that stops that kind's
emails, and one link turns the digest off; the links are signed and work without
signing in (GET shows what will change, POST changes it).

``send_digests`` runs hourly (Celery beat) across organizations. It reads the people
who chose a digest, their notifications and their email choices in a fixed number of
queries, whatever their number, and sends over one mail connection.
"""

from collections import defaultdict
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from perfapp.tenancy.scoping import scopes_disabled

from . import kinds
from .models import DigestFrequency, DigestPreference, Notification, NotificationPreference
from .quiet_hours import QUIET_UNTIL, _zone

MORNING_FROM = QUIET_UNTIL  # 08:00 local, when reminders may start too
MORNING_UNTIL = time(11, 0)  # a run that missed the morning waits for the next one
UNKNOWN_FREQUENCY = "Choose off, daily or weekly."
SALT = "perfapp.notifications.unsubscribe"
DIGEST = "digest"  # the token "kind" that turns the whole digest off
MAX_LINES = 50  # per digest: the rest is counted, and waits in the inbox


def frequency_of(membership) -> str:
    found = DigestPreference.objects.filter(membership=membership).first()
    return found.frequency if found else DigestFrequency.OFF


@transaction.atomic
def set_digest(membership, frequency: str) -> DigestPreference:
    """Choose a digest. An unknown value raises ValidationError and changes nothing."""
    if frequency not in DigestFrequency.values:
        raise ValidationError({"frequency": UNKNOWN_FREQUENCY})
    found, _ = DigestPreference.objects.update_or_create(
        organization_id=membership.organization_id,
        membership=membership,
        defaults={"frequency": frequency},
    )
    return found


# --- when -------------------------------------------------------------------------------


def last_morning(now: datetime, time_zone: str, frequency: str) -> datetime:
    """The latest local morning (08:00) a digest of this frequency belongs to."""
    zone = _zone(time_zone)
    local = now.astimezone(zone)
    day = local.date() if local.time() >= MORNING_FROM else local.date() - timedelta(days=1)
    if frequency == DigestFrequency.WEEKLY:
        day -= timedelta(days=day.weekday())
    return datetime.combine(day, MORNING_FROM, tzinfo=zone)


def is_due(preference: DigestPreference, now: datetime, time_zone: str) -> bool:
    """In the person's morning window, and not sent since this morning's moment."""
    morning = last_morning(now, time_zone, preference.frequency)
    window_end = datetime.combine(morning.date(), MORNING_UNTIL, tzinfo=morning.tzinfo)
    if not morning <= now < window_end:
        return False
    return preference.last_sent_at is None or preference.last_sent_at < morning


# --- sending ------------------------------------------------------------------------------


def unsubscribe_token(membership_id: int, kind: str) -> str:
    return signing.dumps({"m": membership_id, "k": kind}, salt=SALT, compress=True)


def read_token(token: str) -> tuple[int, str] | None:
    try:
        data = signing.loads(token, salt=SALT)
        return int(data["m"]), str(data["k"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def _link(membership_id: int, kind: str) -> str:
    token = unsubscribe_token(membership_id, kind)
    return settings.SITE_URL + reverse("notifications_unsubscribe", kwargs={"token": token})


def send_digests(now: datetime | None = None) -> int:
    """Send every digest due now; return how many emails left."""
    now = now or timezone.now()
    with scopes_disabled():
        preferences = [
            preference
            for preference in DigestPreference.objects.exclude(frequency=DigestFrequency.OFF)
            .filter(membership__is_active=True, membership__user__is_active=True)
            .select_related("membership__user", "membership__organization")
            if is_due(preference, now, preference.membership.effective_time_zone)
        ]
        if not preferences:
            return 0
        since = {
            p.membership_id: p.last_sent_at
            or now - timedelta(days=7 if p.frequency == DigestFrequency.WEEKLY else 1)
            for p in preferences
        }
        muted = _muted_kinds(list(since))
        found: dict[int, list[Notification]] = defaultdict(list)
        for item in Notification.objects.filter(
            recipient_id__in=list(since), created_at__gte=min(since.values()), created_at__lt=now
        ).order_by("created_at", "id"):
            if item.created_at >= since[item.recipient_id] and item.kind not in muted.get(
                item.recipient_id, set()
            ):
                found[item.recipient_id].append(item)
        messages = [
            _email(p, found[p.membership_id]) for p in preferences if found[p.membership_id]
        ]
        if messages:
            mail.mailers.default.send_messages(messages)
        DigestPreference.objects.filter(pk__in=[p.pk for p in preferences]).update(last_sent_at=now)
    return len(messages)


def _muted_kinds(member_ids: list[int]) -> dict[int, set[str]]:
    """Per person, the kinds they do not want by email (their choice, else the kind's
    default). One query."""
    stored = defaultdict(dict)
    for member_id, kind, email in NotificationPreference.objects.filter(
        membership_id__in=member_ids
    ).values_list("membership_id", "kind", "email"):
        stored[member_id][kind] = email
    muted = {}
    for member_id in member_ids:
        choices = stored.get(member_id, {})
        muted[member_id] = {
            kind.key
            for kind in kinds.KINDS.all()
            if not choices.get(kind.key, kind.email_by_default)
        }
    return muted


def kind_label(key: str) -> str:
    try:
        return kinds.KINDS.get(key).label
    except KeyError:
        return key


@transaction.atomic
def unsubscribe(membership, kind: str) -> None:
    """Stop one kind's emails (digest or not), or the digest itself."""
    if kind == DIGEST:
        set_digest(membership, DigestFrequency.OFF)
        return
    NotificationPreference.objects.update_or_create(
        organization_id=membership.organization_id,
        membership=membership,
        kind=kind,
        defaults={"email": False},
    )


def _email(preference: DigestPreference, items: list[Notification]) -> mail.EmailMessage:
    member = preference.membership
    organization = member.organization.name
    by_kind: dict[str, list[Notification]] = defaultdict(list)
    for item in items[:MAX_LINES]:
        by_kind[item.kind].append(item)
    parts = [f"Hello {member.name}, here is what happened in {organization} on perfapp."]
    for kind, rows in by_kind.items():
        lines = [f"{kind_label(kind)} ({len(rows)})"]
        for item in rows:
            link = f" {settings.SITE_URL}{item.url}" if item.url else ""
            lines.append(f"- {item.title}{link}")
            if item.body:
                lines.append(f"  {item.body}")
        lines.append(f"  Stop emails about “{kind_label(kind)}”: {_link(member.pk, kind)}")
        parts.append("\n".join(lines))
    if len(items) > MAX_LINES:
        parts.append(f"And {len(items) - MAX_LINES} more in your inbox.")
    parts.append(
        f"Open perfapp: {settings.SITE_URL}"
        + reverse("notifications:inbox", kwargs={"org_slug": member.organization.slug})
    )
    parts.append(f"Turn this digest off: {_link(member.pk, DIGEST)}")
    period = "weekly" if preference.frequency == DigestFrequency.WEEKLY else "daily"
    subject = " ".join(f"[{organization}] Your {period} perfapp digest".split())
    return mail.EmailMessage(subject=subject, body="\n\n".join(parts), to=[member.email])
