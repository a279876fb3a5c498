"""Writes: giving recognition, reacting and commenting, and HR's company values and
contribution kinds.

Every rule lives here, so the pages and the API give the same clear answer. Bad input
raises ``ValidationError`` before anything is written; a gift with points runs inside one
transaction that first locks the giver (``points.lock``), so two gifts sent at once can
never spend more than the monthly allowance.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from advancement.models import Competency
from perfapp.audit.services import record
from perfapp.notifications import services as notifications
from perfapp.orgs.models import Membership
from perfapp.text import excerpt

from ..models import (
    CompanyValue,
    ContributionKind,
    Reaction,
    Recognition,
    RecognitionComment,
    RecognitionRecipient,
)
from . import points

MAX_RECIPIENTS = 20
MAX_MESSAGE = 2000
MAX_COMMENT = 1000
MAX_POINTS_EACH = 100_000


class CatalogueAction(models.TextChoices):
    """Audit log entries for HR's changes to values and contribution kinds."""

    VALUE_ADDED = "recognition.value_added", "Company value added"
    VALUE_CHANGED = "recognition.value_changed", "Company value changed"
    VALUE_ARCHIVED = "recognition.value_archived", "Company value archived"
    VALUE_RESTORED = "recognition.value_restored", "Company value restored"
    VALUE_MOVED = "recognition.value_moved", "Company values reordered"
    KIND_ADDED = "recognition.kind_added", "Contribution kind added"
    KIND_CHANGED = "recognition.kind_changed", "Contribution kind changed"
    KIND_ARCHIVED = "recognition.kind_archived", "Contribution kind archived"
    KIND_RESTORED = "recognition.kind_restored", "Contribution kind restored"
    KIND_MOVED = "recognition.kind_moved", "Contribution kinds reordered"


# The contribution kinds every organization starts with (written by us; HR renames,
# reorders, archives and adds to them).
BUILT_IN_KINDS = [
    ("Output / result", "Shipped, delivered or moved a result people can point to."),
    ("Collaboration", "Made other people's work easier: helped, unblocked, shared, included."),
    ("Mentorship", "Taught, coached or grew someone, formally or over a coffee."),
    ("Problem solving", "Untangled something hard: a bug, a process, a disagreement."),
    (
        "Innovation or a calculated risk",
        "Tried something new or took a thoughtful risk, whatever the outcome.",
    ),
    ("Customer impact", "Made a real difference for a customer or a user."),
]


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
        code = "points_off" if points.allowance_left(giver) is None else "over_allowance"
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


# --- company values and contribution kinds ----------------------------------------------------


@dataclass(frozen=True)
class _Catalogue:
    model: type[models.Model]
    noun: str
    added: str
    changed: str
    archived: str
    restored: str
    moved: str


VALUES = _Catalogue(
    CompanyValue,
    "value",
    CatalogueAction.VALUE_ADDED,
    CatalogueAction.VALUE_CHANGED,
    CatalogueAction.VALUE_ARCHIVED,
    CatalogueAction.VALUE_RESTORED,
    CatalogueAction.VALUE_MOVED,
)
KINDS = _Catalogue(
    ContributionKind,
    "contribution kind",
    CatalogueAction.KIND_ADDED,
    CatalogueAction.KIND_CHANGED,
    CatalogueAction.KIND_ARCHIVED,
    CatalogueAction.KIND_RESTORED,
    CatalogueAction.KIND_MOVED,
)


def ensure_built_in_kinds(organization_id: int) -> None:
    """The default contribution kinds, created on an organization's first use. A race of
    two first uses creates each kind once (the unique name constraint wins)."""
    if ContributionKind.objects.exists():
        return
    ContributionKind.objects.bulk_create(
        [
            ContributionKind(
                organization_id=organization_id, name=name, description=text, position=index
            )
            for index, (name, text) in enumerate(BUILT_IN_KINDS)
        ],
        ignore_conflicts=True,
    )


def _clean_text(fields: dict, errors: dict, *, emoji: bool) -> dict:
    name = (fields.get("name") or "").strip()
    description = (fields.get("description") or "").strip()
    cleaned = {"name": name, "description": description}
    if not name:
        errors["name"] = "Give it a name."
    elif len(name) > 60:
        errors["name"] = "Keep the name under 60 characters."
    if len(description) > 300:
        errors["description"] = "Keep the description under 300 characters."
    if emoji:
        symbol = (fields.get("emoji") or "").strip()
        if len(symbol) > 8:
            errors["emoji"] = "Use one emoji (or leave it empty)."
        elif symbol and any(char.isalnum() for char in symbol):
            errors["emoji"] = "Use an emoji, not letters or digits."
        cleaned["emoji"] = symbol
    return cleaned


def _check_unique_name(catalogue: _Catalogue, name: str, exclude_pk: int | None) -> None:
    clash = catalogue.model.objects.filter(name__iexact=name, archived_at__isnull=True)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"name": f"There is already a {catalogue.noun} called “{name}”."})


def _competencies_of(actor: Membership, competencies, keep=()) -> list[Competency]:
    """Active competencies of the organization; ones the kind already maps stay allowed
    even if archived since."""
    competencies = list({c.pk: c for c in competencies}.values())
    kept = {c.pk for c in keep}
    if any(
        c.organization_id != actor.organization_id or (c.is_archived and c.pk not in kept)
        for c in competencies
    ):
        raise ValidationError({"competencies": "Choose active competencies of this organization."})
    return competencies


@transaction.atomic
def _add(catalogue: _Catalogue, actor: Membership, fields: dict, competencies=None):
    if catalogue is KINDS:  # the built-in kinds come first, as on any other first use
        ensure_built_in_kinds(actor.organization_id)
    errors: dict[str, str] = {}
    cleaned = _clean_text(fields, errors, emoji=catalogue is VALUES)
    if errors:
        raise ValidationError(errors)
    _check_unique_name(catalogue, cleaned["name"], None)
    mapped = _competencies_of(actor, competencies or ()) if catalogue is KINDS else []
    last = catalogue.model.objects.aggregate(last=Max("position"))["last"]
    item = catalogue.model.objects.create(
        organization=actor.organization, position=0 if last is None else last + 1, **cleaned
    )
    if catalogue is KINDS:
        item.competencies.set(mapped)
    changes = {key: [None, value] for key, value in cleaned.items() if value}
    if mapped:
        changes["competencies"] = [None, ", ".join(sorted(c.name for c in mapped))]
    record(
        organization=actor.organization,
        actor=actor,
        action=catalogue.added,
        target=item,
        changes=changes,
    )
    return item


@transaction.atomic
def _change(catalogue: _Catalogue, actor: Membership, item, fields: dict, competencies=None):
    if item.archived_at is not None:
        raise ValidationError(
            f"“{item.name}” is archived; restore it before editing.", code="archived"
        )
    errors: dict[str, str] = {}
    cleaned = _clean_text(fields, errors, emoji=catalogue is VALUES)
    if errors:
        raise ValidationError(errors)
    _check_unique_name(catalogue, cleaned["name"], item.pk)
    changes = {
        key: [getattr(item, key), value]
        for key, value in cleaned.items()
        if getattr(item, key) != value
    }
    if catalogue is KINDS and competencies is not None:
        before = list(item.competencies.all())
        mapped = _competencies_of(actor, competencies, keep=before)
        old = ", ".join(sorted(c.name for c in before))
        new = ", ".join(sorted(c.name for c in mapped))
        if old != new:
            changes["competencies"] = [old, new]
        item.competencies.set(mapped)
    for key, value in cleaned.items():
        setattr(item, key, value)
    item.save(update_fields=list(cleaned))
    if changes:
        record(
            organization=actor.organization,
            actor=actor,
            action=catalogue.changed,
            target=item,
            changes=changes,
        )
    return item


def _archive(catalogue: _Catalogue, actor: Membership, item) -> None:
    if item.archived_at is not None:
        raise ValidationError(f"“{item.name}” is already archived.", code="archived")
    if (
        catalogue is KINDS
        and not ContributionKind.objects.filter(archived_at__isnull=True)
        .exclude(pk=item.pk)
        .exists()
    ):
        raise ValidationError(
            "Keep at least one contribution kind: every recognition names one.", code="last_kind"
        )
    item.archived_at = timezone.now()
    item.save(update_fields=["archived_at"])
    record(
        organization=actor.organization,
        actor=actor,
        action=catalogue.archived,
        target=item,
        changes={"archived": [False, True]},
    )


def _restore(catalogue: _Catalogue, actor: Membership, item) -> None:
    if item.archived_at is None:
        raise ValidationError(f"“{item.name}” is not archived.", code="not_archived")
    _check_unique_name(catalogue, item.name, item.pk)
    last = catalogue.model.objects.filter(archived_at__isnull=True).aggregate(last=Max("position"))[
        "last"
    ]
    item.archived_at = None
    item.position = 0 if last is None else last + 1
    item.save(update_fields=["archived_at", "position"])
    record(
        organization=actor.organization,
        actor=actor,
        action=catalogue.restored,
        target=item,
        changes={"archived": [True, False]},
    )


@transaction.atomic
def _move(catalogue: _Catalogue, actor: Membership, item, direction: str) -> bool:
    """Swap with the neighbour above or below among the active ones; positions are
    renumbered 0…n-1 so they stay tidy. Returns whether anything moved."""
    if direction not in ("up", "down"):
        raise ValidationError(_field("direction", "Move it up or down.", "invalid_choice"))
    if item.archived_at is not None:
        raise ValidationError(f"“{item.name}” is archived; restore it first.", code="archived")
    rows = list(
        catalogue.model.objects.select_for_update()
        .filter(archived_at__isnull=True)
        .order_by("position", "id")
    )
    index = next(i for i, row in enumerate(rows) if row.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(rows):
        return False
    rows[index], rows[other] = rows[other], rows[index]
    for position, row in enumerate(rows):
        row.position = position
    catalogue.model.objects.bulk_update(rows, ["position"])
    item.position = rows.index(next(row for row in rows if row.pk == item.pk))
    record(
        organization=actor.organization,
        actor=actor,
        action=catalogue.moved,
        target=item,
        changes={"position": [index + 1, other + 1]},
    )
    return True


def add_value(*, actor: Membership, name: str, description: str = "", emoji: str = ""):
    return _add(VALUES, actor, {"name": name, "description": description, "emoji": emoji})


def change_value(
    *, actor: Membership, value: CompanyValue, name: str, description: str = "", emoji: str = ""
) -> CompanyValue:
    return _change(VALUES, actor, value, {"name": name, "description": description, "emoji": emoji})


def archive_value(*, actor: Membership, value: CompanyValue) -> None:
    _archive(VALUES, actor, value)


def restore_value(*, actor: Membership, value: CompanyValue) -> None:
    _restore(VALUES, actor, value)


def move_value(*, actor: Membership, value: CompanyValue, direction: str) -> bool:
    return _move(VALUES, actor, value, direction)


def add_kind(
    *, actor: Membership, name: str, description: str = "", competencies=()
) -> ContributionKind:
    return _add(KINDS, actor, {"name": name, "description": description}, competencies)


def change_kind(
    *,
    actor: Membership,
    kind: ContributionKind,
    name: str,
    description: str = "",
    competencies=None,
) -> ContributionKind:
    return _change(KINDS, actor, kind, {"name": name, "description": description}, competencies)


def archive_kind(*, actor: Membership, kind: ContributionKind) -> None:
    _archive(KINDS, actor, kind)


def restore_kind(*, actor: Membership, kind: ContributionKind) -> None:
    _restore(KINDS, actor, kind)


def move_kind(*, actor: Membership, kind: ContributionKind, direction: str) -> bool:
    return _move(KINDS, actor, kind, direction)
