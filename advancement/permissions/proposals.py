"""Who answers proposals, as a plain predicate (everyone in the organization reads,
comments on and +1s them)."""

from perfapp.orgs.models import Membership
from perfapp.orgs.roles import Permission


def can_answer_proposals(viewer: Membership) -> bool:
    return viewer.has_perm(Permission.MANAGE_FRAMEWORK)
