"""Who may see and do what with stretch assignments: plain predicates, tested by the
permission matrix.

- Posting an opportunity: managers (anyone with direct reports) and HR admins.
- An opportunity is seen by its audience (everyone, or the people of its chosen teams),
  by its owner, by HR, and by anyone who expressed interest in it.
- Managing it (editing, choosing, recording the outcome, cancelling): its owner, and HR.
- Someone's interest (their note, whether they were chosen) is read by that person, the
  opportunity's owner and HR; nobody else learns who applied.
"""

from development.models import Audience, StretchAssignment, StretchInterest
from perfapp.orgs.models import Membership
from perfapp.orgs.roles import Permission


def is_stretch_admin(viewer: Membership) -> bool:
    """HR admins (and owners) run growth across the organization."""
    return viewer.has_perm(Permission.MANAGE_GROWTH)


def can_post_opportunities(viewer: Membership) -> bool:
    return viewer.is_active and (is_stretch_admin(viewer) or viewer.is_manager)


def is_in_audience(viewer: Membership, assignment: StretchAssignment, team_ids: set[int]) -> bool:
    """``team_ids``: the assignment's chosen teams (passed in to save a query per row)."""
    if assignment.audience == Audience.EVERYONE:
        return True
    return viewer.team_id is not None and viewer.team_id in team_ids


def can_see_opportunity(
    viewer: Membership,
    assignment: StretchAssignment,
    team_ids: set[int],
    has_interest: bool = False,
) -> bool:
    if viewer.organization_id != assignment.organization_id or not viewer.is_active:
        return False
    return (
        viewer.pk == assignment.owner_id
        or is_stretch_admin(viewer)
        or has_interest
        or is_in_audience(viewer, assignment, team_ids)
    )


def can_manage_opportunity(viewer: Membership, assignment: StretchAssignment) -> bool:
    return viewer.organization_id == assignment.organization_id and (
        (viewer.is_active and viewer.pk == assignment.owner_id) or is_stretch_admin(viewer)
    )


def can_see_interest(viewer: Membership, interest: StretchInterest) -> bool:
    return viewer.organization_id == interest.organization_id and (
        viewer.pk == interest.person_id or can_manage_opportunity(viewer, interest.assignment)
    )
