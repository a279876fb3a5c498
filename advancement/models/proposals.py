"""Proposals: anyone's proposed wording for a criterion, a level or a competency, with the
organization's comments and +1s, answered by HR and folded into the next published version."""

from django.db import models

from advancement.models.framework import Competency, Criterion, FrameworkVersion, Level
from perfapp.tenancy.models import TenantModel


class ProposalTarget(models.TextChoices):
    CRITERION = "criterion", "A criterion"
    LEVEL = "level", "A level's summary"
    COMPETENCY = "competency", "A competency's description"


class ProposalStatus(models.TextChoices):
    OPEN = "open", "Waiting for HR"
    DISCUSSION = "discussion", "Needs discussion"
    ACCEPTED = "accepted", "Accepted into the draft"
    DECLINED = "declined", "Declined"


class Proposal(TenantModel):
    """An employee's proposed wording for a criterion, a level or a competency."""

    author = models.ForeignKey(
        "orgs.Membership", on_delete=models.CASCADE, related_name="framework_proposals"
    )
    target = models.CharField(max_length=12, choices=ProposalTarget.choices)
    criterion = models.ForeignKey(
        Criterion, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    level = models.ForeignKey(
        Level, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    competency = models.ForeignKey(
        Competency, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    target_label = models.CharField(max_length=240)
    current_text = models.TextField(blank=True, max_length=1000)  # the published wording
    proposed_text = models.TextField(max_length=1000)
    rationale = models.TextField(max_length=2000)
    status = models.CharField(
        max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.OPEN
    )
    answer = models.TextField(max_length=2000, blank=True)
    answered_by = models.ForeignKey(
        "orgs.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    included_in = models.ForeignKey(
        FrameworkVersion,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["organization", "status", "-created_at"], name="proposal_org_status"
            ),
        ]

    def __str__(self) -> str:
        return f"Proposal on {self.target_label}"


class ProposalComment(TenantModel):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey("orgs.Membership", on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["organization", "proposal", "created_at"], name="comment_org_proposal"
            ),
        ]

    def __str__(self) -> str:
        return self.body[:60]


class ProposalVote(TenantModel):
    """A colleague's +1."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey("orgs.Membership", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "proposal", "voter"], name="vote_one_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"+1 {self.proposal_id}"
