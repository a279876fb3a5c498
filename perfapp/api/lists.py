"""Read-only API lists answered from plain values.

A page of 50 rows read as models and shown through nested ModelSerializers costs most of
a list's time in Python: every row builds a model for each relation it names (a feedback
item, its author, the author's user …) and every field of every nested serializer runs
its own ``to_representation``. A list that matters for speed reads instead the columns it
shows with ``.values()`` and builds each row's dict in one function, with the helpers
below for the shapes every resource shares (a person, a reference, a date-time, the rows of
a many-to-many relation).

Its ModelSerializer stays the endpoint's ``serializer_class``: it describes the list in
the OpenAPI schema and answers every other action (retrieve, create, update), and a test
holds the plain rows to the serializer's output for the same rows, key by key and in the
same order.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers

from perfapp.accounts.models import display_name
from perfapp.compiled import CompiledQuery
from perfapp.orgs.models import Membership
from perfapp.tenancy.scoping import get_active_organization_id

Row = dict[str, Any]


class PlainListMixin:
    # A viewset whose ``list`` answers from plain values, paginated as before.
    #
    # ``list_values()`` gives the rows as a ``.values()`` queryset that holds the
    # pagination's ordering columns (the cursor reads them from each row's dict);
    # ``list_rows(page)`` turns one page of them into the serializer's shape.
    #
    # A comment, not a docstring: the OpenAPI schema describes an endpoint with the first
    # docstring of its viewset's classes, and this one is no endpoint's description.

    def list_values(self) -> QuerySet:
        raise NotImplementedError

    def list_rows(self, page: list[Row]) -> list[Row]:
        raise NotImplementedError

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.list_values())  # type: ignore[attr-defined]
        return self.get_paginated_response(self.list_rows(page))  # type: ignore[attr-defined]


def datetime_text() -> Callable[[datetime | None], str | None]:
    """How ``serializers.DateTimeField`` writes a date-time (ISO 8601 in the current time
    zone, ``Z`` for UTC, ``None`` for none), as one function to call per value of a page.
    It is DRF's own, so the settings that change it (``DATETIME_FORMAT``) change both."""
    return serializers.DateTimeField().to_representation


class Ref:
    """A reference to a related object, ``{"id": …, <names>…}`` or ``None``, as a
    ModelSerializer nests it, read from the values of the foreign key ``field``:
    ``Ref("team", "name")`` reads ``team_id`` and ``team__name``."""

    def __init__(self, field: str, *names: str):
        self.key = f"{field}_id"
        self.pairs = tuple((name, f"{field}__{name}") for name in names)
        self.columns = (self.key, *(column for _, column in self.pairs))

    def __call__(self, row: Row) -> Row | None:
        pk = row[self.key]
        if pk is None:
            return None
        ref = {"id": pk}
        for name, column in self.pairs:
            ref[name] = row[column]
        return ref


class PersonRef:
    """A member as other resources name them, ``{"id", "name"}`` or ``None``
    (``PersonRefSerializer``), read from the values of the foreign key ``field`` to a
    membership: its id and its user's name and email (``display_name``)."""

    def __init__(self, field: str):
        self.key = f"{field}_id"
        self.name = f"{field}__user__name"
        self.email = f"{field}__user__email"
        self.columns = (self.key, self.name, self.email)

    def __call__(self, row: Row) -> Row | None:
        pk = row[self.key]
        if pk is None:
            return None
        return {"id": pk, "name": display_name(row[self.name], row[self.email])}


def names_of(member_ids: Iterable[int]) -> dict[int, str]:
    """The names of these members (``display_name``), in one query: the people of a page
    read after it, rather than joined into it. A page ordered by something no index gives
    (newest first among a manager's reports' feedback) is sorted after its joins, so
    joining people would read them for every row before the sort instead of for 50."""
    ids = sorted(set(member_ids))
    organization_id = get_active_organization_id()
    if organization_id is None:  # outside a tenant's scope the ORM's scoping answers
        rows = Membership.objects.filter(pk__in=ids).order_by().values_list(*_NAME_COLUMNS)
    else:
        rows = _names(organization_id=organization_id, member_ids=ids)
    return {pk: display_name(name, email) for pk, name, email in rows}


_NAME_COLUMNS = ("pk", "user__name", "user__email")
# Every page of the feedback list asks: compiled once (perfapp/compiled.py).
_names = CompiledQuery(
    lambda organization_id, member_ids: (
        Membership.objects.filter(pk__in=member_ids).order_by().values_list(*_NAME_COLUMNS)
    ),
    params=("organization_id", "member_ids"),
)


def grouped(rows: Iterable[Sequence[Any]], keys: Sequence[str]) -> defaultdict[int, list[Row]]:
    """Rows of a many-to-many relation read as ``(parent id, *values)`` tuples, in the
    order they are to be shown: per parent, a list of dicts with ``keys`` (one per value).
    A parent without rows gets an empty list."""
    found: defaultdict[int, list[Row]] = defaultdict(list)
    for parent, *values in rows:
        found[parent].append(dict(zip(keys, values, strict=True)))
    return found
