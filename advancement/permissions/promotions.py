"""Who may see and act on promotion rounds, cases and endorsements, as plain predicates.

A case is read by its subject, their manager chain, HR (``MANAGE_PROMOTIONS``) and, while
its round is open, the round's calibration group. An endorser reads only their own
endorsement. Everyone else gets a 404, like anything missing.

Nobody acts on their own case: a round's candidates (people with a case in it) take no
part in calibrating that round, whatever their role. They do not move its cases to
calibration, write or read its calibration notes, decide, close or reopen it, and they
cannot be in its calibration group. The services enforce the same rules; these
predicates decide what a page offers and what a read returns.
"""

from advancement.models import Case, CaseState, Endorsement, Round
from perfapp.orgs.models import Membership
from perfapp.orgs.roles import Permission


def manages_promotions(viewer: Membership) -> bool:
    return viewer.has_perm(Permission.MANAGE_PROMOTIONS)


def is_candidate(person: Membership, round_: Round) -> bool:
    """``person`` has a case in ``round_``."""
    if round_.pk is None:
        return False
    return Case.objects.filter(round=round_, subject=person).exists()


def in_calibration_group(viewer: Membership, round_: Round) -> bool:
    """Named in the round's calibration group, while the round is open."""
    if round_.closed_at is not None:
        return False
    return round_.calibration_group.filter(pk=viewer.pk).exists()


def can_calibrate(viewer: Membership, round_: Round) -> bool:
    """HR, or the round's calibration group while it is open; never a candidate of the
    round."""
    if not (manages_promotions(viewer) or in_calibration_group(viewer, round_)):
        return False
    return not is_candidate(viewer, round_)


def can_run_round(viewer: Membership, round_: Round) -> bool:
    """HR changes, closes and reopens a round, unless they are one of its candidates."""
    return manages_promotions(viewer) and not is_candidate(viewer, round_)


def can_read_calibration_notes(viewer: Membership, case: Case) -> bool:
    """Notes are for those who calibrate the round; never for the case's subject."""
    if viewer.pk == case.subject_id or case.state == CaseState.DRAFT:
        return False
    return can_calibrate(viewer, case.round)


def can_apply_promotion(viewer: Membership, case: Case) -> bool:
    """HR applies or reverts a promotion's new level; nobody their own."""
    return viewer.pk != case.subject_id and manages_promotions(viewer)


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
    if case.state == CaseState.DRAFT or not in_calibration_group(viewer, case.round):
        return False
    return not is_candidate(viewer, case.round)


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
