"""Object-level rules of the career framework, as plain predicates."""

from perfapp.orgs.models import Membership
from perfapp.orgs.roles import Permission

from .promotion_models import Round


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


def can_answer_proposals(viewer: Membership) -> bool:
    return viewer.has_perm(Permission.MANAGE_FRAMEWORK)


def can_see_readiness(viewer: Membership, subject: Membership) -> bool:
    """Readiness (and promotion cases) are seen by the person, their manager chain, HR
    (promotions), and, while a round is open, its calibration group for the people with a
    case in that round (unless the reader has a case in it too)."""
    if viewer.organization_id != subject.organization_id:
        return False
    if viewer.has_perm(Permission.MANAGE_PROMOTIONS) or can_see_placement(viewer, subject):
        return True
    return (
        Round.objects.filter(
            closed_at__isnull=True, calibration_group=viewer, cases__subject=subject
        )
        .exclude(cases__subject=viewer)
        .exists()
    )
