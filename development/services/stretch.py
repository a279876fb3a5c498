"""Writes for stretch assignments: posting an opportunity, expressing interest, choosing
(within the seats, everyone else told kindly), the linked goal in the chosen person's
plan, and the outcome at the end.

Choosing happens once, under a lock on the assignment row: the owner picks up to
``seats`` people from those interested, the assignment goes underway and everyone else
hears that they were not chosen this time.
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from advancement.models import Competency
from development.audit import StretchAction
from development.models import (
    Audience,
    Commitment,
    DevelopmentPlan,
    Goal,
    InterestStatus,
    OpportunityStatus,
    PlanEvent,
    PlanEventKind,
    StretchAssignment,
    StretchInterest,
)
from development.permissions.stretch import (
    can_manage_opportunity,
    can_post_opportunities,
    is_in_audience,
)
from development.services.plans import finish_stretch_goal
from perfapp.audit.services import record
from perfapp.notifications import services as notifications
from perfapp.orgs.models import Membership, Team
from perfapp.timezones import local_today

MAX_TITLE = 200
MAX_TEXT = 4000
MAX_NOTE = 2000
MAX_OUTCOME = 2000
MAX_SEATS = 20
MAX_WEEKS = 52


def opportunity_url(assignment: StretchAssignment) -> str:
    return reverse(
        "development:opportunity",
        kwargs={"org_slug": assignment.organization.slug, "pk": assignment.pk},
    )


def team_ids_of(assignment: StretchAssignment) -> set[int]:
    return {team.pk for team in assignment.teams.all()}


# --- posting ------------------------------------------------------------------------------


def _validate(
    actor: Membership,
    *,
    title: str,
    description: str,
    competencies: list[Competency],
    commitment: str,
    duration_weeks: int,
    seats: int,
    audience: str,
    teams: list[Team],
    closes_on: date | None,
    previous_closes_on: date | None = None,
) -> dict:
    errors = {}
    title, description = (title or "").strip(), (description or "").strip()
    if not title:
        errors["title"] = "Give the opportunity a short title."
    elif len(title) > MAX_TITLE:
        errors["title"] = f"Keep the title to {MAX_TITLE} characters."
    if not description:
        errors["description"] = "Describe the work and what someone would learn from it."
    elif len(description) > MAX_TEXT:
        errors["description"] = f"Keep the description to {MAX_TEXT:,} characters."
    chosen = {c.pk: c for c in competencies}
    if not chosen:
        errors["competencies"] = "Choose at least one competency this work builds."
    elif any(c.organization_id != actor.organization_id or c.is_archived for c in chosen.values()):
        errors["competencies"] = "Choose competencies from the list."
    if commitment not in Commitment.values:
        errors["commitment"] = "Choose how much time it takes."
    if not isinstance(duration_weeks, int) or not 1 <= duration_weeks <= MAX_WEEKS:
        errors["duration_weeks"] = f"Choose between 1 and {MAX_WEEKS} weeks."
    if not isinstance(seats, int) or not 1 <= seats <= MAX_SEATS:
        errors["seats"] = f"Choose between 1 and {MAX_SEATS} people."
    picked_teams = {t.pk: t for t in teams}
    if audience not in Audience.values:
        errors["audience"] = "Choose everyone, or chosen teams."
    elif audience == Audience.TEAMS and not picked_teams:
        errors["teams"] = "Choose the teams whose people may apply."
    if any(t.organization_id != actor.organization_id for t in picked_teams.values()):
        errors["teams"] = "Choose teams from the list."
    if closes_on is not None and closes_on != previous_closes_on and closes_on < local_today(actor):
        errors["closes_on"] = "Choose today or a later date, or leave it empty."
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "description": description,
        "competencies": list(chosen.values()),
        "commitment": commitment,
        "duration_weeks": duration_weeks,
        "seats": seats,
        "audience": audience,
        "teams": list(picked_teams.values()) if audience == Audience.TEAMS else [],
        "closes_on": closes_on,
    }


@transaction.atomic
def post_opportunity(
    *,
    actor: Membership,
    title: str,
    description: str,
    competencies: list[Competency],
    commitment: str,
    duration_weeks: int,
    seats: int = 1,
    audience: str = Audience.EVERYONE,
    teams: list[Team] | None = None,
    closes_on: date | None = None,
) -> StretchAssignment:
    """A manager or an HR admin posts an opportunity to grow on real work."""
    if not can_post_opportunities(actor):
        raise ValidationError(
            "Managers and HR admins post stretch assignments. Ask your manager to post this one."
        )
    values = _validate(
        actor,
        title=title,
        description=description,
        competencies=competencies,
        commitment=commitment,
        duration_weeks=duration_weeks,
        seats=seats,
        audience=audience,
        teams=teams or [],
        closes_on=closes_on,
    )
    competencies, teams = values.pop("competencies"), values.pop("teams")
    assignment = StretchAssignment.objects.create(
        organization=actor.organization, owner=actor, **values
    )
    assignment.competencies.set(competencies)
    assignment.teams.set(teams)
    record(
        organization=actor.organization,
        actor=actor,
        action=StretchAction.POSTED,
        target=assignment,
        target_label=assignment.title,
    )
    return assignment


def _manageable(actor: Membership, assignment: StretchAssignment) -> StretchAssignment:
    """The assignment re-read under a row lock, once the actor may manage it."""
    if not can_manage_opportunity(actor, assignment):
        raise ValidationError("Only the person who posted this opportunity (or HR) can do that.")
    return (
        StretchAssignment.objects.select_for_update()
        .select_related("organization", "owner__user")
        .get(pk=assignment.pk)
    )


@transaction.atomic
def edit_opportunity(
    *, actor: Membership, assignment: StretchAssignment, **changes
) -> StretchAssignment:
    """Change an opportunity while it is open for interest. ``changes`` holds the fields
    of ``post_opportunity``; the ones left out keep their value."""
    unknown = set(changes) - {
        "title",
        "description",
        "competencies",
        "commitment",
        "duration_weeks",
        "seats",
        "audience",
        "teams",
        "closes_on",
    }
    if unknown:
        raise ValueError(f"Not a field of an opportunity: {', '.join(sorted(unknown))}")
    assignment = _manageable(actor, assignment)
    if assignment.status != OpportunityStatus.OPEN:
        raise ValidationError("Only an opportunity that is still open for interest can change.")
    current = {
        "title": assignment.title,
        "description": assignment.description,
        "competencies": list(assignment.competencies.all()),
        "commitment": assignment.commitment,
        "duration_weeks": assignment.duration_weeks,
        "seats": assignment.seats,
        "audience": assignment.audience,
        "teams": list(assignment.teams.all()),
        "closes_on": assignment.closes_on,
    }
    values = _validate(actor, **{**current, **changes}, previous_closes_on=assignment.closes_on)
    competencies, teams = values.pop("competencies"), values.pop("teams")
    for name, value in values.items():
        setattr(assignment, name, value)
    assignment.save(update_fields=list(values))
    assignment.competencies.set(competencies)
    assignment.teams.set(teams)
    return assignment


@transaction.atomic
def cancel_opportunity(*, actor: Membership, assignment: StretchAssignment) -> StretchAssignment:
    """Take an open opportunity back; people who were interested are told kindly."""
    assignment = _manageable(actor, assignment)
    if assignment.status != OpportunityStatus.OPEN:
        raise ValidationError("Only an opportunity that is still open can be cancelled.")
    assignment.status = OpportunityStatus.CANCELLED
    assignment.save(update_fields=["status"])
    interested = StretchInterest.objects.filter(
        assignment=assignment, status=InterestStatus.INTERESTED
    ).select_related("person__user")
    for interest in interested:
        notifications.queue(
            recipient=interest.person,
            kind="stretch.decision",
            occasion=f"stretch:{assignment.pk}:cancelled",
            title=f"“{assignment.title}” won't go ahead",
            body=f"{assignment.owner.name} cancelled it. Thank you for putting yourself "
            "forward; new opportunities appear on the board.",
            url=opportunity_url(assignment),
        )
    record(
        organization=actor.organization,
        actor=actor,
        action=StretchAction.CANCELLED,
        target=assignment,
        target_label=assignment.title,
    )
    return assignment


# --- interest ------------------------------------------------------------------------------


def is_open_for_interest(assignment: StretchAssignment, today: date) -> bool:
    return assignment.status == OpportunityStatus.OPEN and (
        assignment.closes_on is None or assignment.closes_on >= today
    )


@transaction.atomic
def express_interest(
    *, person: Membership, assignment: StretchAssignment, note: str
) -> StretchInterest:
    """Put yourself forward for an opportunity open to you, with a short note."""
    if assignment.organization_id != person.organization_id:
        raise ValidationError("Choose an opportunity of this organization.")
    assignment = (
        StretchAssignment.objects.select_for_update()
        .select_related("organization", "owner__user")
        .get(pk=assignment.pk)
    )
    if assignment.owner_id == person.pk:
        raise ValidationError("This is your own opportunity: choose someone for it instead.")
    if not is_in_audience(person, assignment, team_ids_of(assignment)):
        raise ValidationError(
            "This opportunity is open to chosen teams only, and yours is not one of them."
        )
    if not is_open_for_interest(assignment, local_today(person)):
        raise ValidationError("This opportunity is no longer open for interest.")
    note = (note or "").strip()
    if not note:
        raise ValidationError(
            {"note": "Say in a sentence or two why you'd like it and what you'd bring."}
        )
    if len(note) > MAX_NOTE:
        raise ValidationError({"note": f"Keep the note to {MAX_NOTE:,} characters."})
    interest = StretchInterest.objects.filter(assignment=assignment, person=person).first()
    if interest is not None and interest.status != InterestStatus.WITHDRAWN:
        raise ValidationError("You already expressed interest in this opportunity.")
    if interest is None:
        interest = StretchInterest.objects.create(
            organization=person.organization, assignment=assignment, person=person, note=note
        )
        occasion = f"stretch-interest:{interest.pk}"
    else:  # put forward again after withdrawing: a new occasion to tell the owner about
        interest.note, interest.status = note, InterestStatus.INTERESTED
        interest.save(update_fields=["note", "status"])
        occasion = f"stretch-interest:{interest.pk}:again:{timezone.now().isoformat()}"
    notifications.queue(
        recipient=assignment.owner,
        kind="stretch.interest",
        occasion=occasion,
        title=f"{person.name} would like to take on “{assignment.title}”",
        body=note,
        url=opportunity_url(assignment),
    )
    return interest


@transaction.atomic
def withdraw_interest(*, person: Membership, interest: StretchInterest) -> StretchInterest:
    if interest.person_id != person.pk:
        raise ValidationError("Only the person who expressed interest can withdraw it.")
    interest = StretchInterest.objects.select_for_update().get(pk=interest.pk)
    if interest.status != InterestStatus.INTERESTED:
        raise ValidationError(
            f"This interest can't be withdrawn any more: {interest.get_status_display()}."
        )
    interest.status = InterestStatus.WITHDRAWN
    interest.save(update_fields=["status"])
    return interest


# --- choosing -----------------------------------------------------------------------------


def _link_to_plan(
    actor: Membership, assignment: StretchAssignment, interest: StretchInterest
) -> Goal:
    """The chosen person's plan gets a goal carrying the assignment's competencies, from
    today to the end of its duration, and a line in the plan's history."""
    person = interest.person
    plan, created = DevelopmentPlan.objects.get_or_create(
        organization=person.organization, owner=person
    )
    if created:
        PlanEvent.objects.create(
            organization=person.organization,
            plan=plan,
            actor=actor,
            kind=PlanEventKind.CREATED,
            summary="Started with a stretch assignment.",
        )
    start = local_today(person)
    goal = Goal.objects.create(
        organization=person.organization,
        plan=plan,
        title=assignment.title,
        why=f"A stretch assignment with {assignment.owner.name}: "
        f"{assignment.get_commitment_display().lower()} for {assignment.duration_weeks} "
        f"week{'s' if assignment.duration_weeks != 1 else ''}.",
        success_criteria=f"The assignment is completed, and you and {assignment.owner.name} "
        "have recorded its outcome.",
        start_on=start,
        target_on=start + timedelta(weeks=assignment.duration_weeks),
        stretch_interest=interest,
    )
    goal.competencies.set(list(assignment.competencies.all()))
    PlanEvent.objects.create(
        organization=person.organization,
        plan=plan,
        actor=actor,
        kind=PlanEventKind.STRETCH,
        summary=f"Chosen for the stretch assignment “{assignment.title}”; it is a goal now.",
        changes={"goal": goal.pk, "assignment": assignment.pk},
    )
    return goal


@transaction.atomic
def choose(
    *, actor: Membership, assignment: StretchAssignment, interests: list[StretchInterest]
) -> list[StretchInterest]:
    """Choose up to ``seats`` people among those interested. The assignment goes underway,
    each chosen person's plan gets a linked goal, and everyone else is told kindly."""
    assignment = _manageable(actor, assignment)
    if assignment.status != OpportunityStatus.OPEN:
        raise ValidationError(
            f"People were already chosen, or it was closed: {assignment.get_status_display()}."
        )
    wanted = {interest.pk for interest in interests}
    if not wanted:
        raise ValidationError({"interests": "Choose at least one person."})
    if len(wanted) > assignment.seats:
        seats = f"{assignment.seats} seat{'s' if assignment.seats != 1 else ''}"
        raise ValidationError(
            {
                "interests": f"“{assignment.title}” has {seats}: choose at most "
                f"{assignment.seats} {'person' if assignment.seats == 1 else 'people'}."
            }
        )
    rows = list(
        StretchInterest.objects.select_for_update()
        .filter(assignment=assignment)
        .select_related("person__user", "person__organization")
        .order_by("id")
    )
    by_pk = {row.pk: row for row in rows}
    if any(pk not in by_pk or by_pk[pk].status != InterestStatus.INTERESTED for pk in wanted):
        raise ValidationError(
            {"interests": "Choose among the people who expressed interest and still want it."}
        )
    gone = [by_pk[pk].person.name for pk in sorted(wanted) if not by_pk[pk].person.is_active]
    if gone:
        raise ValidationError({"interests": f"{', '.join(gone)} no longer works here."})
    now = timezone.now()
    chosen = []
    for row in rows:
        if row.status != InterestStatus.INTERESTED:
            continue
        row.status = InterestStatus.CHOSEN if row.pk in wanted else InterestStatus.NOT_CHOSEN
        row.decided_at = now
        row.save(update_fields=["status", "decided_at"])
        if row.pk in wanted:
            chosen.append(row)
            _link_to_plan(actor, assignment, row)
            notifications.queue(
                recipient=row.person,
                kind="stretch.decision",
                occasion=f"stretch:{assignment.pk}:chosen",
                title=f"You're on “{assignment.title}”",
                body=f"{assignment.owner.name} chose you. It's a goal in your development "
                "plan now; enjoy the stretch.",
                url=opportunity_url(assignment),
            )
        else:
            notifications.queue(
                recipient=row.person,
                kind="stretch.decision",
                occasion=f"stretch:{assignment.pk}:not_chosen",
                title=f"About “{assignment.title}”: not this time",
                body=f"Thank you for putting yourself forward. {assignment.owner.name} chose "
                "someone else this time; your interest was noticed, and more opportunities "
                "appear on the board. Your manager can help you find the next one.",
                url=reverse(
                    "development:opportunities", kwargs={"org_slug": assignment.organization.slug}
                ),
            )
    assignment.status = OpportunityStatus.UNDERWAY
    assignment.save(update_fields=["status"])
    record(
        organization=actor.organization,
        actor=actor,
        action=StretchAction.CHOSEN,
        target=assignment,
        target_label=assignment.title,
        changes={"chosen": [None, sorted(row.person.name for row in chosen)]},
    )
    return chosen


# --- the end ------------------------------------------------------------------------------


@transaction.atomic
def complete(
    *, actor: Membership, assignment: StretchAssignment, outcome: str
) -> StretchAssignment:
    """The owner records how it went; the assignment is completed and counts as evidence
    for the chosen people's competencies. The goal it put in each chosen person's plan is
    marked done (unless they dropped it), and they are told so."""
    assignment = _manageable(actor, assignment)
    if assignment.status != OpportunityStatus.UNDERWAY:
        raise ValidationError("Only an assignment that is underway can be completed.")
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": "Say how it went: what they did and what it changed."})
    if len(outcome) > MAX_OUTCOME:
        raise ValidationError({"outcome": f"Keep the outcome to {MAX_OUTCOME:,} characters."})
    assignment.owner_outcome = outcome
    assignment.status = OpportunityStatus.COMPLETED
    assignment.completed_at = timezone.now()
    assignment.save(update_fields=["owner_outcome", "status", "completed_at"])
    goals_done = []
    for interest in StretchInterest.objects.filter(
        assignment=assignment, status=InterestStatus.CHOSEN
    ).select_related("person__user", "goal__plan"):
        goal = getattr(interest, "goal", None)
        finished = False
        if goal is not None:
            PlanEvent.objects.create(
                organization=assignment.organization,
                plan=goal.plan,
                actor=actor,
                kind=PlanEventKind.STRETCH,
                summary=f"Completed the stretch assignment “{assignment.title}”.",
                changes={"goal": goal.pk, "assignment": assignment.pk},
            )
            finished = finish_stretch_goal(actor=actor, goal=goal)
            if finished:
                goals_done.append(interest.person.name)
        its_goal = " Its goal in your development plan is marked done." if finished else ""
        notifications.queue(
            recipient=interest.person,
            kind="stretch.decision",
            occasion=f"stretch:{assignment.pk}:completed",
            title=f"“{assignment.title}” is complete",
            body=f"{assignment.owner.name} recorded how it went.{its_goal} Add your own "
            "outcome: what you learned and what you'd do differently.",
            url=opportunity_url(assignment),
        )
    record(
        organization=actor.organization,
        actor=actor,
        action=StretchAction.COMPLETED,
        target=assignment,
        target_label=assignment.title,
        changes={"goals_done": [None, sorted(goals_done)]} if goals_done else None,
    )
    return assignment


@transaction.atomic
def record_person_outcome(
    *, person: Membership, interest: StretchInterest, outcome: str
) -> StretchInterest:
    """The chosen person records what they learned, once the assignment is underway."""
    if interest.person_id != person.pk:
        raise ValidationError("Only the chosen person records their own outcome.")
    interest = (
        StretchInterest.objects.select_for_update().select_related("assignment").get(pk=interest.pk)
    )
    if interest.status != InterestStatus.CHOSEN or interest.assignment.status not in (
        OpportunityStatus.UNDERWAY,
        OpportunityStatus.COMPLETED,
    ):
        raise ValidationError("You record an outcome once you were chosen and the work began.")
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": "Say what you learned and what you'd do differently."})
    if len(outcome) > MAX_OUTCOME:
        raise ValidationError({"outcome": f"Keep the outcome to {MAX_OUTCOME:,} characters."})
    interest.person_outcome = outcome
    interest.save(update_fields=["person_outcome"])
    return interest
