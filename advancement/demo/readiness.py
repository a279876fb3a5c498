"""Demo assessments and readiness: the first individual contributor of each demo
organization (tom@acme.example) and their manager have completed an assessment, with a
few honest disagreements, and the person wrote narratives for their next level."""

from django.core.exceptions import ValidationError

from advancement import snapshots
from advancement.models import Assessment
from advancement.selectors.framework import current_version
from advancement.services import assessments as assessment_services
from advancement.services import readiness as readiness_services
from advancement.services.assessments import AnswerInput, criteria_of
from perfapp.orgs.models import Membership, Organization

SELF = ["consistently", "partly", "consistently", "beyond", "partly", "consistently"]
MANAGER = ["consistently", "consistently", "partly", "consistently", "partly", "partly"]
SELF_NOTES = [
    "I do this every sprint; the billing work is the clearest example.",
    "Getting there: I still ask for a second opinion on larger designs.",
    "I lead our reviews now and the team asks me first.",
]
MANAGER_NOTES = [
    "Agreed, and others notice it too.",
    "Stronger than you think: the queue redesign was yours end to end.",
    "Good progress; let's find a bigger stage for it this half.",
]
# Each narrative belongs to the competency it speaks of (matched by the start of the
# competency's name), whatever order the next level lists its criteria in.
NARRATIVES = {
    "System design": "I designed and shipped the billing retry service: I wrote the design "
    "doc, ran the review with two teams and owned the rollout.",
    "Mentorship": "I mentor our two newest engineers weekly and paired with them on their "
    "first on-call shifts.",
}


def seed_readiness(organization: Organization, members: list[Membership]) -> None:
    if len(members) < 6:
        return
    person = members[5]
    manager = person.manager
    if manager is None or Assessment.objects.filter(subject=person).exists():
        return
    try:
        assessment = assessment_services.start_assessment(actor=manager, subject=person)
    except ValidationError:  # not placed, no framework: nothing to assess
        return
    pairs = criteria_of(assessment)
    for actor, ratings, notes in ((person, SELF, SELF_NOTES), (manager, MANAGER, MANAGER_NOTES)):
        answers = [
            AnswerInput(c["id"], ratings[i % len(ratings)], notes[i % len(notes)])
            for i, (_level, c) in enumerate(pairs)
        ]
        assessment_services.save_response(
            actor=actor,
            assessment=assessment,
            version_number=assessment.version.number,
            answers=answers,
            submit=True,
        )
    snapshot = current_version().snapshot
    for criterion in readiness_services.next_level_criteria(person):
        name = snapshots.competency_name(snapshot, criterion["competency_id"])
        body = next((text for start, text in NARRATIVES.items() if name.startswith(start)), "")
        if body:
            readiness_services.save_narrative(
                actor=person, subject=person, criterion_id=criterion["id"], body=body
            )
