"""Who may read a piece of feedback: plain predicates, tested by the permission matrix.

Author and recipient read it (except feedback written only for the manager who asked);
the recipient's manager reads what was shared with the manager; the manager who asked
about a report reads the answers. Nobody else does: not a skip-level manager, not a
peer, not HR (HR sees counts only).
"""

from feedback.models import Feedback, FeedbackRequest, Visibility
from perfapp.orgs.models import Membership
from perfapp.orgs.roles import Permission


def can_read_feedback(
    viewer: Membership, feedback: Feedback, requester_id: int | None = None
) -> bool:
    """``requester_id``: who asked, when the feedback answers a request (saves a query;
    looked up when not given)."""
    if viewer.organization_id != feedback.organization_id:
        return False
    if viewer.pk == feedback.author_id:
        return True
    if viewer.pk == feedback.recipient_id:
        return feedback.visibility != Visibility.MANAGER_ONLY
    if feedback.visibility == Visibility.WITH_MANAGER:
        return feedback.recipient.manager_id == viewer.pk
    if feedback.visibility == Visibility.MANAGER_ONLY:
        if requester_id is None and feedback.request_reviewer_id is not None:
            requester_id = feedback.request_reviewer.request.requester_id
        return requester_id is not None and requester_id == viewer.pk
    return False


def can_ask_about(requester: Membership, subject: Membership) -> bool:
    """You ask about yourself, or (as their manager) about a direct report."""
    return subject.pk == requester.pk or subject.manager_id == requester.pk


def can_see_request(viewer: Membership, request: FeedbackRequest, reviewer_ids: set[int]) -> bool:
    return viewer.pk in {request.requester_id, *reviewer_ids} or (
        viewer.pk == request.subject_id and not request.is_about_someone_else
    )


def can_manage_cycles(viewer: Membership) -> bool:
    return viewer.has_perm(Permission.MANAGE_CYCLES)
