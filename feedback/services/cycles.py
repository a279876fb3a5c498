"""Structured feedback cycles: HR sets them up, reviewers answer, participants read results.

Anonymity is a storage decision, not a display one. An anonymous answer from someone other
than the participant is written without author or relation, and nothing is sent to the
participant when it arrives. So that nobody holding the database (a dump, a backup) can
tie it to its reviewer through key order, row order or transaction ids either:

- the reviewer's assignment is marked "answered", and their reminders cancelled, in one
  transaction; the answers are sealed (``feedback.rules.sealing``) and stored in another;
- sealed answers wait in ``SealedResponse`` until the cycle closes; closing opens them all
  and writes them, in random order and in the closing transaction, as responses and
  answers under random keys, without a timestamp;
- the URL that takes the answers (``cycle_answer_send`` / ``cycle-reviews/answers/``)
  carries no assignment id, so a request log lines nothing up either.

``submit_answers`` must run outside a transaction (views and the API call it so) for its
two transactions to stay apart.
"""

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from feedback.models import (
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
from feedback.rules import reminders, sealing
from feedback.services.common import org_url
from perfapp.notifications import services as notifications
from perfapp.notifications.models import OutboxMessage, OutboxStatus
from perfapp.orgs.models import Membership
from perfapp.tenancy.scoping import organization_scope, scopes_disabled
from perfapp.timezones import local_today

MIN_ANONYMOUS_ANSWERS = 3
MAX_PEERS = 10
MAX_ANSWER_LENGTH = 4000


def _day(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B}"


def _require_draft(cycle: FeedbackCycle) -> None:
    if cycle.status != CycleStatus.DRAFT:
        raise ValidationError("This cycle has started; its questions and participants are fixed.")
    if cycle.scheduled:
        raise ValidationError(scheduled_message(cycle))


def scheduled_message(cycle: FeedbackCycle) -> str:
    return (
        f"This cycle is scheduled to open on {_day(cycle.opens_on)}, so its setup is "
        "fixed. Cancel the scheduled opening to change it."
    )


def past_dates_error(cycle: FeedbackCycle, today: date) -> str | None:
    """Why a cycle's dates are entirely in the past, if they are."""
    if cycle.closes_on is not None and cycle.closes_on < today:
        return (
            f"This cycle would have closed on {cycle.closes_on:%-d %B %Y}, before today. "
            "Choose a closing date from today on."
        )
    return None


def save_cycle(*, actor: Membership, cycle: FeedbackCycle) -> FeedbackCycle:
    if cycle.pk is not None:
        _require_draft(FeedbackCycle.objects.get(pk=cycle.pk))
    cycle.organization = actor.organization
    cycle.created_by = cycle.created_by or actor
    if not cycle.name.strip():
        raise ValidationError({"name": "Give the cycle a name, like “Q3 360”."})
    if cycle.closes_on <= cycle.opens_on:
        raise ValidationError({"closes_on": "The cycle must close after it opens."})
    past = past_dates_error(cycle, local_today(actor.organization))
    if past:
        raise ValidationError({"closes_on": past})
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


def _check_ready(cycle: FeedbackCycle) -> list[CycleParticipant]:
    """What opening needs: participants, questions, and a closing date still ahead."""
    participants = list(
        CycleParticipant.objects.select_related("participant__manager").filter(cycle=cycle)
    )
    if not participants:
        raise ValidationError("Add participants before opening the cycle.")
    if not cycle.questions.exists():
        raise ValidationError("Add at least one question before opening the cycle.")
    past = past_dates_error(cycle, local_today(cycle.organization))
    if past:
        raise ValidationError(f"{past} Change the dates in the settings, then open it.")
    return participants


@transaction.atomic
def open_cycle(*, actor: Membership, cycle: FeedbackCycle) -> int:
    """Start the cycle: assign self, manager and upward reviewers, and tell everyone.

    Before its "Opens on" date the cycle is not opened: it is scheduled instead, and the
    hourly ``open_scheduled_cycles`` opens it on that date (in the organization's time
    zone), telling reviewers then. Returns how many reviews were asked now (0 when it was
    only scheduled); ``cycle.scheduled`` and ``cycle.status`` say which happened."""
    locked = FeedbackCycle.objects.select_for_update().get(pk=cycle.pk)
    _require_draft(locked)
    if locked.opens_on > local_today(locked.organization):
        _check_ready(locked)
        locked.scheduled = True
        locked.save(update_fields=["scheduled"])
        cycle.scheduled, cycle.status = locked.scheduled, locked.status
        return 0
    count = _open(locked)
    cycle.scheduled, cycle.status = locked.scheduled, locked.status
    return count


@transaction.atomic
def cancel_scheduled_opening(*, actor: Membership, cycle: FeedbackCycle) -> None:
    """Back to a plain draft that HR can change again; nothing was sent yet."""
    locked = FeedbackCycle.objects.select_for_update().get(pk=cycle.pk)
    if locked.status != CycleStatus.DRAFT or not locked.scheduled:
        raise ValidationError("This cycle is not scheduled to open.")
    locked.scheduled = False
    locked.save(update_fields=["scheduled"])
    cycle.scheduled = False


def open_scheduled_cycles() -> int:
    """Hourly (beat): open every scheduled cycle whose opening date has come where its
    organization is. A cycle that can no longer open (say, its questions were fine but
    every participant left) goes back to a draft, and whoever set it up is told why."""
    opened = 0
    with scopes_disabled():  # one look across organizations; each opens inside its scope
        due = list(
            FeedbackCycle.objects.filter(status=CycleStatus.DRAFT, scheduled=True)
            .select_related("organization", "created_by__user")
            .order_by("opens_on", "id")
        )
    for cycle in due:
        if cycle.opens_on > local_today(cycle.organization):
            continue
        with organization_scope(cycle.organization), transaction.atomic():
            locked = FeedbackCycle.objects.select_for_update().get(pk=cycle.pk)
            if locked.status != CycleStatus.DRAFT or not locked.scheduled:
                continue
            try:
                with transaction.atomic():
                    _open(locked)
            except ValidationError as error:
                locked.scheduled = False
                locked.save(update_fields=["scheduled"])
                if cycle.created_by is not None and cycle.created_by.is_active:
                    notifications.queue(
                        recipient=cycle.created_by,
                        kind="feedback.cycle",
                        occasion=f"cycle:{cycle.pk}:not-opened:{locked.opens_on.isoformat()}",
                        title=f"{cycle.name} could not open on its date",
                        body=" ".join(error.messages),
                        url=org_url(cycle.organization, "feedback:cycle", pk=cycle.pk),
                    )
            else:
                opened += 1
    return opened


def _open(cycle: FeedbackCycle) -> int:
    """Open a locked draft now."""
    participants = _check_ready(cycle)
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
        if cycle.include_manager and person.manager is not None and person.manager.is_active:
            wanted.append((person.manager.pk, Relation.MANAGER))
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
    cycle.scheduled = False
    cycle.save(update_fields=["status", "scheduled"])
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
                url=org_url(cycle.organization, "feedback:cycle_peers", pk=cycle.pk),
            )
    return len(assignments)


def _tell_reviewer(cycle: FeedbackCycle, assignment: ReviewerAssignment) -> None:
    reviewer = assignment.reviewer
    about = (
        "yourself"
        if assignment.relation == Relation.SELF
        else assignment.participant.participant.name
    )
    url = org_url(cycle.organization, "feedback:cycle_answer", pk=assignment.pk)
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
            url=org_url(cycle.organization, "feedback:cycle_approvals", pk=cycle.pk),
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
    cleaned: dict[int, tuple[int | None, str]] = {}
    errors: dict[str, str] = {}
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


def submit_answers(
    *, reviewer: Membership, assignment: ReviewerAssignment, answers: dict
) -> ReviewerAssignment:
    """Store a reviewer's answers; ``answers`` maps a question id to (rating or None, text).

    A self review, or any answer in a named cycle, is written as it is, with its author. An
    anonymous answer from someone else is written apart from its reviewer: first the
    assignment is marked answered and the reviewer's reminders are cancelled (one
    transaction), then the answers go, sealed, into the cycle's waiting pool (another);
    they become readable responses only when the cycle closes. If the second step fails,
    the first is undone, so an answer is never lost nor stored twice. Returns the
    assignment, now answered."""
    with transaction.atomic():
        assignment = (
            ReviewerAssignment.objects.select_for_update()
            .select_related("cycle__organization")
            .get(pk=assignment.pk)
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
        cleaned = _clean_answers(list(cycle.questions.all()), answers)
        is_self = assignment.relation == Relation.SELF
        sealed = None
        if cycle.anonymous and not is_self:
            sealed = sealing.seal(
                {
                    "participant": assignment.participant_id,
                    "answers": [[pk, rating, text] for pk, (rating, text) in cleaned.items()],
                },
                organization_id=cycle.organization_id,
                cycle_id=cycle.pk,
            )
        else:
            response = CycleResponse.objects.create(
                organization=cycle.organization,
                cycle=cycle,
                participant_id=assignment.participant_id,
                author=reviewer,
                relation=assignment.relation,
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
        cancelled = list(
            OutboxMessage.objects.filter(
                recipient=reviewer,
                occasion__startswith=f"assignment:{assignment.pk}:",
                status=OutboxStatus.PENDING,
            ).values_list("pk", flat=True)
        )
        OutboxMessage.objects.filter(pk__in=cancelled).update(status=OutboxStatus.CANCELLED)
    if sealed is not None:
        try:
            _pool(cycle, sealed)
        except BaseException:
            with transaction.atomic():  # undo the first step: the reviewer may send again
                ReviewerAssignment.objects.filter(
                    pk=assignment.pk, status=AssignmentStatus.ANSWERED
                ).update(status=AssignmentStatus.PENDING)
                still_open = FeedbackCycle.objects.filter(
                    pk=cycle.pk, status=CycleStatus.OPEN
                ).exists()
                if still_open:  # a closed cycle's reminders stay cancelled
                    OutboxMessage.objects.filter(
                        pk__in=cancelled, status=OutboxStatus.CANCELLED
                    ).update(status=OutboxStatus.PENDING)
            raise
    return assignment


@transaction.atomic
def _pool(cycle: FeedbackCycle, sealed: bytes) -> None:
    """Add a sealed response to the cycle's pool, unless the cycle closed meanwhile (its
    pool is then already released). Inserting locks the cycle row against closing (the
    foreign key's share lock), so checking the status after the insert is enough."""
    SealedResponse.objects.create(organization=cycle.organization, cycle=cycle, sealed=sealed)
    if not FeedbackCycle.objects.filter(pk=cycle.pk, status=CycleStatus.OPEN).exists():
        raise ValidationError("This cycle is closed; answers can no longer be given.")


def _release(cycle: FeedbackCycle) -> int:
    """Open the cycle's sealed responses and write them as responses and answers, all at
    once and in random order, then delete the sealed rows. Runs in the closing
    transaction. Answers about someone no longer in the cycle (erased meanwhile) are
    dropped. Returns how many responses were written."""
    pool = list(SealedResponse.objects.filter(cycle=cycle))
    if not pool:
        return 0
    try:
        contents = [
            sealing.unseal(row.sealed, organization_id=cycle.organization_id, cycle_id=cycle.pk)
            for row in pool
        ]
    except sealing.Unreadable as error:
        raise ValidationError(
            "Some answers of this cycle cannot be opened with the server's keys, so it "
            "cannot close yet. Ask whoever runs perfapp to add the previous secret key to "
            "SECRET_KEY_FALLBACKS; nothing was changed."
        ) from error
    entries = set(CycleParticipant.objects.filter(cycle=cycle).values_list("pk", flat=True))
    questions = set(cycle.questions.values_list("pk", flat=True))
    shuffler = random.SystemRandom()
    shuffler.shuffle(contents)
    responses, answers = [], []
    for content in contents:
        if content["participant"] not in entries:
            continue
        response = CycleResponse(
            organization=cycle.organization,
            cycle=cycle,
            participant_id=content["participant"],
            author=None,
            relation="",
            group="others",
        )
        responses.append(response)
        answers += [
            CycleAnswer(
                organization=cycle.organization,
                response=response,
                question_id=question_id,
                rating=rating,
                text=text,
            )
            for question_id, rating, text in content["answers"]
            if question_id in questions
        ]
    shuffler.shuffle(answers)
    CycleResponse.objects.bulk_create(responses)
    CycleAnswer.objects.bulk_create(answers)
    SealedResponse.objects.filter(pk__in=[row.pk for row in pool]).delete()
    return len(responses)


def forget_sealed_about(*, participant: Membership) -> int:
    """Erasure: delete the sealed answers about ``participant`` still waiting in open
    cycles (opening each box is the only way to know whom it is about). A box no key
    opens stays, and is dropped when its cycle closes, its participant being gone.
    Returns how many were deleted."""
    entries = dict(
        CycleParticipant.objects.filter(
            participant=participant, cycle__status=CycleStatus.OPEN
        ).values_list("cycle_id", "pk")
    )
    doomed = []
    for row in SealedResponse.objects.filter(cycle_id__in=list(entries)):
        try:
            content = sealing.unseal(
                row.sealed, organization_id=row.organization_id, cycle_id=row.cycle_id
            )
        except sealing.Unreadable:
            continue
        if content["participant"] == entries[row.cycle_id]:
            doomed.append(row.pk)
    SealedResponse.objects.filter(pk__in=doomed).delete()
    return len(doomed)


@transaction.atomic
def close_cycle(*, actor: Membership, cycle: FeedbackCycle) -> None:
    """Close an open cycle: its sealed answers become readable responses (all at once, in
    random order), waiting reminders are cancelled, and participants are told."""
    cycle = (
        FeedbackCycle.objects.select_for_update().select_related("organization").get(pk=cycle.pk)
    )
    if cycle.status != CycleStatus.OPEN:
        raise ValidationError("Only an open cycle can be closed.")
    _release(cycle)
    cycle.status = CycleStatus.CLOSED
    cycle.save(update_fields=["status"])
    _cancel_reminders(cycle)
    for entry in CycleParticipant.objects.select_related("participant__user").filter(cycle=cycle):
        notifications.queue(
            recipient=entry.participant,
            kind="feedback.cycle",
            occasion=f"cycle:{cycle.pk}:results",
            title=f"{cycle.name}: your results are ready",
            url=org_url(cycle.organization, "feedback:cycle_results", pk=entry.pk),
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
    today = local_today(cycle.organization).isoformat()
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
            org_url(cycle.organization, "feedback:cycle_answer", pk=assignments[0].pk)
            if count == 1
            else org_url(cycle.organization, "feedback:cycles")
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
    # In an anonymous cycle a question answered by fewer than three people other than the
    # reader keeps its answers back, even when enough answered the cycle as a whole: one
    # comment on an optional question would otherwise point at its author.
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
    others_count: int  # answers from others than the participant, the reader's included
    hidden: bool  # too few answers from people other than the reader to show them
    questions: list[QuestionResult]
    # The reader answered about this participant themselves: their answer is among the
    # others' but does not count towards the threshold that protects the others.
    reader_answered: bool = False

    @property
    def others_than_reader(self) -> int:
        return self.others_count - (1 if self.reader_answered else 0)


def results_for(*, entry: CycleParticipant, reader: Membership) -> Results:
    """A participant's results as ``reader`` may read them (the participant, or their
    manager, who for upward feedback is the reviewers' skip-level). The same for the page
    and the API.

    In an anonymous cycle, answers from others show only when at least
    ``MIN_ANONYMOUS_ANSWERS`` of them come from people other than the reader, overall and
    per question: a reader who answered could otherwise take their own answer away and
    read the rest as one or two people's. Answers carry no author, so whether the reader
    answered is read from their assignment; they count as having answered every question
    (an optional one they skipped is withheld one answer early, never too late). The
    participant's own self review is never among the others. Texts are sorted
    alphabetically so their order says nothing about who wrote them or when. Only
    released answers exist here: a cycle's sealed answers are released when it closes."""
    cycle = entry.cycle
    questions = list(cycle.questions.select_related("competency"))
    responses = list(CycleResponse.objects.filter(participant=entry).select_related("author__user"))
    answers = CycleAnswer.objects.filter(response__in=responses).select_related("response")
    by_question = {q.pk: QuestionResult(q) for q in questions}
    others = [r for r in responses if r.group == "others"]
    reader_answered = (
        ReviewerAssignment.objects.filter(
            participant=entry, reviewer=reader, status=AssignmentStatus.ANSWERED
        )
        .exclude(relation=Relation.SELF)
        .exists()
    )
    own = 1 if reader_answered else 0
    hidden = cycle.anonymous and len(others) - own < MIN_ANONYMOUS_ANSWERS
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
            if result.ratings and len(result.ratings) - own < MIN_ANONYMOUS_ANSWERS:
                result.ratings, result.withheld = [], True
            if result.texts and len(result.texts) - own < MIN_ANONYMOUS_ANSWERS:
                result.texts, result.withheld = [], True
        result.ratings.sort()
        result.texts.sort(key=lambda item: item[1].lower())
    return Results(cycle, entry, len(others), hidden, list(by_question.values()), reader_answered)
