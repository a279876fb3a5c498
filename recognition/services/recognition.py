"""Writes: giving recognition, reacting and commenting. (HR's company values and
contribution kinds are ``recognition.services.values``.)

Every rule lives here, so the pages and the API give the same clear answer. Bad input
raises ``ValidationError`` before anything is written; a gift with points runs inside one
transaction that first locks the giver (``points.lock``), so two gifts sent at once can
never spend more than the monthly allowance.
"""

from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from advancement.models import Competency
from perfapp.notifications import services as notifications
from perfapp.orgs.models import Membership
from perfapp.text import excerpt
from recognition.models import (
    CompanyValue,
    ContributionKind,
    Reaction,
    Recognition,
    RecognitionComment,
    RecognitionRecipient,
)
from recognition.selectors import points as points_selectors
from recognition.services import points

MAX_RECIPIENTS = 20
MAX_MESSAGE = 2000
MAX_COMMENT = 1000
MAX_POINTS_EACH = 100_000


def _url(organization, name: str, **kwargs) -> str:
    return reverse(name, kwargs={"org_slug": organization.slug, **kwargs})


def names_of(people: Sequence[Membership]) -> str:
    names = [person.name for person in people]
    if len(names) <= 2:
        return " and ".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _field(name: str, message: str, code: str) -> dict:
    """A field error with a machine-readable code (the API's envelope shows it)."""
    return {name: ValidationError(message, code=code)}


# --- giving ---------------------------------------------------------------------------------


def _check_recipients(giver: Membership, recipients: list[Membership]) -> str | None:
    if not recipients:
        return "Choose at least one colleague to recognize."
    if len(recipients) > MAX_RECIPIENTS:
        return f"Recognize at most {MAX_RECIPIENTS} people at once."
    if any(person.organization_id != giver.organization_id for person in recipients):
        return "Choose colleagues from this organization."
    if any(person.pk == giver.pk for person in recipients):
        return "Recognition is for someone else; you can't recognize yourself."
    gone = [person for person in recipients if not person.is_active]
    if gone:
        verb = "is" if len(gone) == 1 else "are"
        return f"{names_of(gone)} {verb} no longer active here."
    return None


def _active_of(giver: Membership, items: Iterable, noun: str) -> tuple[list, str | None]:
    """The items, read again (so an archive made meanwhile counts), if they are all of the
    giver's organization and active."""
    items = list({item.pk: item for item in items}.values())
    if not items:
        return [], None
    if any(item.organization_id != giver.organization_id for item in items):
        return items, f"Choose {noun} of this organization."
    model = type(items[0])
    fresh = list(model.objects.filter(pk__in=[item.pk for item in items]))
    archived = [item.name for item in fresh if item.archived_at is not None]
    if archived or len(fresh) != len(items):
        name = archived[0] if archived else items[0].name
        return items, f"“{name}” is archived; choose one of the current {noun}."
    return fresh, None


@transaction.atomic
def give_recognition(
    *,
    giver: Membership,
    recipients: Iterable[Membership],
    message: str,
    kind: ContributionKind | None,
    values: Iterable[CompanyValue] = (),
    competencies: Iterable[Competency] = (),
    points_each: int = 0,
) -> Recognition:
    """Recognize one or several colleagues publicly; they and their managers are told.

    With points, the giver's allowance is locked, checked and spent in this transaction."""
    recipients = list({person.pk: person for person in recipients}.values())
    errors: dict[str, str] = {}
    problem = _check_recipients(giver, recipients)
    if problem:
        errors["recipients"] = problem
    message = (message or "").strip()
    if not message:
        errors["message"] = "Say what they did and why it mattered."
    elif len(message) > MAX_MESSAGE:
        errors["message"] = f"Keep it under {MAX_MESSAGE} characters."
    if kind is None:
        errors["kind"] = "Choose the kind of contribution."
    elif kind.organization_id != giver.organization_id:
        errors["kind"] = "Choose a kind of contribution of this organization."
    elif ContributionKind.objects.filter(pk=kind.pk, archived_at__isnull=False).exists():
        errors["kind"] = f"“{kind.name}” is archived; choose one of the current kinds."
    values, problem = _active_of(giver, values, "values")
    if problem:
        errors["values"] = problem
    competencies, problem = _active_of(giver, competencies, "competencies")
    if problem:
        errors["competencies"] = problem
    if points_each is None:
        points_each = 0
    if points_each < 0:
        errors["points_each"] = "Points can't be negative."
    elif points_each > MAX_POINTS_EACH:
        errors["points_each"] = "That is more points than anyone can give."
    if errors:
        raise ValidationError(errors)
    assert kind is not None  # a missing kind is one of the errors above

    points.lock(giver)
    try:
        total = points.check_allowance(giver, points_each, len(recipients))
    except ValidationError as error:  # the same words, with a machine-readable code
        code = "points_off" if points_selectors.allowance_left(giver) is None else "over_allowance"
        raise ValidationError(
            {"points_each": [ValidationError(m, code=code) for m in error.messages]}
        ) from None
    recognition = Recognition.objects.create(
        organization=giver.organization,
        giver=giver,
        message=message,
        kind=kind,
        points_each=points_each,
        points_total=total,
    )
    recognition.values.set(values)
    recognition.competencies.set(competencies)
    RecognitionRecipient.objects.bulk_create(
        RecognitionRecipient(
            organization=giver.organization,
            recognition=recognition,
            recipient=person,
            created_at=recognition.created_at,
        )
        for person in recipients
    )
    points.credit_recipients(recognition, recipients)
    _announce(recognition, giver, recipients)
    return recognition


def _announce(recognition: Recognition, giver: Membership, recipients: list[Membership]) -> None:
    """Each recipient is told; each recipient's manager once per recognition, naming their
    reports (not when the manager gave it, or is recognized in it too)."""
    organization = giver.organization
    url = _url(organization, "recognition:detail", pk=recognition.pk)
    short = excerpt(recognition.message, 160)
    gift = f" (+{recognition.points_each} points)" if recognition.points_each else ""
    for person in recipients:
        notifications.queue(
            recipient=person,
            kind="recognition.received",
            occasion=f"recognition:{recognition.pk}:{person.pk}",
            title=f"{giver.name} recognized you{gift}",
            body=short,
            url=url,
        )
    recognized = {person.pk for person in recipients}
    managers: dict[int, list[Membership]] = {}
    for person in recipients:
        if person.manager_id and person.manager_id not in recognized | {giver.pk}:
            managers.setdefault(person.manager_id, []).append(person)
    if not managers:
        return
    for manager in Membership.objects.select_related("user").filter(
        pk__in=list(managers), is_active=True
    ):
        reports = managers[manager.pk]
        verb = "who report" if len(reports) > 1 else "who reports"
        notifications.queue(
            recipient=manager,
            kind="recognition.for_report",
            occasion=f"recognition:{recognition.pk}:{manager.pk}:manager",
            title=f"{giver.name} recognized {names_of(reports)}, {verb} to you",
            body=short,
            url=url,
        )


# --- reactions and comments -------------------------------------------------------------------


def _check_emoji(emoji: str) -> None:
    if emoji not in Reaction.EMOJI:
        raise ValidationError(
            _field("emoji", f"React with one of {' '.join(Reaction.EMOJI)}.", "invalid_choice")
        )


def _check_member(member: Membership, recognition: Recognition) -> None:
    if member.organization_id != recognition.organization_id or not member.is_active:
        raise ValidationError("Only active members of this organization take part.")


def add_reaction(*, member: Membership, recognition: Recognition, emoji: str) -> Reaction:
    """React once per emoji: the same emoji again is refused with a clear message."""
    _check_member(member, recognition)
    _check_emoji(emoji)
    duplicate = ValidationError(
        _field(
            "emoji",
            f"You already reacted with {emoji}. Remove it to take it back.",
            "already_reacted",
        )
    )
    if Reaction.objects.filter(recognition=recognition, member=member, emoji=emoji).exists():
        raise duplicate
    try:
        with transaction.atomic():
            return Reaction.objects.create(
                organization=recognition.organization,
                recognition=recognition,
                member=member,
                emoji=emoji,
            )
    except IntegrityError:  # the same reaction sent twice at once: the first one won
        raise duplicate from None


def remove_reaction(*, member: Membership, recognition: Recognition, emoji: str) -> None:
    _check_emoji(emoji)
    deleted, _ = Reaction.objects.filter(
        recognition=recognition, member=member, emoji=emoji
    ).delete()
    if not deleted:
        raise ValidationError(_field("emoji", f"You have not reacted with {emoji}.", "not_reacted"))


def add_comment(*, author: Membership, recognition: Recognition, body: str) -> RecognitionComment:
    _check_member(author, recognition)
    body = (body or "").strip()
    if not body:
        raise ValidationError(_field("body", "Write a comment first.", "required"))
    if len(body) > MAX_COMMENT:
        raise ValidationError({"body": f"Keep comments under {MAX_COMMENT} characters."})
    comment = RecognitionComment.objects.create(
        organization=recognition.organization, recognition=recognition, author=author, body=body
    )
    people = [
        recognition.giver_id,
        *recognition.recipient_rows.values_list("recipient_id", flat=True),
    ]
    url = _url(recognition.organization, "recognition:detail", pk=recognition.pk)
    for person in Membership.objects.select_related("user").filter(
        pk__in={pk for pk in people if pk != author.pk}, is_active=True
    ):
        notifications.queue(
            recipient=person,
            kind="recognition.comment",
            occasion=f"recognition-comment:{comment.pk}",
            title=f"{author.name} commented on a recognition",
            body=excerpt(body, 160),
            url=url,
        )
    return comment
