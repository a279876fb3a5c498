"""API: the career framework of one organization.

HR (``Permission.MANAGE_FRAMEWORK``) reads and edits the draft and publishes versions.
Everyone else reads the current published version, rebuilt from its snapshot in the same
shapes, so work in progress never reaches them. Every write goes through
``advancement.services``; the base viewset owns the tenant scope and answers 404 to a
write by someone without the permission.
"""

from .framework import CompetencyViewSet, CriterionViewSet, LevelViewSet, TrackViewSet
from .placements import PlacementViewSet
from .proposals import ProposalViewSet
from .versions import VersionViewSet

__all__ = [
    "CompetencyViewSet",
    "CriterionViewSet",
    "LevelViewSet",
    "PlacementViewSet",
    "ProposalViewSet",
    "TrackViewSet",
    "VersionViewSet",
]
