"""Reads of assessments. Each side of an open assessment is private to its author until
both are submitted; these selectors are where that rule lives."""

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from advancement.models import Assessment, AssessmentAnswer, AssessmentResponse, Perspective
from advancement.permissions.placements import can_see_placement
from perfapp.orgs.models import Membership
from perfapp.orgs.roles import Permission


def perspective_of(viewer: Membership, assessment: Assessment) -> str | None:
    """The side ``viewer`` writes on this assessment: the subject writes the self side, the
    subject's direct manager the manager side; nobody else writes."""
    if viewer.pk == assessment.subject_id:
        return Perspective.SELF
    if assessment.subject.manager_id == viewer.pk:
        return Perspective.MANAGER
    return None


def can_read_assessments_of(viewer: Membership, subject: Membership) -> bool:
    """Whose assessment history a viewer may open: their own, their reports' down the
    chain, and anyone's for HR (completed ones only, unless they write on it)."""
    return viewer.has_perm(Permission.MANAGE_PROMOTIONS) or can_see_placement(viewer, subject)


def can_read_assessment(viewer: Membership, assessment: Assessment) -> bool:
    """The two authors read it (each their own side until it is complete); the manager
    chain above and HR read completed ones."""
    if perspective_of(viewer, assessment) is not None:
        return True
    if assessment.completed_at is None:
        return False
    return can_read_assessments_of(viewer, assessment.subject)


def visible_perspectives(viewer: Membership, assessment: Assessment) -> set[str]:
    """Which sides ``viewer`` may read: both once complete, else only their own."""
    if assessment.completed_at is not None:
        return (
            {Perspective.SELF, Perspective.MANAGER}
            if can_read_assessment(viewer, assessment)
            else set()
        )
    own = perspective_of(viewer, assessment)
    return {own} if own else set()


def assessments_of(subject: Membership) -> QuerySet[Assessment]:
    """The subject's assessments, newest first, with both responses (two queries)."""
    responses = AssessmentResponse.objects.select_related("author__user")
    return (
        Assessment.objects.filter(subject=subject)
        .select_related("subject__user", "version", "started_by__user")
        .defer("version__snapshot", "version__changes")
        .prefetch_related(Prefetch("responses", queryset=responses))
    )


def get_assessment(pk: int) -> Assessment | None:
    return (
        Assessment.objects.select_related("subject__user", "subject__manager", "version")
        .prefetch_related(
            Prefetch("responses", queryset=AssessmentResponse.objects.select_related("author"))
        )
        .filter(pk=pk)
        .first()
    )


def open_assessment(subject: Membership) -> Assessment | None:
    return Assessment.objects.filter(subject=subject, completed_at__isnull=True).first()


def latest_completed(subject: Membership) -> Assessment | None:
    return (
        Assessment.objects.filter(subject=subject, completed_at__isnull=False)
        .order_by("-completed_at", "-id")
        .first()
    )


@dataclass
class Sides:
    """The answers of the sides a viewer may read, by perspective then criterion id."""

    answers: dict[str, dict[int, AssessmentAnswer]] = field(default_factory=dict)
    submitted: dict[str, bool] = field(default_factory=dict)

    def rating(self, perspective: str, criterion_id: int) -> str:
        answer = self.answers.get(perspective, {}).get(criterion_id)
        return answer.rating if answer else ""

    def comment(self, perspective: str, criterion_id: int) -> str:
        answer = self.answers.get(perspective, {}).get(criterion_id)
        return answer.comment if answer else ""


def sides_for(assessment: Assessment | None, *, viewer: Membership) -> Sides:
    """The readable sides' answers in one query (none if nothing is readable)."""
    sides = Sides()
    if assessment is None:
        return sides
    readable = visible_perspectives(viewer, assessment)
    if not readable:
        return sides
    rows = AssessmentAnswer.objects.filter(
        response__assessment=assessment, response__perspective__in=readable
    ).select_related("response")
    for perspective in readable:
        sides.answers[perspective] = {}
    for answer in rows:
        perspective = answer.response.perspective
        sides.answers[perspective][answer.criterion_id] = answer
        sides.submitted[perspective] = answer.response.submitted_at is not None
    return sides
