"""Writes about organizations and people. Every sensitive change is audited."""

from types import EllipsisType
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from perfapp.accounts.models import User
from perfapp.audit.models import AuditAction
from perfapp.audit.services import record
from perfapp.notifications import services as notifications
from perfapp.tenancy.scoping import organization_scope, scopes_disabled
from perfapp.tenancy.tasks import enqueue

from .models import Invitation, Membership, Organization, OrganizationSettings, Team
from .roles import Permission, Role

MAX_REPORTING_DEPTH = 100


# --- organizations -------------------------------------------------------------------


def unique_slug(name: str) -> str:
    base = (slugify(name)[:44].strip("-") or "org").lower()
    if len(base) < 2:
        base = f"{base}-org"
    slug, counter = base, 2
    while Organization.objects.filter(slug=slug).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


@transaction.atomic
def create_organization(*, owner: User, name: str, time_zone: str = "UTC") -> Organization:
    """Self-serve sign-up: a new organization with ``owner`` as its first owner."""
    organization = Organization.objects.create(
        name=name.strip(), slug=unique_slug(name), time_zone=time_zone
    )
    with organization_scope(organization):
        membership = Membership.objects.create(
            organization=organization, user=owner, role=Role.OWNER
        )
        record(
            organization=organization,
            actor=membership,
            action=AuditAction.ORGANIZATION_CREATED,
            target=organization,
        )
    return organization


def update_organization(*, actor: Membership, organization: Organization, **fields) -> None:
    changes = {
        key: [getattr(organization, key), value]
        for key, value in fields.items()
        if getattr(organization, key) != value
    }
    if not changes:
        return
    for key, value in fields.items():
        setattr(organization, key, value)
    organization.full_clean()
    organization.save()
    record(
        organization=organization,
        actor=actor,
        action=AuditAction.ORGANIZATION_UPDATED,
        target=organization,
        changes=changes,
    )


# --- reporting lines ------------------------------------------------------------------


def validate_manager(membership: Membership | None, manager: Membership | None) -> None:
    """A manager is an active member of the same organization, not the person themself,
    and not anyone who (directly or through others) reports to them."""
    if manager is None:
        return
    if membership is not None and manager.organization_id != membership.organization_id:
        raise ValidationError({"manager": "The manager must belong to the same organization."})
    if not manager.is_active:
        raise ValidationError({"manager": f"{manager.name} is deactivated."})
    if membership is None or membership.pk is None:
        return
    if manager.pk == membership.pk:
        raise ValidationError({"manager": "A person cannot be their own manager."})
    # Walk up from the proposed manager; meeting the person means a cycle.
    current_id, steps = manager.manager_id, 0
    while current_id is not None and steps < MAX_REPORTING_DEPTH:
        if current_id == membership.pk:
            raise ValidationError(
                {
                    "manager": f"{manager.name} already reports to {membership.name}, "
                    "directly or through others, so this would make a loop."
                }
            )
        current_id = (
            Membership.objects.filter(pk=current_id).values_list("manager_id", flat=True).first()
        )
        steps += 1


def _check_owner_change(actor: Membership, membership: Membership, new_role: str) -> None:
    touches_owner = Role.OWNER in (membership.role, new_role) and membership.role != new_role
    if touches_owner and not actor.has_perm(Permission.GRANT_OWNER):
        raise ValidationError({"role": "Only an owner can make someone an owner or change one."})
    if membership.role == Role.OWNER and new_role != Role.OWNER:
        _ensure_another_owner(membership)


def _ensure_another_owner(membership: Membership) -> None:
    others = Membership.objects.filter(role=Role.OWNER, is_active=True).exclude(pk=membership.pk)
    if not others.exists():
        raise ValidationError(
            {
                "role": "An organization needs at least one active owner. Make someone else "
                "an owner first."
            }
        )


@transaction.atomic
def update_membership(
    *,
    actor: Membership,
    membership: Membership,
    role: str | None = None,
    manager: Membership | EllipsisType | None = ...,
    team: Team | EllipsisType | None = ...,
    job_title: str | None = None,
    time_zone: str | None = None,
) -> Membership:
    """HR changes a person's role, manager, team, title or time zone (each optional)."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    changes: dict[str, list] = {}
    if role is not None and role != membership.role:
        _check_owner_change(actor, membership, role)
        changes["role"] = [membership.role, role]
        membership.role = role
    if manager is not ... and manager != membership.manager:
        validate_manager(membership, manager)
        changes["manager"] = [_label(membership.manager), _label(manager)]
        membership.manager = manager
    if team is not ... and team != membership.team:
        changes["team"] = [_label(membership.team), _label(team)]
        membership.team = team
    if job_title is not None and job_title != membership.job_title:
        changes["job_title"] = [membership.job_title, job_title]
        membership.job_title = job_title
    if time_zone is not None and time_zone != membership.time_zone:
        changes["time_zone"] = [membership.time_zone, time_zone]
        membership.time_zone = time_zone
    if not changes:
        return membership
    membership.full_clean(exclude=["user", "organization"])
    membership.save()
    record(
        organization=membership.organization,
        actor=actor,
        action=AuditAction.MEMBER_UPDATED,
        target=membership,
        changes=changes,
    )
    _notify_about_changes(membership, changes)
    return membership


def _label(obj) -> str | None:
    return getattr(obj, "name", None) if obj is not None else None


def _notify_about_changes(membership: Membership, changes: dict) -> None:
    stamp = timezone.now().isoformat()
    people_url = reverse("web:home", kwargs={"org_slug": membership.organization.slug})
    if "role" in changes or "manager" in changes:
        parts = []
        if "role" in changes:
            parts.append(f"Your role is now {Role(membership.role).label}.")
        if "manager" in changes:
            parts.append(
                f"You now report to {membership.manager.name}."
                if membership.manager
                else "You no longer have a manager set."
            )
        notifications.queue(
            recipient=membership,
            kind="people.role_changed",
            occasion=f"membership:{membership.pk}:{stamp}",
            title="Your place in the organization changed",
            body=" ".join(parts),
            url=people_url,
        )
    if "manager" in changes and membership.manager is not None:
        notifications.queue(
            recipient=membership.manager,
            kind="people.new_report",
            occasion=f"report:{membership.pk}:{stamp}",
            title=f"{membership.name} now reports to you",
            body=f"{membership.name} ({membership.job_title or 'no title yet'}) is now one "
            "of your direct reports.",
            url=people_url,
        )


@transaction.atomic
def deactivate_membership(*, actor: Membership, membership: Membership) -> Membership:
    """End a person's access at once, keeping all their data.

    Their direct reports move up to the deactivated person's own manager, so nobody is
    left reporting to someone who is gone.
    """
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.pk == actor.pk:
        raise ValidationError("You cannot deactivate yourself. Ask another HR admin.")
    if not membership.is_active:
        raise ValidationError(f"{membership.name} is already deactivated.")
    if membership.role == Role.OWNER:
        if not actor.has_perm(Permission.GRANT_OWNER):
            raise ValidationError("Only an owner can deactivate another owner.")
        _ensure_another_owner(membership)
    reports = list(Membership.objects.filter(manager=membership).values_list("pk", flat=True))
    Membership.objects.filter(pk__in=reports).update(manager=membership.manager)
    membership.is_active = False
    membership.deactivated_at = timezone.now()
    membership.save(update_fields=["is_active", "deactivated_at"])
    record(
        organization=membership.organization,
        actor=actor,
        action=AuditAction.MEMBER_DEACTIVATED,
        target=membership,
        changes={"reports_moved_to": [None, _label(membership.manager)]} if reports else {},
    )
    return membership


@transaction.atomic
def reactivate_membership(*, actor: Membership, membership: Membership) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.is_active:
        raise ValidationError(f"{membership.name} is already active.")
    if membership.manager is not None and not membership.manager.is_active:
        membership.manager = None
    membership.is_active = True
    membership.deactivated_at = None
    membership.save(update_fields=["is_active", "deactivated_at", "manager"])
    record(
        organization=membership.organization,
        actor=actor,
        action=AuditAction.MEMBER_REACTIVATED,
        target=membership,
    )
    return membership


# --- teams ----------------------------------------------------------------------------


def create_team(*, actor: Membership, name: str, description: str = "") -> Team:
    team = Team(organization=actor.organization, name=name.strip(), description=description)
    _validate_team_name(team)
    team.save()
    record(
        organization=actor.organization, actor=actor, action=AuditAction.TEAM_CREATED, target=team
    )
    return team


def update_team(*, actor: Membership, team: Team, name: str, description: str = "") -> Team:
    old_name = team.name
    team.name, team.description = name.strip(), description
    _validate_team_name(team)
    team.save()
    if old_name != team.name:
        record(
            organization=actor.organization,
            actor=actor,
            action=AuditAction.TEAM_UPDATED,
            target=team,
            changes={"name": [old_name, team.name]},
        )
    return team


def delete_team(*, actor: Membership, team: Team) -> None:
    """Members keep everything else; they are simply left without a team."""
    record(
        organization=actor.organization,
        actor=actor,
        action=AuditAction.TEAM_DELETED,
        target=team,
        changes={"members": [team.members.count(), 0]},
    )
    team.delete()


def _validate_team_name(team: Team) -> None:
    if not team.name:
        raise ValidationError({"name": "Give the team a name."})
    clash = Team.objects.filter(name__iexact=team.name).exclude(pk=team.pk)
    if clash.exists():
        raise ValidationError({"name": f"There is already a team called “{team.name}”."})


# --- invitations ----------------------------------------------------------------------


def _validate_invitee(email: str) -> None:
    if Membership.objects.filter(user__email__iexact=email, is_active=True).exists():
        raise ValidationError({"email": f"{email} is already a member of this organization."})
    if Invitation.objects.filter(
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).exists():
        raise ValidationError(
            {"email": f"{email} already has an open invitation. Resend or revoke it instead."}
        )


@transaction.atomic
def invite(
    *,
    actor: Membership,
    email: str,
    name: str = "",
    role: str = Role.MEMBER,
    manager: Membership | None = None,
    team: Team | None = None,
    job_title: str = "",
) -> Invitation:
    email = email.strip().lower()
    _validate_invitee(email)
    if role == Role.OWNER and not actor.has_perm(Permission.GRANT_OWNER):
        raise ValidationError({"role": "Only an owner can invite another owner."})
    validate_manager(None, manager)
    invitation = Invitation.objects.create(
        organization=actor.organization,
        email=email,
        name=name.strip(),
        role=role,
        manager=manager,
        team=team,
        job_title=job_title.strip(),
        invited_by=actor,
    )
    record(
        organization=actor.organization,
        actor=actor,
        action=AuditAction.INVITATION_SENT,
        target=invitation,
        target_label=email,
        changes={"role": [None, role], "manager": [None, _label(manager)]},
    )
    _send_invitation(invitation)
    return invitation


def _send_invitation(invitation: Invitation) -> None:
    from .tasks import send_invitation_email

    enqueue(send_invitation_email, invitation.organization_id, invitation.pk)


@transaction.atomic
def resend_invitation(*, actor: Membership, invitation: Invitation) -> Invitation:
    if invitation.accepted_at or invitation.revoked_at:
        raise ValidationError("This invitation was already used or revoked.")
    if Membership.objects.filter(user__email__iexact=invitation.email, is_active=True).exists():
        raise ValidationError(f"{invitation.email} has joined meanwhile; revoke this invitation.")
    invitation.expires_at = Invitation._meta.get_field("expires_at").get_default()
    invitation.save(update_fields=["expires_at"])
    record(
        organization=actor.organization,
        actor=actor,
        action=AuditAction.INVITATION_RESENT,
        target=invitation,
        target_label=invitation.email,
    )
    _send_invitation(invitation)
    return invitation


@transaction.atomic
def revoke_invitation(*, actor: Membership, invitation: Invitation) -> Invitation:
    if invitation.accepted_at or invitation.revoked_at:
        raise ValidationError("This invitation was already used or revoked.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record(
        organization=actor.organization,
        actor=actor,
        action=AuditAction.INVITATION_REVOKED,
        target=invitation,
        target_label=invitation.email,
    )
    return invitation


def find_invitation(token: str) -> Invitation | None:
    """Invitation links carry no organization in the URL: the token is the key, and this
    is the one lookup that crosses tenants to find it."""
    with scopes_disabled():
        return (
            Invitation.objects.select_related("organization", "invited_by__user")
            .filter(token=token)
            .first()
        )


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user: User) -> Membership:
    """Use the invitation once: adds (or restores) the membership with its role, manager
    and team."""
    with organization_scope(invitation.organization):
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at:
            raise ValidationError("This invitation has already been used.")
        if invitation.revoked_at:
            raise ValidationError("This invitation was revoked. Ask your HR admin for a new one.")
        if invitation.is_expired:
            raise ValidationError(
                "This invitation has expired. Ask your HR admin to send a new one."
            )
        if user.email.lower() != invitation.email.lower():
            raise ValidationError(
                f"This invitation is for {invitation.email}, but you are signed in as {user.email}."
            )
        manager = (
            invitation.manager if invitation.manager and invitation.manager.is_active else None
        )
        membership, created = Membership.objects.select_for_update().get_or_create(
            organization=invitation.organization,
            user=user,
            defaults={
                "role": invitation.role,
                "manager": manager,
                "team": invitation.team,
                "job_title": invitation.job_title,
            },
        )
        joined = created or not membership.is_active
        if not created and not membership.is_active:
            # A former member comes back: the same row, placed as the invitation says.
            try:
                validate_manager(membership, manager)
            except ValidationError:
                manager = None
            membership.role, membership.manager = invitation.role, manager
            membership.team, membership.job_title = invitation.team, invitation.job_title
            membership.is_active, membership.deactivated_at = True, None
            membership.save()
        # Someone who joined by another route since keeps what HR has set for them
        # (an old link must not demote an owner or reset a manager): the invitation is
        # simply used up.
        if invitation.name and not user.name:
            user.name = invitation.name
            user.save(update_fields=["name"])
        invitation.accepted_at = timezone.now()
        invitation.accepted_membership = membership
        invitation.save(update_fields=["accepted_at", "accepted_membership"])
        if not joined:
            return membership
        record(
            organization=invitation.organization,
            actor=membership,
            action=AuditAction.MEMBER_JOINED,
            target=membership,
            changes={"role": [None, membership.role]},
        )
        if invitation.invited_by and invitation.invited_by.is_active:
            notifications.queue(
                recipient=invitation.invited_by,
                kind="people.member_joined",
                occasion=f"invitation:{invitation.pk}",
                title=f"{membership.name} joined {invitation.organization.name}",
                url=reverse("orgs:people", kwargs={"org_slug": invitation.organization.slug}),
            )
    return membership


@transaction.atomic
def create_account_and_accept(*, invitation: Invitation, name: str, password: str) -> Membership:
    """Accepting an invitation without an account: the emailed link proves the address."""
    user = User.objects.create_user(email=invitation.email, password=password, name=name.strip())
    _mark_email_verified(user)
    return accept_invitation(invitation=invitation, user=user)


def _mark_email_verified(user: User) -> None:
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


@transaction.atomic
def change_settings[S: OrganizationSettings](
    model: type[S], *, actor: Membership, action: str, values: dict[str, Any]
) -> S:
    """Change some of an organization's settings of one app: the app has validated
    ``values`` and checked ``actor`` may change them. The row is locked, only what differs
    is saved, and the change (old and new values, never private) goes to the audit log as
    ``action``; saving unchanged values records nothing."""
    unknown = set(values) - set(model.editable)
    if unknown:
        raise ValueError(
            f"Not one of the {model.audit_label.lower()}: {', '.join(sorted(unknown))}"
        )
    current = model.objects.select_for_update().get(pk=model.of(actor.organization).pk)
    changes = {
        name: [getattr(current, name), value]
        for name, value in values.items()
        if getattr(current, name) != value
    }
    if not changes:
        return current
    for name, (_old, new) in changes.items():
        setattr(current, name, new)
    current.save(update_fields=list(changes))
    record(
        organization=actor.organization,
        actor=actor,
        action=action,
        target=current,
        target_label=model.audit_label,
        changes=changes,
    )
    return current
