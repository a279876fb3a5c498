"""Writing assessments: start one, save a side as a draft, submit it.

The two sides are independent: each author writes only their own response, and neither
reads the other's until both are submitted (``selectors.assessments``). An assessment
records the framework version it was written against; a form carries that version's
number, and a form written against another version is refused whole ("stale framework
version"), so nobody rates criteria that are no longer the ones on the page.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from advancement import snapshots
from advancement.audit import AssessmentAction
from advancement.models import Assessment, AssessmentAnswer, AssessmentResponse, Perspective, Rating
from advancement.selectors.assessments import perspective_of
from advancement.selectors.framework import current_version
from advancement.selectors.placements import placement_of
from perfapp.audit.services import record
from perfapp.notifications import services as notifications
from perfapp.orgs.models import Membership

COMMENT_MAX = 2000
RATING_NAMES = ", ".join(label.lower() for label in Rating.labels)


@dataclass(frozen=True)
class AnswerInput:
    criterion_id: int
    rating: str  # "" leaves the criterion unrated in a draft
    comment: str = ""


def assessment_url(assessment: Assessment) -> str:
    return reverse(
        "advancement:assessment",
        kwargs={"org_slug": assessment.organization.slug, "pk": assessment.pk},
    )


def criteria_of(assessment: Assessment) -> list[tuple[dict, dict]]:
    """(level, criterion) pairs the assessment asks about, as its version states them: the
    current level's criteria, then the next level's."""
    snapshot = assessment.version.snapshot
    pairs = []
    for level_id in (assessment.level_id, assessment.next_level_id):
        found = snapshots.find_level(snapshot, level_id) if level_id else None
        if found:
            pairs += [(found[1], criterion) for criterion in found[1]["criteria"]]
    return pairs


def _where(subject: Membership):
    """(version, track, level, next level) of the subject now, or a clear error."""
    version = current_version()
    if version is None:
        raise ValidationError("There is no published career framework to assess against yet.")
    placement = placement_of(subject)
    found = snapshots.find_level(version.snapshot, placement.level_id) if placement else None
    if not found:
        raise ValidationError(
            f"{subject.name} is not placed on a level of the published framework yet."
        )
    track, level = found
    return version, track, level, snapshots.next_level(track, level)


def _check_author(actor: Membership, subject: Membership) -> None:
    if actor.pk != subject.pk and subject.manager_id != actor.pk:
        raise PermissionDenied("Only the person and their manager write assessments.")


@transaction.atomic
def start_assessment(*, actor: Membership, subject: Membership) -> Assessment:
    """The subject's open assessment, started now if there is none.

    An open assessment written against an older version is moved to the current one when
    nobody has answered yet; once someone has, it is "stale" and must be finished on its
    own version or discarded first."""
    _check_author(actor, subject)
    version, track, level, upcoming = _where(subject)
    current = (
        Assessment.objects.select_for_update()
        .filter(subject=subject, completed_at__isnull=True)
        .select_related("version")
        .first()
    )
    if current is not None:
        if current.version_id == version.pk:
            return current
        if AssessmentAnswer.objects.filter(response__assessment=current).exists():
            raise ValidationError(
                f"Stale framework version: the open assessment uses version "
                f"{current.version.number}, but version {version.number} has been "
                "published since it was started. Finish it on its version, or discard it "
                "and start again."
            )
        current.version = version
        current.track_id, current.level_id = track["id"], level["id"]
        current.next_level_id = upcoming["id"] if upcoming else None
        current.save(update_fields=["version", "track_id", "level_id", "next_level_id"])
        return current
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                organization=subject.organization,
                subject=subject,
                version=version,
                track_id=track["id"],
                level_id=level["id"],
                next_level_id=upcoming["id"] if upcoming else None,
                started_by=actor,
            )
    except IntegrityError as error:  # started at the same moment by the other side
        raise ValidationError("An assessment was just started: reload the page.") from error
    for perspective, author in (
        (Perspective.SELF, subject),
        (Perspective.MANAGER, subject.manager),
    ):
        AssessmentResponse.objects.create(
            organization=subject.organization,
            assessment=assessment,
            perspective=perspective,
            author=author,
        )
    record(
        organization=actor.organization,
        actor=actor,
        action=AssessmentAction.STARTED,
        target=assessment,
        target_label=f"Assessment of {subject.name}",
        changes={"version": [None, version.number]},
    )
    other = subject.manager if actor.pk == subject.pk else subject
    if other is not None:
        notifications.queue(
            recipient=other,
            kind="career.assessment_started",
            occasion=f"assessment:{assessment.pk}:started",
            title=f"{actor.name} started an assessment"
            + ("" if other.pk == subject.pk else f" of {subject.name}"),
            body="Write your side: it stays private until both sides are submitted.",
            url=assessment_url(assessment),
        )
    return assessment


def _clean_answers(assessment: Assessment, answers: list[AnswerInput]) -> list[AnswerInput]:
    known = {criterion["id"] for _level, criterion in criteria_of(assessment)}
    number = assessment.version.number
    errors, cleaned, seen = [], [], set()
    for answer in answers:
        if answer.criterion_id not in known:
            errors.append(
                f"Criterion {answer.criterion_id} is not one of this assessment's criteria "
                f"in framework version {number}."
            )
            continue
        if answer.criterion_id in seen:
            errors.append(f"Criterion {answer.criterion_id} is answered twice.")
            continue
        seen.add(answer.criterion_id)
        if answer.rating and answer.rating not in Rating.values:
            errors.append(f"“{answer.rating}” is not a rating: choose one of {RATING_NAMES}.")
            continue
        if len(answer.comment) > COMMENT_MAX:
            errors.append(f"A comment is at most {COMMENT_MAX} characters.")
            continue
        cleaned.append(answer)
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def save_response(
    *,
    actor: Membership,
    assessment: Assessment,
    version_number: int,
    answers: list[AnswerInput],
    submit: bool = False,
) -> AssessmentResponse:
    """Save the actor's side (a draft), and submit it when ``submit``: a submitted side is
    locked. When both sides are in, the assessment is complete. All or nothing."""
    assessment = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("version", "subject__user", "subject__manager")
        .get(pk=assessment.pk)
    )
    perspective = perspective_of(actor, assessment)
    if perspective is None:
        raise PermissionDenied("Only the person and their manager write assessments.")
    if version_number != assessment.version.number:
        raise ValidationError(
            f"Stale framework version: this form was for version {version_number}, but the "
            f"assessment uses version {assessment.version.number}. Reload the page; nothing "
            "was saved."
        )
    if assessment.completed_at is not None:
        raise ValidationError("This assessment is complete: it can no longer change.")
    response, _ = AssessmentResponse.objects.select_for_update().get_or_create(
        assessment=assessment,
        perspective=perspective,
        defaults={"author": actor, "organization": assessment.organization},
    )
    if response.submitted_at is not None:
        raise ValidationError("You already submitted your side: it can no longer change.")
    cleaned = _clean_answers(assessment, answers)
    existing = {answer.criterion_id: answer for answer in response.answers.all()}
    for answer in cleaned:
        row = existing.get(answer.criterion_id)
        if not answer.rating:
            if row is not None:
                row.delete()
                del existing[answer.criterion_id]
            continue
        if row is None:
            existing[answer.criterion_id] = AssessmentAnswer.objects.create(
                organization=assessment.organization,
                response=response,
                criterion_id=answer.criterion_id,
                rating=answer.rating,
                comment=answer.comment.strip(),
            )
        elif (row.rating, row.comment) != (answer.rating, answer.comment.strip()):
            row.rating, row.comment = answer.rating, answer.comment.strip()
            row.save(update_fields=["rating", "comment"])
    response.author = actor
    response.lock_version += 1
    if submit:
        missing = len(criteria_of(assessment)) - len(existing)
        if missing:
            raise ValidationError(
                f"Rate every criterion before submitting: {missing} still without a rating."
            )
        response.submitted_at = timezone.now()
    response.save()
    if submit:
        _after_submit(actor, assessment, response)
    return response


def _after_submit(actor: Membership, assessment: Assessment, response: AssessmentResponse):
    record(
        organization=actor.organization,
        actor=actor,
        action=AssessmentAction.SUBMITTED,
        target=assessment,
        target_label=f"Assessment of {assessment.subject.name}",
        changes={"perspective": [None, response.perspective]},
    )
    pending = AssessmentResponse.objects.filter(
        assessment=assessment, submitted_at__isnull=True
    ).exists()
    if pending:
        return
    assessment.completed_at = timezone.now()
    assessment.save(update_fields=["completed_at"])
    record(
        organization=actor.organization,
        actor=actor,
        action=AssessmentAction.COMPLETED,
        target=assessment,
        target_label=f"Assessment of {assessment.subject.name}",
    )
    for person in (assessment.subject, assessment.subject.manager):
        if person is not None and person.pk != actor.pk:
            notifications.queue(
                recipient=person,
                kind="career.assessment_completed",
                occasion=f"assessment:{assessment.pk}:completed",
                title="Both sides of the assessment are in",
                body="Read them side by side, with the differences highlighted.",
                url=assessment_url(assessment),
            )


@transaction.atomic
def discard_assessment(*, actor: Membership, assessment: Assessment) -> None:
    """Drop an open assessment (e.g. one left on a stale framework version)."""
    assessment = Assessment.objects.select_related("subject").get(pk=assessment.pk)
    if perspective_of(actor, assessment) is None:
        raise PermissionDenied("Only the person and their manager write assessments.")
    if assessment.completed_at is not None:
        raise ValidationError("A completed assessment is part of the history: it stays.")
    record(
        organization=actor.organization,
        actor=actor,
        action=AssessmentAction.DISCARDED,
        target=assessment,
        target_label=f"Assessment of {assessment.subject.name}",
    )
    assessment.delete()
