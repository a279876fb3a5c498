"""Personal data, app by app: what a person can download about themselves, and what is
removed or anonymized when HR erases a departed person. Apps register in their
``wiring.py``::

    from perfapp.privacy import registry
    registry.SOURCES.register(registry.PersonalData(
        key="feedback", label="Feedback", order=20,
        export=export_feedback, erase=erase_feedback,
        covers=("feedback.Feedback", …),
        withheld={"feedback.CycleResponse": "why it is not in the export"},
    ))

``export(person)`` returns ``{section: [row, …]}`` of JSON-ready dicts: the rows by and
about the person that the person may see in the app. ``erase(person)`` runs inside the
erasure's transaction: it deletes the person's private rows and anonymizes what they
wrote in other people's records (``ERASED_TEXT``), keeping those records and every
aggregate consistent. ``covers`` names every model whose rows about or by a person the
export contains, and ``withheld`` every other model that references a person, with the
reason: a test holds every tenant model that references ``Membership`` to one or the
other, so a new model cannot be forgotten.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, QuerySet
from django.forms.models import model_to_dict

from perfapp.registry import Registry

FORMER_COLLEAGUE = "Former colleague"
ERASED_TEXT = "(removed: written by a former colleague)"


@dataclass(frozen=True)
class PersonalData:
    key: str
    label: str
    order: int
    export: Callable[[Any], dict[str, list[dict]]]
    erase: Callable[[Any], None]
    covers: tuple[str, ...] = ()
    withheld: dict[str, str] = field(default_factory=dict)


SOURCES: Registry[PersonalData] = Registry(
    "personal data source", order=lambda source: source.order
)


def rows(queryset: QuerySet, *, exclude: tuple[str, ...] = ()) -> list[dict]:
    """Rows as plain dicts of their own fields (ids for relations), in a bounded number
    of queries; ``exclude`` drops fields that are not the person's to read."""
    return [_row(obj, exclude) for obj in queryset]


def _row(obj: Model, exclude: tuple[str, ...]) -> dict:
    data = model_to_dict(obj, exclude=["organization", *exclude])
    for name in ("created_at", "updated_at"):
        if hasattr(obj, name) and name not in exclude:
            data[name] = getattr(obj, name)
    data["id"] = obj.pk
    return {key: _plain(value) for key, value in data.items()}


def _plain(value):
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value
