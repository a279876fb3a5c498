"""Reads of proposals: public inside the organization, with their +1s and comments counted."""

from django.db.models import Count, Exists, OuterRef, QuerySet

from advancement.models import Proposal, ProposalVote
from perfapp.orgs.models import Membership


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
