"""Who sees a person's readiness (and so their promotion cases), as a plain predicate."""

from advancement.models import Round
from advancement.permissions.placements import can_see_placement
from perfapp.orgs.models import Membership
from perfapp.orgs.roles import Permission


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
