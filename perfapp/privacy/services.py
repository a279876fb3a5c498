"""Downloading your own data, and erasing a departed person's. Both are audited."""

import re
import secrets

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, JSONField, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from rest_framework.authtoken.models import Token

from perfapp.audit.services import record
from perfapp.notifications.models import (
    DigestPreference,
    Notification,
    NotificationPreference,
    OutboxMessage,
)
from perfapp.orgs.models import Invitation, Membership
from perfapp.orgs.roles import Permission, Role
from perfapp.tenancy.models import TenantModel
from perfapp.tenancy.scoping import scopes_disabled

from . import registry
from .audit import PrivacyAction

ERASE_SELF = "You cannot erase your own data. Ask another HR admin."
ERASE_ACTIVE = "Only a departed person's data can be erased: deactivate {name} first."
ERASE_LAST_OWNER = "This is the organization's last owner: make someone else owner first."
ERASE_OWNER = "Only an owner can erase another owner's data."
ALREADY_ERASED = "This person's data was already erased."

FORMAT_VERSION = 1


def export_for(person: Membership) -> dict:
    """Everything perfapp holds by and about ``person`` in their organization that they
    may read, grouped by app. Recorded in the audit log."""
    user = person.user
    data = {
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now(),
        "organization": person.organization.name,
        "person": {
            "id": person.pk,
            "name": user.name,
            "email": user.email,
            "time_zone": user.time_zone,
            "role": person.role,
            "job_title": person.job_title,
            "team": person.team.name if person.team else None,
            "manager": person.manager.name if person.manager else None,
            "joined_at": person.joined_at,
        },
        "apps": {source.key: source.export(person) for source in registry.SOURCES.all()},
    }
    record(
        organization=person.organization,
        actor=person,
        action=PrivacyAction.EXPORTED,
        target=person,
        target_label="Their own data",
    )
    return data


def is_erased(person: Membership) -> bool:
    return person.user.email.endswith(".invalid") and person.user.name == (
        registry.FORMER_COLLEAGUE
    )


def _check_erasable(actor: Membership, person: Membership) -> None:
    if person.pk == actor.pk:
        raise ValidationError(ERASE_SELF)
    if is_erased(person):
        raise ValidationError(ALREADY_ERASED)
    if person.role == Role.OWNER:
        others = Membership.objects.filter(role=Role.OWNER, is_active=True).exclude(pk=person.pk)
        if not others.exists():
            raise ValidationError(ERASE_LAST_OWNER)
        if not actor.has_perm(Permission.GRANT_OWNER):
            raise ValidationError(ERASE_OWNER)
    if person.is_active:
        raise ValidationError(ERASE_ACTIVE.format(name=person.name))


@transaction.atomic
def erase(*, actor: Membership, person: Membership) -> Membership:
    """Remove or anonymize a departed person's personal data in this organization.

    Their private rows are deleted by each app; what they wrote in other people's
    records stays, attributed to "Former colleague". Their account is anonymized too when
    it belongs to no other organization (otherwise only this organization's data goes).
    Nothing changes when a check fails."""
    person = Membership.objects.select_for_update().select_related("user").get(pk=person.pk)
    _check_erasable(actor, person)
    user = person.user
    name, email = user.name, user.email
    for source in registry.SOURCES.all():
        source.erase(person)
    _erase_core(person, email)
    _scrub_everywhere(name, email)
    with scopes_disabled():
        elsewhere = user.memberships.exclude(pk=person.pk).exists()
    if not elsewhere:
        _anonymize_account(user)
    person.job_title = ""
    person.time_zone = ""
    person.save(update_fields=["job_title", "time_zone"])
    record(
        organization=person.organization,
        actor=actor,
        action=PrivacyAction.ERASED,
        target=person,
        target_label=f"{registry.FORMER_COLLEAGUE} #{person.pk}",
        changes={"account_anonymized": [False, not elsewhere]},
    )
    return person


def _erase_core(person: Membership, email: str) -> None:
    """The core's own rows: inbox, outbox, preferences and invitations to them."""
    Notification.objects.filter(recipient=person).delete()
    OutboxMessage.objects.filter(recipient=person).delete()
    NotificationPreference.objects.filter(membership=person).delete()
    DigestPreference.objects.filter(membership=person).delete()
    Invitation.objects.filter(Q(email__iexact=email) | Q(accepted_membership=person)).delete()


def _scrub_everywhere(name: str, email: str) -> None:
    """Replace the person's name and email wherever they still appear in the
    organization's text: audit labels, a colleague's talking point that names them, a
    promotion packet. One query per tenant model (and an update per row found); updates
    bypass ``save()`` so immutable records (a published framework) keep everything else.
    Names shorter than three characters are too likely to match other words."""
    needles = [needle for needle in (email, name) if len(needle) >= 3]
    if not needles:
        return
    for model in apps.get_models():
        if not issubclass(model, TenantModel) or model._meta.proxy:
            continue
        fields = model._meta.concrete_fields
        texts = [f.name for f in fields if isinstance(f, (CharField, TextField))]
        jsons = [f.name for f in fields if isinstance(f, JSONField)]
        query = Q()
        annotations = {f"_{field}_text": Cast(field, TextField()) for field in jsons}
        for needle in needles:
            for field in texts:
                query |= Q(**{f"{field}__icontains": needle})
            for alias in annotations:
                query |= Q(**{f"{alias}__icontains": needle})
        if not query:
            continue
        for obj in model.objects.annotate(**annotations).filter(query):
            changes = {}
            for field in texts:
                value = getattr(obj, field)
                if value and (scrubbed := _scrub(value, name, email)) != value:
                    changes[field] = scrubbed
            for field in jsons:
                value = getattr(obj, field)
                if (scrubbed := _scrub_json(value, name, email)) != value:
                    changes[field] = scrubbed
            if changes:
                model.objects.filter(pk=obj.pk).update(**changes)


def _scrub(text: str, name: str, email: str) -> str:
    for needle in filter(None, (email, name)):
        text = re.sub(re.escape(needle), registry.FORMER_COLLEAGUE, text, flags=re.IGNORECASE)
    return text


def _scrub_json(value, name: str, email: str):
    if isinstance(value, str):
        return _scrub(value, name, email)
    if isinstance(value, list):
        return [_scrub_json(item, name, email) for item in value]
    if isinstance(value, dict):
        return {key: _scrub_json(item, name, email) for key, item in value.items()}
    return value


def _anonymize_account(user) -> None:
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=user).delete()
    user.name = registry.FORMER_COLLEAGUE
    user.email = f"erased-{user.pk}-{secrets.token_hex(4)}@erased.invalid"
    user.time_zone = ""
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["name", "email", "time_zone", "is_active", "password"])
    Token.objects.filter(user=user).delete()
