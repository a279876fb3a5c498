"""Reads of placements: where a person stands (callers check who may see it, with
``permissions.placements.can_see_placement``)."""

from advancement.models import Placement
from perfapp.orgs.models import Membership


def placement_of(membership: Membership) -> Placement | None:
    return Placement.objects.filter(membership=membership).first()


def placements_for(members: list[Membership]) -> dict[int, Placement]:
    rows = Placement.objects.filter(membership__in=members)
    return {placement.membership_id: placement for placement in rows}
