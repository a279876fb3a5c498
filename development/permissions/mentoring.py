"""Who may see and do what in mentoring: plain predicates, tested by the permission matrix.

A mentoring request is between its two people, the mentee who asked and the mentor who
was asked; a mentorship, its goals and its log of sessions, too. Nobody else reads them:
not either person's manager, not a skip-level manager, not HR. Offering to mentor is open
to every active member; HR sees who offers (the search is the same for everyone).
"""

from development.models import Mentorship, MentorshipRequest
from perfapp.orgs.models import Membership


def is_party_to_request(viewer: Membership, request: MentorshipRequest) -> bool:
    return viewer.organization_id == request.organization_id and viewer.pk in (
        request.mentee_id,
        request.mentor_id,
    )


def is_party_to_mentorship(viewer: Membership, mentorship: Mentorship) -> bool:
    return viewer.organization_id == mentorship.organization_id and viewer.pk in (
        mentorship.mentee_id,
        mentorship.mentor_id,
    )


def may_be_asked_by(mentee: Membership, mentor: Membership) -> bool:
    """Anyone active may be asked to mentor, except yourself and your own manager (who
    coaches you in your 1:1s already; a mentor is someone outside that relationship)."""
    return (
        mentor.is_active
        and mentor.organization_id == mentee.organization_id
        and mentor.pk != mentee.pk
        and mentor.pk != mentee.manager_id
    )
