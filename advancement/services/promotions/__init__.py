"""Writes for promotion rounds, cases, endorsements, calibration notes and decisions.

A case moves draft → submitted → in calibration → decided. Every transition writes a
``CaseEvent`` (the case's own history) and an audit event. Submitting freezes the readiness
view into ``Case.packet``; from then on calibration and the decision judge the packet, not
the live evidence. Forms carry the case's ``lock_version``: a write based on a case that
changed meanwhile is refused with nothing changed. Bad input raises ``ValidationError``
before anything is written.

The rules of fairness live here, so pages and the API follow them alike:

- Nobody acts on their own case. A round's candidates (people with a case in it) take no
  part in calibrating it: they are refused in its calibration group, and do not move its
  cases to calibration, write notes, decide, close or reopen it, whatever their role. A
  case for someone in the round's calibration group is refused. Nobody places themselves
  (``services.placements.place``), nor applies or reverts their own promotion.
- One open case per person and target level, across rounds (also a database constraint).
- "Promoted" takes effect: the placement moves to the target level on the decision's
  effective date (at once when that is today), through the audited placement service;
  HR can revert it with a reason. What cannot take effect by itself waits on HR's list.
- A round closes only once every case is decided (or HR resolves the remaining ones as
  "not yet" with a rationale); a closed round takes no decisions; HR reopens it with a
  reason.

Modules: ``common`` (shared helpers, audit actions, notification kinds), ``rounds``,
``cases`` (nominating, drafts, endorsements), ``calibration`` (calibration, notes,
decisions) and ``effects`` (a promotion taking effect, or being reverted).
"""

from advancement.audit import PromotionAction
from advancement.services.promotions.calibration import (
    add_note,
    decide,
    ensure_may_decide,
    move_round_to_calibration,
    move_to_calibration,
)
from advancement.services.promotions.cases import (
    open_case,
    refresh_version,
    request_endorsement,
    save_summary,
    stale_version,
    submit_case,
    write_endorsement,
)
from advancement.services.promotions.common import (
    MAX_ENDORSEMENT,
    MAX_NOTE,
    MAX_RATIONALE,
    MAX_REASON,
    MAX_SUMMARY,
    STALE,
    case_url,
    may_nominate,
    round_is_open,
)
from advancement.services.promotions.effects import (
    apply_due_promotions,
    apply_promotion,
    revert_promotion,
)
from advancement.services.promotions.rounds import (
    close_round,
    describe_undecided,
    reopen_round,
    save_round,
    undecided_cases,
)

__all__ = [
    "MAX_ENDORSEMENT",
    "MAX_NOTE",
    "MAX_RATIONALE",
    "MAX_REASON",
    "MAX_SUMMARY",
    "STALE",
    "PromotionAction",
    "add_note",
    "apply_due_promotions",
    "apply_promotion",
    "case_url",
    "close_round",
    "decide",
    "describe_undecided",
    "ensure_may_decide",
    "may_nominate",
    "move_round_to_calibration",
    "move_to_calibration",
    "open_case",
    "refresh_version",
    "reopen_round",
    "request_endorsement",
    "revert_promotion",
    "round_is_open",
    "save_round",
    "save_summary",
    "stale_version",
    "submit_case",
    "undecided_cases",
    "write_endorsement",
]
