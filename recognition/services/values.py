"""Writes of the catalogue HR keeps for recognition: the company values and the
contribution kinds (added, edited, ordered, archived, restored; kinds also map to
competencies). Every change is in the audit log.

The two lists follow the same rules, so one set of private functions serves both, each
told by a ``_Catalogue`` which model, noun and audit actions it works with.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from advancement.models import Competency
from perfapp.audit.services import record
from perfapp.orgs.models import Membership
from recognition.audit import CatalogueAction
from recognition.models import CompanyValue, ContributionKind

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


@dataclass(frozen=True)
class _Catalogue:
    # CompanyValue or ContributionKind. Any, not their Union: the shared functions use
    # what both have (objects, name, position, archived_at) and, for kinds only,
    # competencies, which a Union would refuse on every access.
    model: type[Any]
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
        raise ValidationError(
            {"direction": ValidationError("Move it up or down.", code="invalid_choice")}
        )
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
