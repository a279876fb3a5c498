"""Continuous feedback: given freely (``giving``), asked for (``requests``), gathered in
structured cycles (``cycles``), and coaching check-ins (``checkins``).

One module per sub-domain; every model and choice is re-exported here, so
``from feedback.models import FeedbackCycle`` works and Django finds every model.
"""

from feedback.models.checkins import (
    ActionItem,
    AgendaItem,
    Cadence,
    CheckinSeries,
    CheckinSettings,
    CoachingPrompt,
    Meeting,
    MeetingStatus,
    PrivateNote,
    PromptTheme,
    SeriesStatus,
    WeeklyUpdate,
)
from feedback.models.cycles import (
    AssignmentStatus,
    CycleAnswer,
    CycleParticipant,
    CycleQuestion,
    CycleResponse,
    CycleStatus,
    FeedbackCycle,
    QuestionKind,
    Relation,
    ReviewerAssignment,
    SealedResponse,
)
from feedback.models.giving import (
    Feedback,
    FeedbackKind,
    Visibility,
)
from feedback.models.requests import (
    FeedbackRequest,
    RequestReviewer,
    RequestStatus,
)

__all__ = [
    "ActionItem",
    "AgendaItem",
    "AssignmentStatus",
    "Cadence",
    "CheckinSeries",
    "CheckinSettings",
    "CoachingPrompt",
    "CycleAnswer",
    "CycleParticipant",
    "CycleQuestion",
    "CycleResponse",
    "CycleStatus",
    "Feedback",
    "FeedbackCycle",
    "FeedbackKind",
    "FeedbackRequest",
    "Meeting",
    "MeetingStatus",
    "PrivateNote",
    "PromptTheme",
    "QuestionKind",
    "Relation",
    "RequestReviewer",
    "RequestStatus",
    "ReviewerAssignment",
    "SealedResponse",
    "SeriesStatus",
    "Visibility",
    "WeeklyUpdate",
]
