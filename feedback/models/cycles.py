"""Structured feedback cycles (360 rounds): questions, participants, who reviews whom, and
the answers.

Anonymous cycle answers are stored without any link to their author. While the cycle is
open they wait sealed (encrypted) in ``SealedResponse``; closing the cycle writes them all
at once, in random order, as ``CycleResponse`` and ``CycleAnswer`` rows under random UUID
keys and without a timestamp. The reviewer's assignment records only that it was
answered, in a transaction of its own (see ``feedback.services.cycles``).
"""

import uuid

from django.db import models
from django.db.models import Q

from perfapp.tenancy.models import TenantModel


class CycleStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class FeedbackCycle(TenantModel):
    name = models.CharField(max_length=120)
    description = models.TextField(max_length=2000, blank=True)
    status = models.CharField(max_length=8, choices=CycleStatus.choices, default=CycleStatus.DRAFT)
    opens_on = models.DateField()
    closes_on = models.DateField()
    anonymous = models.BooleanField(
        default=True, help_text="Answers from others never show who wrote them."
    )
    include_self = models.BooleanField(default=True)
    include_manager = models.BooleanField(default=True)
    include_peers = models.BooleanField(default=True)
    include_reports = models.BooleanField("include direct reports (upward)", default=False)
    max_peers = models.PositiveSmallIntegerField(default=3)
    # HR asked to open a draft before its opening date: the hourly beat task opens it on
    # ``opens_on`` (in the organization's time zone). Its setup is fixed meanwhile.
    scheduled = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        "orgs.Membership", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_on", "-id"]
        indexes = [models.Index(fields=["organization", "status"], name="cycle_org_status")]

    def __str__(self) -> str:
        return self.name


class QuestionKind(models.TextChoices):
    RATING = "rating", "Rating from 1 to 5"
    TEXT = "text", "Free text"
    COMPETENCY = "competency", "Rating of a competency"


class CycleQuestion(TenantModel):
    cycle = models.ForeignKey(FeedbackCycle, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=12, choices=QuestionKind.choices)
    prompt = models.CharField(max_length=300)
    competency = models.ForeignKey(
        "advancement.Competency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    required = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.prompt


class CycleParticipant(TenantModel):
    cycle = models.ForeignKey(FeedbackCycle, on_delete=models.CASCADE, related_name="participants")
    participant = models.ForeignKey(
        "orgs.Membership", on_delete=models.CASCADE, related_name="cycle_participations"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "cycle", "participant"], name="cycle_participant_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} in {self.cycle_id}"


class Relation(models.TextChoices):
    SELF = "self", "Self"
    MANAGER = "manager", "Manager"
    PEER = "peer", "Peer"
    REPORT = "report", "Direct report"


class AssignmentStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed, waiting for the manager"
    PENDING = "pending", "Waiting for an answer"
    ANSWERED = "answered", "Answered"


class ReviewerAssignment(TenantModel):
    """Who reviews whom in a cycle. For anonymous cycles this row is the only trace of a
    reviewer's participation: it says "answered", never which answer."""

    cycle = models.ForeignKey(FeedbackCycle, on_delete=models.CASCADE, related_name="assignments")
    participant = models.ForeignKey(
        CycleParticipant, on_delete=models.CASCADE, related_name="assignments"
    )
    reviewer = models.ForeignKey(
        "orgs.Membership", on_delete=models.CASCADE, related_name="cycle_reviews", db_index=False
    )
    relation = models.CharField(max_length=8, choices=Relation.choices)
    status = models.CharField(
        max_length=10, choices=AssignmentStatus.choices, default=AssignmentStatus.PENDING
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "participant", "reviewer"], name="assignment_once"
            )
        ]
        indexes = [
            models.Index(fields=["organization", "reviewer", "status"], name="assignment_inbox"),
            models.Index(fields=["organization", "cycle", "status"], name="assignment_progress"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer_id} reviews {self.participant_id}"


class CycleResponse(TenantModel):
    """One reviewer's answers about one participant.

    ``author`` and ``relation`` are empty for anonymous answers from others (``group``
    says only "self" or "others"). Those are written only when the cycle closes, all in
    one transaction and in random order, so neither their random keys, their place in
    the table nor their transaction says who wrote them or when.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cycle = models.ForeignKey(FeedbackCycle, on_delete=models.CASCADE, related_name="responses")
    participant = models.ForeignKey(
        CycleParticipant, on_delete=models.CASCADE, related_name="responses"
    )
    author = models.ForeignKey(
        "orgs.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    relation = models.CharField(max_length=8, choices=Relation.choices, blank=True)
    group = models.CharField(max_length=8)  # "self" or "others"

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(group__in=["self", "others"]), name="response_group_valid"
            )
        ]
        indexes = [
            models.Index(fields=["organization", "participant"], name="response_participant"),
        ]

    def __str__(self) -> str:
        return f"response {self.id}"


class CycleAnswer(TenantModel):
    """One answer to one question. The random key keeps the answers of one response from
    sitting next to each other, or in the order they were written, in any index."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(CycleResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(CycleQuestion, on_delete=models.CASCADE, related_name="answers")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(max_length=4000, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "response", "question"], name="answer_once"
            )
        ]

    def __str__(self) -> str:
        return f"answer to {self.question_id}"


class SealedResponse(TenantModel):
    """An anonymous response from someone other than the participant, waiting for its
    cycle to close. ``sealed`` holds the participant and the answers, encrypted with a key
    derived from the server's secret key (``feedback.rules.sealing``) and padded to a fixed size:
    someone holding a database dump sees neither whom it is about nor what it says, so the
    order in which these rows were written ties nothing to anyone. Closing the cycle
    turns them into ``CycleResponse`` rows in random order and deletes them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cycle = models.ForeignKey(
        FeedbackCycle, on_delete=models.CASCADE, related_name="sealed_responses"
    )
    sealed = models.BinaryField()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["organization", "cycle"], name="sealed_response_cycle")]

    def __str__(self) -> str:
        return f"sealed response {self.id}"
