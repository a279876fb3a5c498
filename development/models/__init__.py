"""Growth: development plans made with people (not for them), their goals and learning,
mentorship, and stretch assignments.

One module per sub-domain (``plans``, ``mentoring``, ``stretch``); every model and choice
is re-exported here, so ``from development.models import Goal`` works and Django finds
every model.
"""

from development.models.mentoring import (
    MentorProfile,
    Mentorship,
    MentorshipCadence,
    MentorshipRequest,
    MentorshipRequestStatus,
    MentorshipSession,
    MentorshipStatus,
)
from development.models.plans import (
    DevelopmentPlan,
    DevelopmentSettings,
    Goal,
    GoalStatus,
    GoalVisibility,
    LearningItem,
    LearningKind,
    LearningStatus,
    Milestone,
    PlanComment,
    PlanEvent,
    PlanEventKind,
    PlanReview,
    PlanStatus,
    ProgressMode,
)
from development.models.stretch import (
    Audience,
    Commitment,
    InterestStatus,
    OpportunityStatus,
    StretchAssignment,
    StretchInterest,
)

__all__ = [
    "Audience",
    "Commitment",
    "DevelopmentPlan",
    "DevelopmentSettings",
    "Goal",
    "GoalStatus",
    "GoalVisibility",
    "InterestStatus",
    "LearningItem",
    "LearningKind",
    "LearningStatus",
    "MentorProfile",
    "Mentorship",
    "MentorshipCadence",
    "MentorshipRequest",
    "MentorshipRequestStatus",
    "MentorshipSession",
    "MentorshipStatus",
    "Milestone",
    "OpportunityStatus",
    "PlanComment",
    "PlanEvent",
    "PlanEventKind",
    "PlanReview",
    "PlanStatus",
    "ProgressMode",
    "StretchAssignment",
    "StretchInterest",
]
