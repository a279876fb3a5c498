"""Who may see and act on promotion rounds, cases and endorsements, as plain predicates.

A case is read by its subject, their manager chain, HR (``MANAGE_PROMOTIONS``) and, while
its round is open, the round's calibration group. An endorser reads only their own
endorsement. Everyone else gets a 404, like anything missing.
"""

from perfapp.orgs.models import Membership
from perfapp.orgs.roles import Permission

from .promotion_models import Case, CaseState, Endorsement, Round


def manages_promotions(viewer: Membership) -> bool:
    return viewer.has_perm(Permission.MANAGE_PROMOTIONS)


def in_calibration_group(viewer: Membership, round_: Round) -> bool:
    """Named in the round's calibration group, while the round is open."""
    if round_.closed_at is not None:
        return False
    return round_.calibration_group.filter(pk=viewer.pk).exists()


def can_calibrate(viewer: Membership, round_: Round) -> bool:
    return manages_promotions(viewer) or in_calibration_group(viewer, round_)


def in_manager_chain(viewer: Membership, subject: Membership) -> bool:
    """Above ``subject`` in the reporting line (not the subject themselves)."""
    current, steps = subject, 0
    while current.manager_id is not None and steps < 50:
        if current.manager_id == viewer.pk:
            return True
        current = current.manager
        steps += 1
    return False


def can_read_case(viewer: Membership, case: Case) -> bool:
    if viewer.pk == case.subject_id or manages_promotions(viewer):
        return True
    if in_manager_chain(viewer, case.subject):
        return True
    return case.state != CaseState.DRAFT and in_calibration_group(viewer, case.round)


def can_edit_case(viewer: Membership, case: Case) -> bool:
    """The nominator (or the subject's manager) shapes a draft: summary, endorsements,
    submitting."""
    if case.state != CaseState.DRAFT:
        return False
    return viewer.pk == case.nominator_id or viewer.pk == case.subject.manager_id


def can_read_endorsement(viewer: Membership, endorsement: Endorsement) -> bool:
    """The endorser, and those who read the case other than its subject (endorsements are
    written for the nominator and the calibration group)."""
    if viewer.pk == endorsement.endorser_id:
        return True
    case = endorsement.case
    return viewer.pk != case.subject_id and can_read_case(viewer, case)
