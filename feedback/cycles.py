"""Structured feedback cycles: HR sets them up, reviewers answer, participants read results.

Anonymity is a storage decision, not a display one: an anonymous answer from someone
other than the participant is written without author or relation, its assignment only
flips to "answered", and nothing is sent to the participant when it arrives.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from perfapp.notifications import services as notifications
from perfapp.notifications.models import OutboxMessage, OutboxStatus
from perfapp.orgs.models import Membership

from . import reminders
from .models import (
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
)

MIN_ANONYMOUS_ANSWERS = 3
MAX_PEERS = 10
MAX_ANSWER_LENGTH = 4000


def _url(organization, name: str, **kwargs) -> str:
    return reverse(name, kwargs={"org_slug": organization.slug, **kwargs})


def _require_draft(cycle: FeedbackCycle) -> None:
    if cycle.status != CycleStatus.DRAFT:
        raise ValidationError("This cycle has started; its questions and participants are fixed.")


def save_cycle(*, actor: Membership, cycle: FeedbackCycle) -> FeedbackCycle:
    if cycle.pk is not None:
        _require_draft(FeedbackCycle.objects.get(pk=cycle.pk))
    cycle.organization = actor.organization
    cycle.created_by = cycle.created_by or actor
    if not cycle.name.strip():
        raise ValidationError({"name": "Give the cycle a name, like “Q3 360”."})
    if cycle.closes_on <= cycle.opens_on:
        raise ValidationError({"closes_on": "The cycle must close after it opens."})
    if not any(
        (cycle.include_self, cycle.include_manager, cycle.include_peers, cycle.include_reports)
    ):
        raise ValidationError("Choose at least one kind of reviewer.")
    if cycle.include_peers and not 1 <= cycle.max_peers <= MAX_PEERS:
        raise ValidationError(
            {"max_peers": f"Let each person choose between 1 and {MAX_PEERS} peers."}
        )
    cycle.save()
    return cycle


def add_question(
    *,
    actor: Membership,
    cycle: FeedbackCycle,
    kind: str,
    prompt: str,
    competency=None,
    required: bool = True,
) -> CycleQuestion:
    _require_draft(cycle)
    errors = {}
    if kind not in QuestionKind.values:
        errors["kind"] = "Choose a rating, free text or a competency question."
    if not prompt.strip():
        errors["prompt"] = "Write the question."
    if kind == QuestionKind.COMPETENCY and competency is None:
        errors["competency"] = "Choose the competency this question rates."
    if competency is not None and (
        competency.organization_id != actor.organization.pk or competency.is_archived
    ):
        errors["competency"] = "Choose an active competency of this organization."
    if errors:
        raise ValidationError(errors)
    position = (cycle.questions.aggregate(top=Max("position"))["top"] or 0) + 1
    return CycleQuestion.objects.create(
        organization=actor.organization,
        cycle=cycle,
        position=position,
        kind=kind,
        prompt=prompt.strip(),
        competency=competency if kind == QuestionKind.COMPETENCY else None,
        required=required,
    )


def remove_question(*, actor: Membership, question: CycleQuestion) -> None:
    _require_draft(question.cycle)
    question.delete()


@transaction.atomic
def set_participants(*, actor: Membership, cycle: FeedbackCycle, members: list[Membership]) -> int:
    _require_draft(cycle)
    if any(not m.is_active or m.organization_id != actor.organization.pk for m in members):
        raise ValidationError({"participants": "Choose active members of this organization."})
    wanted = {m.pk for m in members}
    CycleParticipant.objects.filter(cycle=cycle).exclude(participant_id__in=wanted).delete()
    existing = set(
        CycleParticipant.objects.filter(cycle=cycle).values_list("participant_id", flat=True)
    )
    CycleParticipant.objects.bulk_create(
        CycleParticipant(organization=actor.organization, cycle=cycle, participant_id=pk)
        for pk in wanted - existing
    )
    return len(wanted)


@transaction.atomic
def open_cycle(*, actor: Membership, cycle: FeedbackCycle) -> int:
    """Start the cycle: assign self, manager and upward reviewers, and tell everyone."""
    cycle = FeedbackCycle.objects.select_for_update().get(pk=cycle.pk)
    _require_draft(cycle)
    participants = list(
        CycleParticipant.objects.select_related("participant__manager").filter(cycle=cycle)
    )
    if not participants:
        raise ValidationError("Add participants before opening the cycle.")
    if not cycle.questions.exists():
        raise ValidationError("Add at least one question before opening the cycle.")
    reports_of: dict[int, list[int]] = defaultdict(list)
    if cycle.include_reports:
        for report_id, manager_id in Membership.objects.filter(
            manager_id__in=[p.participant_id for p in participants], is_active=True
        ).values_list("pk", "manager_id"):
            reports_of[manager_id].append(report_id)
    rows = []
    for entry in participants:
        person = entry.participant
        wanted = []
        if cycle.include_self:
            wanted.append((person.pk, Relation.SELF))
        if cycle.include_manager and person.manager_id and person.manager.is_active:
            wanted.append((person.manager_id, Relation.MANAGER))
        wanted += [(report_id, Relation.REPORT) for report_id in reports_of.get(person.pk, [])]
        seen = set()
        for reviewer_id, relation in wanted:  # one review per reviewer, even in odd org charts
            if reviewer_id not in seen:
                seen.add(reviewer_id)
                rows.append((entry, reviewer_id, relation))
    assignments = ReviewerAssignment.objects.bulk_create(
        ReviewerAssignment(
            organization=cycle.organization,
            cycle=cycle,
            participant=entry,
            reviewer_id=reviewer_id,
            relation=relation,
        )
        for entry, reviewer_id, relation in rows
    )
    cycle.status = CycleStatus.OPEN
    cycle.save(update_fields=["status"])
    for assignment in ReviewerAssignment.objects.filter(
        pk__in=[a.pk for a in assignments]
    ).select_related("reviewer__user", "reviewer__organization", "participant__participant__user"):
        _tell_reviewer(cycle, assignment)
    if cycle.include_peers:
        for entry in participants:
            notifications.queue(
                recipient=entry.participant,
                kind="feedback.cycle",
                occasion=f"cycle:{cycle.pk}:choose-peers",
                title=f"{cycle.name}: choose who should give you feedback",
                body=f"Pick up to {cycle.max_peers} colleagues; your manager approves them.",
                url=_url(cycle.organization, "feedback:cycle_peers", pk=cycle.pk),
            )
    return len(assignments)


def _tell_reviewer(cycle: FeedbackCycle, assignment: ReviewerAssignment) -> None:
    reviewer = assignment.reviewer
    about = (
        "yourself"
        if assignment.relation == Relation.SELF
        else assignment.participant.participant.name
    )
    url = _url(cycle.organization, "feedback:cycle_answer", pk=assignment.pk)
    notifications.queue(
        recipient=reviewer,
        kind="feedback.cycle",
        occasion=f"assignment:{assignment.pk}",
        title=f"{cycle.name}: your feedback about {about}",
        body=f"Open until {cycle.closes_on:%-d %B}."
        + (
            " Your answers are anonymous."
            if cycle.anonymous and assignment.relation != Relation.SELF
            else ""
        ),
        url=url,
    )
    from datetime import timedelta

    remind_on = reminders.morning_of(cycle.closes_on - timedelta(days=2), reviewer)
    if remind_on > timezone.now():
        notifications.queue(
            recipient=reviewer,
            kind="feedback.cycle_reminder",
            occasion=f"assignment:{assignment.pk}:closing",
            title=f"{cycle.name} closes in two days",
            body=f"Your feedback about {about} is still open.",
            url=url,
            due_at=remind_on,
        )


@transaction.atomic
def nominate_peers(
    *, participant: Membership, cycle: FeedbackCycle, peers: list[Membership]
) -> int:
    entry = CycleParticipant.objects.filter(cycle=cycle, participant=participant).first()
    if entry is None:
        raise ValidationError("You are not a participant of this cycle.")
    if cycle.status != CycleStatus.OPEN or not cycle.include_peers:
        raise ValidationError("This cycle does not take peer nominations now.")
    peers = list({p.pk: p for p in peers}.values())
    if any(
        p.pk == participant.pk or not p.is_active or p.organization_id != cycle.organization_id
        for p in peers
    ):
        raise ValidationError({"peers": "Choose active colleagues other than yourself."})
    taken = set(
        ReviewerAssignment.objects.filter(participant=entry).values_list("reviewer_id", flat=True)
    )
    fresh = [p for p in peers if p.pk not in taken]
    already = ReviewerAssignment.objects.filter(participant=entry, relation=Relation.PEER).count()
    if already + len(fresh) > cycle.max_peers:
        raise ValidationError({"peers": f"Choose at most {cycle.max_peers} peers in all."})
    manager = participant.manager if participant.manager and participant.manager.is_active else None
    status = AssignmentStatus.PROPOSED if manager else AssignmentStatus.PENDING
    created = ReviewerAssignment.objects.bulk_create(
        ReviewerAssignment(
            organization=cycle.organization,
            cycle=cycle,
            participant=entry,
            reviewer=peer,
            relation=Relation.PEER,
            status=status,
        )
        for peer in fresh
    )
    if manager and created:
        notifications.queue(
            recipient=manager,
            kind="feedback.cycle",
            occasion=f"cycle:{cycle.pk}:approve:{entry.pk}:{len(taken) + len(created)}",
            title=f"{cycle.name}: approve {participant.name}'s peer reviewers",
            url=_url(cycle.organization, "feedback:cycle_approvals", pk=cycle.pk),
        )
    elif created:
        for assignment in ReviewerAssignment.objects.filter(pk__in=[a.pk for a in created]):
            _tell_reviewer(cycle, assignment)
    return len(created)


@transaction.atomic
def approve_peers(
    *, manager: Membership, assignments: list[ReviewerAssignment], approve: bool
) -> int:
    done = 0
    for assignment in assignments:
        assignment = (
            ReviewerAssignment.objects.select_related(
                "participant__participant", "cycle", "reviewer"
            )
            .select_for_update(of=("self",))
            .get(pk=assignment.pk)
        )
        if assignment.participant.participant.manager_id != manager.pk:
            raise ValidationError("You can only approve peers for people who report to you.")
        if assignment.status != AssignmentStatus.PROPOSED:
            continue
        if assignment.cycle.status != CycleStatus.OPEN:
            raise ValidationError("This cycle is closed; its reviewers are fixed.")
        if approve:
            assignment.status = AssignmentStatus.PENDING
            assignment.save(update_fields=["status"])
            _tell_reviewer(assignment.cycle, assignment)
        else:
            assignment.delete()
        done += 1
    return done


def _clean_answers(questions: list[CycleQuestion], answers: dict) -> dict[int, tuple]:
    cleaned, errors = {}, {}
    for question in questions:
        rating, text = answers.get(question.pk, (None, ""))
        text = (text or "").strip()
        if len(text) > MAX_ANSWER_LENGTH:
            errors[f"q{question.pk}"] = f"Keep this answer under {MAX_ANSWER_LENGTH:,} characters."
            continue
        if question.kind in (QuestionKind.RATING, QuestionKind.COMPETENCY):
            if rating in (None, ""):
                if question.required:
                    errors[f"q{question.pk}"] = "Choose a rating from 1 to 5."
                continue
            try:
                rating = int(rating)
            except (TypeError, ValueError):
                rating = 0
            if not 1 <= rating <= 5:
                errors[f"q{question.pk}"] = "Choose a rating from 1 to 5."
                continue
            cleaned[question.pk] = (rating, text)
        else:
            if not text:
                if question.required:
                    errors[f"q{question.pk}"] = "This question needs an answer."
                continue
            cleaned[question.pk] = (None, text)
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def submit_answers(
    *, reviewer: Membership, assignment: ReviewerAssignment, answers: dict
) -> CycleResponse:
    """``answers`` maps a question id to (rating or None, text)."""
    assignment = (
        ReviewerAssignment.objects.select_for_update().select_related("cycle").get(pk=assignment.pk)
    )
    cycle = assignment.cycle
    if assignment.reviewer_id != reviewer.pk:
        raise ValidationError("This review was asked of someone else.")
    if cycle.status != CycleStatus.OPEN:
        raise ValidationError("This cycle is closed; answers can no longer be given.")
    if assignment.status == AssignmentStatus.ANSWERED:
        raise ValidationError("You have already answered; answers are final.")
    if assignment.status == AssignmentStatus.PROPOSED:
        raise ValidationError("Your review is waiting for the manager's approval.")
    questions = list(cycle.questions.all())
    cleaned = _clean_answers(questions, answers)
    is_self = assignment.relation == Relation.SELF
    hide_author = cycle.anonymous and not is_self
    response = CycleResponse.objects.create(
        organization=cycle.organization,
        cycle=cycle,
        participant_id=assignment.participant_id,
        author=None if hide_author else reviewer,
        relation="" if hide_author else assignment.relation,
        group="self" if is_self else "others",
    )
    CycleAnswer.objects.bulk_create(
        CycleAnswer(
            organization=cycle.organization,
            response=response,
            question_id=question_id,
            rating=rating,
            text=text,
        )
        for question_id, (rating, text) in cleaned.items()
    )
    assignment.status = AssignmentStatus.ANSWERED
    assignment.save(update_fields=["status"])
    OutboxMessage.objects.filter(
        recipient=reviewer,
        occasion__startswith=f"assignment:{assignment.pk}:",
        status=OutboxStatus.PENDING,
    ).update(status=OutboxStatus.CANCELLED)
    return response


@transaction.atomic
def close_cycle(*, actor: Membership, cycle: FeedbackCycle) -> None:
    cycle = FeedbackCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status != CycleStatus.OPEN:
        raise ValidationError("Only an open cycle can be closed.")
    cycle.status = CycleStatus.CLOSED
    cycle.save(update_fields=["status"])
    _cancel_reminders(cycle)
    for entry in CycleParticipant.objects.select_related("participant__user").filter(cycle=cycle):
        notifications.queue(
            recipient=entry.participant,
            kind="feedback.cycle",
            occasion=f"cycle:{cycle.pk}:results",
            title=f"{cycle.name}: your results are ready",
            url=_url(cycle.organization, "feedback:cycle_results", pk=entry.pk),
        )


def _cancel_reminders(cycle: FeedbackCycle) -> None:
    """Cancel the reminders still waiting for this cycle's reviewers (and only this cycle's:
    the same person may review in another cycle that is still open)."""
    assignment_ids = {
        str(pk)
        for pk in ReviewerAssignment.objects.filter(cycle=cycle).values_list("pk", flat=True)
    }
    waiting = OutboxMessage.objects.filter(
        kind="feedback.cycle_reminder",
        status=OutboxStatus.PENDING,
        recipient__cycle_reviews__cycle=cycle,
    ).values_list("pk", "occasion")
    ids = [
        pk
        for pk, occasion in waiting
        if occasion.startswith(f"cycle:{cycle.pk}:")
        or (occasion.startswith("assignment:") and occasion.split(":")[1] in assignment_ids)
    ]
    OutboxMessage.objects.filter(pk__in=ids).update(status=OutboxStatus.CANCELLED)


def remind_reviewers(*, actor: Membership, cycle: FeedbackCycle) -> int:
    """HR nudges everyone who has not answered yet: one reminder per reviewer per day,
    however many reviews they still owe. Returns how many people were reminded now."""
    if cycle.status != CycleStatus.OPEN:
        raise ValidationError("Only an open cycle has reviewers to remind.")
    today = timezone.now().astimezone(ZoneInfo(cycle.organization.time_zone)).date().isoformat()
    occasion = f"{reminder_prefix(cycle)}{today}"
    waiting: dict[int, list[ReviewerAssignment]] = defaultdict(list)
    for assignment in ReviewerAssignment.objects.select_related("reviewer").filter(
        cycle=cycle, status=AssignmentStatus.PENDING
    ):
        waiting[assignment.reviewer_id].append(assignment)
    done_today = set(
        OutboxMessage.objects.filter(
            kind="feedback.cycle_reminder", occasion=occasion, recipient_id__in=list(waiting)
        ).values_list("recipient_id", flat=True)
    )
    sent = 0
    for reviewer_id, assignments in waiting.items():
        if reviewer_id in done_today:
            continue
        count = len(assignments)
        url = (
            _url(cycle.organization, "feedback:cycle_answer", pk=assignments[0].pk)
            if count == 1
            else _url(cycle.organization, "feedback:cycles")
        )
        notifications.queue(
            recipient=assignments[0].reviewer,
            kind="feedback.cycle_reminder",
            occasion=occasion,
            title=f"{cycle.name}: your feedback is still open",
            body=(
                f"{count} review{'s' if count != 1 else ''} still to write. "
                f"The cycle closes on {cycle.closes_on:%-d %B}."
            ),
            url=url,
        )
        sent += 1
    return sent


def reminder_prefix(cycle: FeedbackCycle) -> str:
    """The occasion of HR's reminders for a cycle, before the day they were sent."""
    return f"cycle:{cycle.pk}:nudge:"


# --- results ------------------------------------------------------------------------------


@dataclass
class QuestionResult:
    question: CycleQuestion
    self_answer: CycleAnswer | None = None
    ratings: list[int] = field(default_factory=list)
    texts: list[tuple[str, str]] = field(default_factory=list)  # (who, text); who may be ""
    # In an anonymous cycle a question answered by fewer than three others keeps its
    # answers back, even when enough people answered the cycle as a whole: one comment on
    # an optional question would otherwise point at its author.
    withheld: bool = False

    @property
    def average(self) -> float | None:
        return round(sum(self.ratings) / len(self.ratings), 1) if self.ratings else None

    @property
    def distribution(self) -> list[int]:
        return [self.ratings.count(value) for value in range(1, 6)]


@dataclass
class Results:
    cycle: FeedbackCycle
    participant: CycleParticipant
    others_count: int
    hidden: bool  # too few answers from others to show them anonymously
    questions: list[QuestionResult]


def results_for(entry: CycleParticipant) -> Results:
    """A participant's results. Answers from others are shown only when, in an anonymous
    cycle, at least three arrived; texts are sorted alphabetically so their order says
    nothing about who wrote them or when."""
    cycle = entry.cycle
    questions = list(cycle.questions.select_related("competency"))
    responses = list(CycleResponse.objects.filter(participant=entry).select_related("author__user"))
    answers = CycleAnswer.objects.filter(response__in=responses).select_related("response")
    by_question = {q.pk: QuestionResult(q) for q in questions}
    others = [r for r in responses if r.group == "others"]
    hidden = cycle.anonymous and len(others) < MIN_ANONYMOUS_ANSWERS
    for answer in answers:
        result = by_question.get(answer.question_id)
        if result is None:
            continue
        if answer.response.group == "self":
            result.self_answer = answer
            continue
        if hidden:
            continue
        if answer.rating is not None:
            result.ratings.append(answer.rating)
        if answer.text:
            who = (
                ""
                if cycle.anonymous
                else answer.response.author.name
                if answer.response.author
                else ""
            )
            result.texts.append((who, answer.text))
    for result in by_question.values():
        if cycle.anonymous and not hidden:
            if 0 < len(result.ratings) < MIN_ANONYMOUS_ANSWERS:
                result.ratings, result.withheld = [], True
            if 0 < len(result.texts) < MIN_ANONYMOUS_ANSWERS:
                result.texts, result.withheld = [], True
        result.ratings.sort()
        result.texts.sort(key=lambda item: item[1].lower())
    return Results(cycle, entry, len(others), hidden, list(by_question.values()))
