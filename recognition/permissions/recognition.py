"""Who may do what with recognition: plain predicates, tested by the permission matrix.

Recognition is public inside the organization: every active member reads the wall, every
recognition, its reactions and comments, and anyone's recognition profile. Nobody outside
the organization sees any of it (the tenant scope answers 404 first). HR (owners and HR
admins) keeps the company values and the contribution kinds.
"""

from perfapp.orgs.models import Membership
from perfapp.orgs.roles import Permission
from recognition.models import Recognition

MANAGE = Permission.MANAGE_RECOGNITION


def can_see_recognition(viewer: Membership, recognition: Recognition) -> bool:
    return viewer.is_active and viewer.organization_id == recognition.organization_id


def can_take_part(viewer: Membership, recognition: Recognition) -> bool:
    """React and comment: any active member of the recognition's organization."""
    return can_see_recognition(viewer, recognition)


def can_see_profile(viewer: Membership, person: Membership) -> bool:
    """Recognition received and given is public inside the organization, also for people
    who have left (their history stays)."""
    return viewer.is_active and viewer.organization_id == person.organization_id
