"""Writes for mentoring: offering to mentor, asking for a mentor, answering, the log of
sessions, and closing a mentorship with a reflection.

Capacity is how many people a mentor takes on at once (active mentorships). It is checked
when someone asks and again when the mentor accepts, then under a lock on the mentor's
profile row, so two accepts at the same moment can never go over it.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from advancement.models import Competency
from development.audit import MentoringAction
from development.models import (
    MentorProfile,
    Mentorship,
    MentorshipCadence,
    MentorshipRequest,
    MentorshipRequestStatus,
    MentorshipSession,
    MentorshipStatus,
)
from development.permissions.mentoring import is_party_to_mentorship
from perfapp.audit.services import record
from perfapp.notifications import services as notifications
from perfapp.orgs.models import Membership
from perfapp.text import excerpt
from perfapp.timezones import local_today, zone_of

MAX_CAPACITY = 10
MAX_ABOUT = 1000
MAX_MESSAGE = 2000
MAX_ANSWER = 1000
MAX_GOALS = 2000
MAX_NOTES = 4000
MAX_REFLECTION = 2000


def request_url(request: MentorshipRequest) -> str:
    return reverse(
        "development:mentor_request",
        kwargs={"org_slug": request.organization.slug, "pk": request.pk},
    )


def mentorship_url(mentorship: Mentorship) -> str:
    return reverse(
        "development:mentorship",
        kwargs={"org_slug": mentorship.organization.slug, "pk": mentorship.pk},
    )


def active_mentee_count(mentor: Membership) -> int:
    return Mentorship.objects.filter(mentor=mentor, status=MentorshipStatus.ACTIVE).count()


# --- offering to mentor -------------------------------------------------------------------


@transaction.atomic
def save_offer(
    *, actor: Membership, competencies: list[Competency], capacity: int, about: str = ""
) -> MentorProfile:
    """Create or change the actor's offer to mentor. Lowering the capacity below the
    number of current mentees ends nobody's mentorship; it only stops new ones."""
    errors = {}
    chosen = {competency.pk: competency for competency in competencies}
    if not chosen:
        errors["competencies"] = "Choose at least one competency you'd like to mentor in."
    elif any(c.organization_id != actor.organization_id or c.is_archived for c in chosen.values()):
        errors["competencies"] = "Choose competencies from the list."
    if not isinstance(capacity, int) or not 0 <= capacity <= MAX_CAPACITY:
        errors["capacity"] = f"Choose between 0 (not right now) and {MAX_CAPACITY} people."
    about = (about or "").strip()
    if len(about) > MAX_ABOUT:
        errors["about"] = f"Keep it to {MAX_ABOUT:,} characters."
    if errors:
        raise ValidationError(errors)
    profile, _ = MentorProfile.objects.select_for_update().get_or_create(
        organization=actor.organization,
        membership=actor,
        defaults={"capacity": capacity, "about": about},
    )
    profile.capacity, profile.about = capacity, about
    profile.save(update_fields=["capacity", "about", "updated_at"])
    profile.competencies.set(list(chosen.values()))
    return profile


# --- asking for a mentor ------------------------------------------------------------------


def check_mentor(mentee: Membership, mentor: Membership) -> None:
    """Refuse yourself, your own manager, someone gone or from elsewhere, with the reason."""
    if mentor.organization_id != mentee.organization_id:
        raise ValidationError({"mentor": "Choose a mentor from this organization."})
    if mentor.pk == mentee.pk:
        raise ValidationError(
            {"mentor": "You can't be your own mentor. Choose a colleague who offers mentoring."}
        )
    if not mentor.is_active:
        raise ValidationError({"mentor": f"{mentor.name} no longer works here."})
    if mentor.pk == mentee.manager_id:
        raise ValidationError(
            {
                "mentor": f"{mentor.name} is your manager and already coaches you in your 1:1s. "
                "A mentor brings a view from outside that relationship: choose someone else."
            }
        )


def _offer_of(mentor: Membership, competency: Competency, *, lock: bool = False):
    profiles = MentorProfile.objects.filter(membership=mentor)
    if lock:
        profiles = profiles.select_for_update()
    profile = profiles.first()
    if profile is None or not profile.competencies.filter(pk=competency.pk).exists():
        raise ValidationError(
            {"competency": f"{mentor.name} doesn't offer mentoring in {competency.name}."}
        )
    return profile


def _check_capacity(mentor: Membership, profile: MentorProfile, *, mine: bool) -> None:
    if active_mentee_count(mentor) >= profile.capacity:
        if mine:
            message = (
                "You're already mentoring as many people as you offered to "
                f"({profile.capacity}). Raise your capacity under “Mentor others” first, "
                "or decline with a kind note."
            )
        else:
            message = (
                f"{mentor.name} has no room for another mentee right now. Try another mentor, "
                "or ask again later."
            )
        raise ValidationError({"mentor": message})


@transaction.atomic
def request_mentor(
    *, mentee: Membership, mentor: Membership, competency: Competency, message: str
) -> MentorshipRequest:
    """Ask ``mentor`` for mentoring in ``competency``, saying what you want to learn."""
    check_mentor(mentee, mentor)
    if competency.organization_id != mentee.organization_id or competency.is_archived:
        raise ValidationError({"competency": "Choose a competency from the list."})
    message = (message or "").strip()
    if not message:
        raise ValidationError(
            {"message": "Say what you'd like to learn, so they can tell whether they can help."}
        )
    if len(message) > MAX_MESSAGE:
        raise ValidationError({"message": f"Keep it to {MAX_MESSAGE:,} characters."})
    profile = _offer_of(mentor, competency)
    pending = MentorshipRequest.objects.filter(
        mentee=mentee,
        mentor=mentor,
        competency=competency,
        status=MentorshipRequestStatus.PENDING,
    )
    if pending.exists():
        raise ValidationError(
            f"You already asked {mentor.name} about {competency.name}. Wait for the answer, "
            "or withdraw that request first."
        )
    if Mentorship.objects.filter(
        mentee=mentee, mentor=mentor, competency=competency, status=MentorshipStatus.ACTIVE
    ).exists():
        raise ValidationError(f"{mentor.name} is already your mentor in {competency.name}.")
    _check_capacity(mentor, profile, mine=False)
    try:
        with transaction.atomic():
            asked = MentorshipRequest.objects.create(
                organization=mentee.organization,
                mentee=mentee,
                mentor=mentor,
                competency=competency,
                message=message,
            )
    except IntegrityError:  # a second click at the same moment
        raise ValidationError(
            f"You already asked {mentor.name} about {competency.name}. Wait for the answer."
        ) from None
    notifications.queue(
        recipient=mentor,
        kind="mentoring.request",
        occasion=f"mentor-request:{asked.pk}:new",
        title=f"{mentee.name} asks you to mentor them in {competency.name}",
        body=message,
        url=request_url(asked),
    )
    return asked


def _pending(request: MentorshipRequest) -> MentorshipRequest:
    """The request, re-read under a row lock, still waiting for an answer."""
    fresh = (
        MentorshipRequest.objects.select_for_update()
        .select_related("organization", "mentee__user", "mentor__user", "competency")
        .get(pk=request.pk)
    )
    if fresh.status != MentorshipRequestStatus.PENDING:
        raise ValidationError(
            f"This request is no longer waiting for an answer: {fresh.get_status_display()}."
        )
    return fresh


@transaction.atomic
def accept_request(
    *,
    actor: Membership,
    request: MentorshipRequest,
    goals: str,
    cadence: str = MentorshipCadence.BIWEEKLY,
) -> Mentorship:
    """The mentor says yes: a mentorship starts with its goals and a cadence.

    The mentor's profile row is locked while capacity is counted, so a second accept at
    the same moment waits, then counts this mentorship too."""
    if actor.pk != request.mentor_id:
        raise ValidationError("Only the person who was asked can accept this request.")
    errors = {}
    if cadence not in MentorshipCadence.values:
        errors["cadence"] = "Choose every week, every two weeks or every month."
    goals = (goals or "").strip()
    if not goals:
        errors["goals"] = "Write down what you'll work on together; you can refine it later."
    elif len(goals) > MAX_GOALS:
        errors["goals"] = f"Keep the goals to {MAX_GOALS:,} characters."
    if errors:
        raise ValidationError(errors)
    request = _pending(request)
    if not request.mentee.is_active:
        raise ValidationError(f"{request.mentee.name} no longer works here.")
    profile = MentorProfile.objects.select_for_update().filter(membership=actor).first()
    if profile is None:
        raise ValidationError(
            {"mentor": "Offer to mentor first (Mentor others), then accept the request."}
        )
    _check_capacity(actor, profile, mine=True)
    mentorship = Mentorship.objects.create(
        organization=actor.organization,
        mentor=actor,
        mentee=request.mentee,
        competency=request.competency,
        request=request,
        goals=goals,
        cadence=cadence,
    )
    request.status = MentorshipRequestStatus.ACCEPTED
    request.answered_at = timezone.now()
    request.save(update_fields=["status", "answered_at"])
    record(
        organization=actor.organization,
        actor=actor,
        action=MentoringAction.MENTORSHIP_STARTED,
        target=mentorship,
        target_label=f"{actor.name} mentors {request.mentee.name} ({request.competency.name})",
    )
    notifications.queue(
        recipient=request.mentee,
        kind="mentoring.answer",
        occasion=f"mentor-request:{request.pk}:accepted",
        title=f"{actor.name} will mentor you in {request.competency.name}",
        body=f"{mentorship.get_cadence_display()}. Goals: {excerpt(goals, 200)}",
        url=mentorship_url(mentorship),
    )
    return mentorship


@transaction.atomic
def decline_request(
    *, actor: Membership, request: MentorshipRequest, note: str = ""
) -> MentorshipRequest:
    """The mentor says no, optionally with a kind note the mentee reads."""
    if actor.pk != request.mentor_id:
        raise ValidationError("Only the person who was asked can decline this request.")
    note = (note or "").strip()
    if len(note) > MAX_ANSWER:
        raise ValidationError({"note": f"Keep the note to {MAX_ANSWER:,} characters."})
    request = _pending(request)
    request.status = MentorshipRequestStatus.DECLINED
    request.answer = note
    request.answered_at = timezone.now()
    request.save(update_fields=["status", "answer", "answered_at"])
    body = f"“{note}” " if note else ""
    notifications.queue(
        recipient=request.mentee,
        kind="mentoring.answer",
        occasion=f"mentor-request:{request.pk}:declined",
        title=f"{actor.name} can't take on mentoring in {request.competency.name} right now",
        body=body + "Thank you for asking. Other colleagues offer mentoring too: have a look.",
        url=reverse("development:mentor_find", kwargs={"org_slug": request.organization.slug})
        + f"?competency={request.competency_id}",
    )
    return request


@transaction.atomic
def withdraw_request(*, actor: Membership, request: MentorshipRequest) -> MentorshipRequest:
    """The mentee takes a request back while it waits for an answer."""
    if actor.pk != request.mentee_id:
        raise ValidationError("Only the person who asked can withdraw this request.")
    request = _pending(request)
    request.status = MentorshipRequestStatus.WITHDRAWN
    request.answered_at = timezone.now()
    request.save(update_fields=["status", "answered_at"])
    return request


# --- the mentorship -----------------------------------------------------------------------


def _require_party(actor: Membership, mentorship: Mentorship) -> None:
    if not is_party_to_mentorship(actor, mentorship):
        raise ValidationError("Only the mentor and the mentee can do that.")


@transaction.atomic
def log_session(
    *, actor: Membership, mentorship: Mentorship, held_on: date, notes: str = ""
) -> MentorshipSession:
    """Either person logs a session that took place: its date and a few notes."""
    _require_party(actor, mentorship)
    if mentorship.status != MentorshipStatus.ACTIVE:
        raise ValidationError("This mentorship is closed; its log is final.")
    errors = {}
    started = timezone.localtime(mentorship.started_at, zone_of(actor))
    if held_on is None:
        errors["held_on"] = "Give the date of the session."
    elif held_on > local_today(actor):
        errors["held_on"] = "Log sessions once they have happened: choose today or earlier."
    elif held_on < started.date():
        errors["held_on"] = f"The mentorship started on {started:%-d %B %Y}; choose a later date."
    notes = (notes or "").strip()
    if len(notes) > MAX_NOTES:
        errors["notes"] = f"Keep the notes to {MAX_NOTES:,} characters."
    if errors:
        raise ValidationError(errors)
    return MentorshipSession.objects.create(
        organization=mentorship.organization,
        mentorship=mentorship,
        held_on=held_on,
        notes=notes,
        logged_by=actor,
    )


@transaction.atomic
def update_goals(
    *, actor: Membership, mentorship: Mentorship, goals: str, cadence: str
) -> Mentorship:
    _require_party(actor, mentorship)
    if mentorship.status != MentorshipStatus.ACTIVE:
        raise ValidationError("This mentorship is closed.")
    errors = {}
    goals = (goals or "").strip()
    if not goals:
        errors["goals"] = "Write down what you work on together."
    elif len(goals) > MAX_GOALS:
        errors["goals"] = f"Keep the goals to {MAX_GOALS:,} characters."
    if cadence not in MentorshipCadence.values:
        errors["cadence"] = "Choose every week, every two weeks or every month."
    if errors:
        raise ValidationError(errors)
    mentorship.goals, mentorship.cadence = goals, cadence
    mentorship.save(update_fields=["goals", "cadence"])
    return mentorship


@transaction.atomic
def close_mentorship(*, actor: Membership, mentorship: Mentorship, reflection: str) -> Mentorship:
    """Either person closes the mentorship with a short reflection; once it is closed,
    the other person may still add theirs (once)."""
    _require_party(actor, mentorship)
    reflection = (reflection or "").strip()
    if not reflection:
        raise ValidationError(
            {"reflection": "Write a sentence or two: what you take away from it."}
        )
    if len(reflection) > MAX_REFLECTION:
        raise ValidationError({"reflection": f"Keep it to {MAX_REFLECTION:,} characters."})
    mentorship = (
        Mentorship.objects.select_for_update()
        .select_related("organization", "mentor__user", "mentee__user", "competency")
        .get(pk=mentorship.pk)
    )
    field = "mentor_reflection" if actor.pk == mentorship.mentor_id else "mentee_reflection"
    if mentorship.status == MentorshipStatus.CLOSED:
        if getattr(mentorship, field):
            raise ValidationError("This mentorship is closed and your reflection is saved.")
        setattr(mentorship, field, reflection)
        mentorship.save(update_fields=[field])
        return mentorship
    setattr(mentorship, field, reflection)
    mentorship.status = MentorshipStatus.CLOSED
    mentorship.closed_at = timezone.now()
    mentorship.closed_by = actor
    mentorship.save(update_fields=[field, "status", "closed_at", "closed_by"])
    other = mentorship.mentee if actor.pk == mentorship.mentor_id else mentorship.mentor
    record(
        organization=actor.organization,
        actor=actor,
        action=MentoringAction.MENTORSHIP_CLOSED,
        target=mentorship,
        target_label=f"{mentorship.mentor.name} and {mentorship.mentee.name} "
        f"({mentorship.competency.name})",
    )
    notifications.queue(
        recipient=other,
        kind="mentoring.closed",
        occasion=f"mentorship:{mentorship.pk}:closed",
        title=f"{actor.name} closed your mentorship in {mentorship.competency.name}",
        body="Thank you both. Add your own reflection: a sentence or two on what you take away.",
        url=mentorship_url(mentorship),
    )
    return mentorship
