"""Who may read what about a person, as plain predicates.

Email addresses follow the promise on the profile page, "Only you and HR see your email
address": the person themselves, and owners and HR admins (who invite, import and
correct people by their address). Not a colleague, not their manager, not a skip-level:
perfapp itself reaches people by email, so nobody needs the address to work with them.
Every page, API field, search and export that shows or matches someone's email asks here.
"""

from .models import Membership
from .roles import Permission


def sees_every_email(viewer: Membership) -> bool:
    """Owners and HR admins, for people in their organization."""
    return viewer.has_perm(Permission.VIEW_PEOPLE_ADMIN)


def can_see_email(viewer: Membership, person: Membership) -> bool:
    return can_see_email_of(viewer, person_id=person.pk, organization_id=person.organization_id)


def can_see_email_of(viewer: Membership, *, person_id: int, organization_id: int) -> bool:
    """``can_see_email`` for a person read as plain values (a list of hundreds)."""
    return viewer.organization_id == organization_id and (
        viewer.pk == person_id or sees_every_email(viewer)
    )
