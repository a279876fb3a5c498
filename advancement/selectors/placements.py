"""Reads of placements: where a person stands (callers check who may see it, with
``permissions.placements.can_see_placement``)."""

from advancement.models import Placement
from perfapp.compiled import CompiledQuery
from perfapp.orgs.models import Membership

# The career panel of every home page and the team dashboard read these for a handful of
# people: compiled once (perfapp/compiled.py), a statement per number of people.
_placements = CompiledQuery(
    lambda organization_id, member_ids: Placement.objects.filter(
        organization_id=organization_id, membership_id__in=member_ids
    ),
    params=("organization_id", "member_ids"),
)


def placement_of(membership: Membership) -> Placement | None:
    return Placement.objects.filter(membership=membership).first()


def placements_for(members: list[Membership]) -> dict[int, Placement]:
    """Each member's placement by membership id (the members of one organization)."""
    if not members:
        return {}
    rows = _placements(
        organization_id=members[0].organization_id, member_ids=[m.pk for m in members]
    )
    return {placement.membership_id: placement for placement in rows}
