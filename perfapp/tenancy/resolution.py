"""Resolve the tenant from the URL slug and the signed-in user."""

from django.http import Http404

from perfapp.orgs.models import Membership
from perfapp.orgs.selectors import with_manager_flag

from .scoping import scopes_disabled


def active_membership_for(user, org_slug: str) -> Membership:
    """The user's active membership in the organization with this slug, or 404.

    Missing organization, no membership and deactivated membership all answer the same
    404, so a URL never tells a stranger that an organization exists.
    """
    if not getattr(user, "is_authenticated", False):
        raise Http404
    # One query for the organization and the membership: the slug is the organization's
    # condition, so the tenant filter is in the statement itself.
    with scopes_disabled():
        membership = (
            with_manager_flag(Membership.objects.select_related("organization", "team"))
            .filter(organization__slug=org_slug, user=user, is_active=True)
            .first()
        )
    if membership is None:
        raise Http404
    membership.user = user  # the signed-in user, already read by the session
    # Read with the membership, so the navigation's "My team" costs no query of its own.
    membership.__dict__["is_manager"] = membership.has_reports
    return membership
