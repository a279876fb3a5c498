"""Resolve the tenant from the URL slug and the signed-in user."""

from django.http import Http404

from perfapp.orgs.models import Membership, Organization
from perfapp.orgs.selectors import with_manager_flag

from .scoping import organization_scope


def active_membership_for(user, org_slug: str) -> Membership:
    """The user's active membership in the organization with this slug, or 404.

    Missing organization, no membership and deactivated membership all answer the same
    404, so a URL never tells a stranger that an organization exists.
    """
    if not getattr(user, "is_authenticated", False):
        raise Http404
    organization = Organization.objects.filter(slug=org_slug).first()
    if organization is None:
        raise Http404
    with organization_scope(organization):
        membership = (
            with_manager_flag(Membership.objects.select_related("user", "team"))
            .filter(user=user, is_active=True)
            .first()
        )
    if membership is None:
        raise Http404
    membership.organization = organization
    # Read with the membership, so the navigation's "My team" costs no query of its own.
    membership.__dict__["is_manager"] = membership.has_reports
    return membership
