"""API tokens: creating, replacing and revoking the key an integration uses.

A token belongs to an account and opens the API of every organization where the account
is an active member, with that membership's permissions. So each change is written to the
audit log of every one of those organizations, naming the person and never the key: HR
of each organization sees who holds access to its API and since when. Finding those
memberships is a read across tenants, of the account's own memberships only.
"""

from django.db import transaction
from rest_framework.authtoken.models import Token

from perfapp.audit.models import AuditAction
from perfapp.audit.services import record
from perfapp.orgs.models import Membership
from perfapp.tenancy.scoping import organization_scope, scopes_disabled


def replace_token(*, user) -> Token:
    """A new token for ``user``, replacing the one they had (which stops working at once).
    The page that asked shows its key to its owner once."""
    with transaction.atomic():
        replaced, _ = Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
        _audit(user, AuditAction.API_TOKEN_REPLACED if replaced else AuditAction.API_TOKEN_CREATED)
    return token


def revoke_token(*, user) -> bool:
    """Delete ``user``'s token: integrations using it are refused from now on. Whether
    there was one; revoking nothing changes nothing and is not recorded."""
    with transaction.atomic():
        revoked, _ = Token.objects.filter(user=user).delete()
        if revoked:
            _audit(user, AuditAction.API_TOKEN_REVOKED)
    return bool(revoked)


def _audit(user, action: AuditAction) -> None:
    with scopes_disabled():  # the account's own memberships, in every organization
        memberships = list(
            Membership.objects.filter(user=user, is_active=True).select_related(
                "organization", "user"
            )
        )
    for membership in memberships:
        with organization_scope(membership.organization):
            record(
                organization=membership.organization,
                actor=membership,
                action=action,
                target=membership,
                target_label=membership.name,
            )
