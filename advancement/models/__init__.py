"""The career framework (tracks, levels, criteria, competencies and published versions),
placements, proposals, promotions, assessments and readiness.

One module per sub-domain; every model and choice is re-exported here, so
``from advancement.models import Level`` works and Django finds every model.
"""

# In the order of the foreign keys (the framework first, then what points at it), which is
# also the order Django registers the models in, as when they were one module.
# isort: off
from advancement.models.framework import (
    Competency,
    CompetencyCategory,
    Criterion,
    FrameworkVersion,
    Level,
    Track,
)
from advancement.models.placements import Placement
from advancement.models.proposals import (
    Proposal,
    ProposalComment,
    ProposalStatus,
    ProposalTarget,
    ProposalVote,
)
from advancement.models.promotions import (
    CalibrationNote,
    Case,
    CaseEvent,
    CaseState,
    Decision,
    Endorsement,
    Round,
)
from advancement.models.assessments import (
    Assessment,
    AssessmentAnswer,
    AssessmentResponse,
    Perspective,
    Rating,
)
from advancement.models.readiness import CriterionNarrative, EvidenceMark, EvidenceMarkAction

# isort: on

__all__ = [
    "Assessment",
    "AssessmentAnswer",
    "AssessmentResponse",
    "CalibrationNote",
    "Case",
    "CaseEvent",
    "CaseState",
    "Competency",
    "CompetencyCategory",
    "Criterion",
    "CriterionNarrative",
    "Decision",
    "Endorsement",
    "EvidenceMark",
    "EvidenceMarkAction",
    "FrameworkVersion",
    "Level",
    "Perspective",
    "Placement",
    "Proposal",
    "ProposalComment",
    "ProposalStatus",
    "ProposalTarget",
    "ProposalVote",
    "Rating",
    "Round",
    "Track",
]
