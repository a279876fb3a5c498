"""Reads of the career framework. Everyone reads published versions; only HR reads the draft."""

from django.db.models import Count, Exists, OuterRef, QuerySet

from perfapp.orgs.models import Membership

from .models import FrameworkVersion, Placement, Proposal, ProposalVote


def current_version() -> FrameworkVersion | None:
    return FrameworkVersion.objects.order_by("-number").first()


def version_numbered(number: int) -> FrameworkVersion | None:
    return FrameworkVersion.objects.filter(number=number).first()


def versions() -> QuerySet[FrameworkVersion]:
    """Versions without their (large) snapshots, newest first."""
    return (
        FrameworkVersion.objects.defer("snapshot")
        .select_related("published_by__user")
        .order_by("-number")
    )


def placement_of(membership: Membership) -> Placement | None:
    return Placement.objects.filter(membership=membership).first()


def placements_for(members: list[Membership]) -> dict[int, Placement]:
    rows = Placement.objects.filter(membership__in=members)
    return {placement.membership_id: placement for placement in rows}


def proposals(*, viewer: Membership, status: str = "") -> QuerySet[Proposal]:
    """Every proposal of the organization (they are public inside it), with counts."""
    mine = ProposalVote.objects.filter(proposal=OuterRef("pk"), voter=viewer)
    rows = (
        Proposal.objects.select_related("author__user", "answered_by__user", "included_in")
        .defer("included_in__snapshot")
        .annotate(
            vote_count=Count("votes", distinct=True),
            comment_count=Count("comments", distinct=True),
            voted=Exists(mine),
        )
        .order_by("-created_at", "-id")
    )
    if status:
        rows = rows.filter(status=status)
    return rows
