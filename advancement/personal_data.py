"""Career framework rows in a person's data export, and what erasing a departed person
removes (``perfapp.privacy``): their placement, assessments, narratives, evidence marks
and promotion cases. What they wrote about others (assessment comments, endorsements,
calibration notes, proposals and comments on the framework) stays as a record with its
text replaced."""

from django.db.models import Q

from advancement.models import (
    Assessment,
    AssessmentAnswer,
    AssessmentResponse,
    CalibrationNote,
    Case,
    CriterionNarrative,
    Endorsement,
    EvidenceMark,
    Placement,
    Proposal,
    ProposalComment,
    ProposalVote,
)
from perfapp.privacy.registry import ERASED_TEXT, PersonalData, rows


def export(person) -> dict[str, list[dict]]:
    responses = AssessmentResponse.objects.filter(
        Q(author=person) | Q(assessment__subject=person, perspective="self")
    )
    return {
        "placement": rows(Placement.objects.filter(membership=person)),
        "assessments": rows(Assessment.objects.filter(subject=person)),
        "assessment_responses": rows(responses),
        "assessment_answers": rows(AssessmentAnswer.objects.filter(response__in=responses)),
        "narratives": rows(CriterionNarrative.objects.filter(subject=person)),
        "evidence_marks": rows(EvidenceMark.objects.filter(subject=person)),
        "framework_proposals": rows(Proposal.objects.filter(author=person)),
        "framework_comments": rows(ProposalComment.objects.filter(author=person)),
        "framework_votes": rows(ProposalVote.objects.filter(voter=person)),
        # The packet is frozen evidence that includes other people's words.
        "promotion_cases": rows(Case.objects.filter(subject=person), exclude=("packet",)),
        "endorsements_written": rows(Endorsement.objects.filter(endorser=person)),
    }


def erase(person) -> None:
    Placement.objects.filter(membership=person).delete()
    Case.objects.filter(subject=person).delete()
    Assessment.objects.filter(subject=person).delete()
    CriterionNarrative.objects.filter(subject=person).delete()
    EvidenceMark.objects.filter(subject=person).delete()
    AssessmentAnswer.objects.filter(response__author=person).exclude(comment="").update(
        comment=ERASED_TEXT
    )
    Proposal.objects.filter(author=person).update(rationale=ERASED_TEXT)
    ProposalComment.objects.filter(author=person).update(body=ERASED_TEXT)
    Endorsement.objects.filter(endorser=person).exclude(body="").update(body=ERASED_TEXT)
    CalibrationNote.objects.filter(author=person).update(body=ERASED_TEXT)


PERSONAL_DATA = PersonalData(
    key="career",
    label="Career framework, readiness and promotions",
    order=10,
    export=export,
    erase=erase,
    covers=(
        "advancement.Placement",
        "advancement.Assessment",
        "advancement.AssessmentResponse",
        "advancement.CriterionNarrative",
        "advancement.EvidenceMark",
        "advancement.Proposal",
        "advancement.ProposalComment",
        "advancement.ProposalVote",
        "advancement.Case",
        "advancement.Endorsement",
    ),
    withheld={
        "advancement.FrameworkVersion": "A published framework version belongs to the "
        "organization; who published it is not data about them.",
        "advancement.Round": "A promotion round and its calibration group are the "
        "organization's process, not data about a person.",
        "advancement.CaseEvent": "A case's internal history; the case and its decision "
        "are in the export.",
        "advancement.CalibrationNote": "Confidential notes of a calibration group about "
        "someone's case; erasure removes what the person wrote.",
    },
)
