"""Who sees a person's placement, as a plain predicate."""

from perfapp.orgs.models import Membership
from perfapp.orgs.roles import Permission


def can_see_placement(viewer: Membership, subject: Membership) -> bool:
    """A placement is seen by the person, their manager chain, and HR."""
    if viewer.pk == subject.pk or viewer.has_perm(Permission.MANAGE_FRAMEWORK):
        return True
    current, steps = subject, 0
    while current.manager_id is not None and steps < 50:
        if current.manager_id == viewer.pk:
            return True
        current = current.manager
        steps += 1
    return False
