"""Reads the ORM compiles once per process instead of on every request.

On small queries the ORM spends longer writing the SQL than Postgres spends running it:
about 0.6 ms against 0.3 ms for the header's unread count, and 5-15 ms of CPU for a home
panel's query with its annotations and subqueries. A compiled read lets the ORM write
the statement once, from an ordinary queryset, and afterwards only binds new values into
it. The queryset stays the single statement of the rule; nothing is written by hand.

- ``CompiledCount``: the number of rows of a queryset.
- ``CompiledGet``: the one row of a queryset as a model instance, or None.
- ``CompiledQuery``: the rows of a queryset as the queryset itself gives them (model
  instances with their ``select_related`` objects and annotations, or ``values()`` and
  ``values_list()`` rows), its ``prefetch_related`` run after, as the ORM runs it.

Parameters are integers, dates, aware date-times or lists of integers (an ``IN``). A
statement is written once per *shape* of the values (a list's length decides the SQL:
``IN (%s, %s)``, or no condition at all for an empty list, as the ORM writes it), so a
list parameter costs one statement per length met.

**Prepared on Postgres.** Postgres plans each statement again on every run, and for the
joins of a page (five to seven tables) planning takes longer than running: 0.3-3 ms
against 0.05-0.5 ms. A compiled statement is therefore also a server-side prepared
statement, once per connection (``PREPARE``, then ``EXECUTE`` with the values), so
Postgres may keep its plan. Values other than the named parameters are written into the
prepared text. ``DATABASE_PREPARED_STATEMENTS=false`` turns this off: needed behind
pgbouncer in transaction mode, which may run the ``EXECUTE`` on another server connection
than the ``PREPARE`` (docs/running.md).

The tenant is a parameter like the others: a tenant read names ``organization_id``
(refused otherwise), and the statement is written inside the scope of a stand-in
organization, so every tenant queryset in it (the read's own, a selector's subquery)
carries the organization's condition, bound at each call. A call inside another
organization's scope is refused.
"""

import hashlib
import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from threading import Lock
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models import Model, QuerySet, prefetch_related_objects
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from perfapp.tenancy.scoping import (
    get_active_organization_id,
    organization_scope,
    scopes_disabled,
)

# Stand-ins for the parameters while the ORM compiles: values no real row reaches, so
# each can be found again among the compiled statement's parameters.
_SENTINEL_INT = -(2**62)
_SENTINEL_DATE = date(2, 1, 1)
_SENTINEL_DATETIME = datetime(2, 1, 1, tzinfo=UTC)

# The kinds of values a parameter may take, by the shape they give the statement.
_INT, _DATE, _DATETIME, _LIST = "int", "date", "datetime", "list"


def _kind(name: str, value: Any) -> tuple[str, int]:
    """(kind, length) of one parameter's value; the length only matters for a list."""
    if isinstance(value, bool):
        raise TypeError(f"The parameter {name!r} is a boolean: write it into the queryset.")
    if isinstance(value, int):
        return _INT, 0
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise TypeError(f"The parameter {name!r} must be an aware date-time.")
        return _DATETIME, 0
    if isinstance(value, date):
        return _DATE, 0
    if isinstance(value, list | tuple | set | frozenset) and all(
        isinstance(item, int) and not isinstance(item, bool) for item in value
    ):
        return _LIST, len(set(value))
    raise TypeError(f"The parameter {name!r} must be an integer, a date or a list of integers.")


@dataclass(frozen=True, eq=False)
class _Statement:
    model: type[Model]
    sql: str
    params: list  # the compiled parameters, sentinels in place
    # parameter name -> where its value goes: (position in params, index in the list or
    # None for a single value)
    slots: dict[str, list[tuple[int, int | None]]]
    compiler: SQLCompiler  # what the ORM knows of the columns (converters, fields)
    queryset: QuerySet  # the compiled queryset: how its rows are built

    def run_as(self, params: list, using: str) -> tuple[str, tuple]:
        """The SQL and parameters to send for this call: ``EXECUTE`` of the prepared
        statement where it is prepared (or can be), else the statement itself."""
        return _run_as(self.sql, params, using, lambda: _prepared_form(self))


def prepared_sql(sql: str, params: list, *, using: str = DEFAULT_DB_ALIAS) -> tuple[str, tuple]:
    """For a statement written by hand rather than by the ORM (the tenant's resolution):
    what to send to run it prepared, every parameter a ``$n``. For statements whose plan
    does not depend on the tenant's size (a lookup by unique keys)."""
    return _run_as(sql, params, using, lambda: _plain_form(sql, len(params)))


def _run_as(
    sql: str, params: list, using: str, form_of: Callable[[], "_PreparedForm"]
) -> tuple[str, tuple]:
    connection = connections[using]
    if connection.vendor != "postgresql" or not settings.DATABASE_PREPARED_STATEMENTS:
        return sql, tuple(params)
    form = form_of()
    if form.name in _REFUSED:
        return sql, tuple(params)
    prepared = _prepared_on(connection)
    name, text = form.for_organization(params)
    if name in prepared:
        prepared.move_to_end(name)
    else:
        if not _prepare(connection, name, text):
            _REFUSED.add(form.name)
            return sql, tuple(params)
        prepared[name] = True
        while len(prepared) > PREPARED_PER_CONNECTION:
            _deallocate(connection, prepared.popitem(last=False)[0])
    values = tuple(params[position] for position in form.order)
    arguments = f"({', '.join(['%s'] * len(values))})" if values else ""
    return f"EXECUTE {name}{arguments}", values


# Prepared statements a connection keeps (the least recently used are deallocated): a
# statement is prepared per organization (below), and a connection serves many.
PREPARED_PER_CONNECTION = 400


# Statements Postgres refused to prepare (none is expected): they run as written.
_REFUSED: set[str] = set()


def _prepared_on(connection) -> OrderedDict:
    """The names prepared on this connection's current server session, oldest first;
    emptied when the driver's connection is a new one (a reconnect prepares again)."""
    connection.ensure_connection()
    raw = connection.connection
    backend = (id(raw), raw.get_backend_pid())
    state = connection.__dict__.setdefault("_perfapp_prepared", {"backend": None})
    if state["backend"] != backend:
        state["backend"] = backend
        state["names"] = OrderedDict()
    return state["names"]


_PLACEHOLDER = re.compile(r"%s|%%")


@dataclass(frozen=True)
class _PreparedForm:
    """A statement as Postgres prepares it, with a hole for the organization.

    The named parameters become ``$1``, ``$2`` … (one number per value, wherever it
    appears); every other value (a status, an annotation's constant) is written in as a
    literal, so Postgres plans with it and never guesses a type. The organization is
    written in too, one prepared statement per organization: a plan made without knowing
    the tenant (Postgres's generic plan) assumes an average organization and, for the one
    of 20,000 people, read every row of the organization to find twelve (17-30 ms
    instead of 0.1 on the bench's seed). Written in, the organization's own statistics
    choose the plan.
    """

    name: str
    head: str  # the PREPARE text up to the organization's literal …
    tail: list[str]  # … and after each occurrence of it
    organization_positions: list[int]  # where its value is in the compiled parameters
    order: list[int]  # for $1, $2 …: the position of its value in the compiled parameters

    def for_organization(self, params: list) -> tuple[str, str]:
        if not self.organization_positions:
            return self.name, self.head
        organization_id = int(params[self.organization_positions[0]])
        name = f"{self.name}_{organization_id}"
        text = str(organization_id).join([self.head.replace(self.name, name, 1), *self.tail])
        return name, text


def _prepared_form(statement: _Statement) -> _PreparedForm:
    cached = statement.__dict__.get("_prepared_form")
    if cached is None:
        slot_of = {
            position: (name, index)
            for name, places in statement.slots.items()
            for position, index in places
        }
        cached = _form(statement.sql, statement.params, slot_of)
        object.__setattr__(statement, "_prepared_form", cached)  # frozen: cached once
    return cached


@cache
def _plain_form(sql: str, count: int) -> _PreparedForm:
    """Every parameter a ``$n`` of its own."""
    return _form(sql, [None] * count, {n: (f"p{n}", None) for n in range(count)})


def _form(sql: str, params: list, slot_of: dict[int, tuple[str, int | None]]) -> _PreparedForm:
    """``sql`` as Postgres prepares it: the parameters ``slot_of`` names (position ->
    (parameter, list index)) as ``$n``, the organization's as the hole, the others as
    literals."""
    numbers: dict[tuple[str, int | None], int] = {}  # (parameter, list index) -> n
    order: list[int] = []
    organization: list[int] = []
    ops: Any = connections[DEFAULT_DB_ALIAS].ops  # Postgres's: compose_sql writes a literal
    literal = ops.compose_sql
    pieces: list[list[str]] = [[]]  # the text, split where the organization goes
    position = 0
    last = 0
    for match in _PLACEHOLDER.finditer(sql):
        pieces[-1].append(sql[last : match.start()])
        last = match.end()
        if match.group() == "%%":
            pieces[-1].append("%")
            continue
        slot = slot_of.get(position)
        if slot is None:
            pieces[-1].append(literal("%s", [params[position]]))
        elif slot[0] == "organization_id":
            organization.append(position)
            pieces.append([])
        else:
            if slot not in numbers:
                numbers[slot] = len(numbers) + 1
                order.append(position)
            pieces[-1].append(f"${numbers[slot]}")
        position += 1
    pieces[-1].append(sql[last:])
    body = ["".join(piece) for piece in pieces]
    digest = hashlib.sha1("\0".join(body).encode(), usedforsecurity=False).hexdigest()[:20]
    name = f"perfapp_{digest}"
    return _PreparedForm(name, f"PREPARE {name} AS {body[0]}", body[1:], organization, order)


def _deallocate(connection, name: str) -> None:
    with connection.connection.cursor() as cursor:
        cursor.execute(f"DEALLOCATE {name}")


def _prepare(connection, name: str, text: str) -> bool:
    """Prepare on this connection; False if Postgres refuses (the caller then runs the
    plain statement). Inside a transaction the attempt gets a savepoint of its own, so a
    refusal does not abort the caller's transaction. Sent on the driver's own cursor:
    preparing is not one of the page's queries (it happens once per connection, so
    counting it would make every query budget depend on what ran before)."""
    in_transaction = not connection.get_autocommit()
    with connection.connection.cursor() as cursor:
        try:
            if in_transaction:
                cursor.execute("SAVEPOINT perfapp_prepare")
            cursor.execute(text)
        except connection.Database.Error:  # the driver's own: this cursor is not Django's
            if in_transaction:
                cursor.execute("ROLLBACK TO SAVEPOINT perfapp_prepare")
            return False
        finally:
            if in_transaction:
                cursor.execute("RELEASE SAVEPOINT perfapp_prepare")
    return True


class _Compiled:
    """A queryset whose parameters change from call to call.

    ``build`` receives the parameters by name and returns the queryset, e.g.
    ``lambda organization_id, recipient_id: Notification.objects.filter(...)``; each name
    must reach the statement as a value (an ``=``, ``IN`` or comparison condition, an
    annotation's condition), not be folded into its text.
    """

    def __init__(
        self,
        build: Callable[..., QuerySet],
        *,
        params: tuple[str, ...],
        spans_organizations: bool = False,
    ):
        """``spans_organizations``: a read across tenants by design (a person's own
        memberships, for the organization switcher), which names no organization."""
        self._build = build
        self._names = params
        self._spans_organizations = spans_organizations
        self._compiled: dict[tuple, _Statement | None] = {}
        self._lock = Lock()

    def _shape(self, queryset: QuerySet) -> QuerySet:
        """The queryset as this kind of read runs it."""
        return queryset

    def _wrap(self, sql: str) -> str:
        return sql

    def _compile(self, kinds: tuple[tuple[str, int], ...]) -> _Statement | None:
        """The statement for values of these kinds, or None when the ORM finds that it
        can match no row (an ``IN`` of an empty list)."""
        sentinels: dict[str, Any] = {}
        wanted: dict[Any, tuple[str, int | None]] = {}  # adapted sentinel -> its slot
        ops = connections[DEFAULT_DB_ALIAS].ops
        counter = 0
        for name, (kind, length) in zip(self._names, kinds, strict=True):
            if kind == _LIST:
                values = [_SENTINEL_INT + counter + n for n in range(length)]
                counter += length
                sentinels[name] = values
                wanted.update({value: (name, n) for n, value in enumerate(values)})
                continue
            value: Any
            adapted: Any
            if kind == _INT:
                value, adapted = _SENTINEL_INT + counter, _SENTINEL_INT + counter
            elif kind == _DATE:
                value = _SENTINEL_DATE + timedelta(days=counter)
                adapted = ops.adapt_datefield_value(value)
            else:
                value = _SENTINEL_DATETIME + timedelta(seconds=counter)
                adapted = ops.adapt_datetimefield_value(value)
            counter += 1
            sentinels[name] = value
            wanted[adapted] = (name, None)
        # Every database perfapp runs on (a primary and its replicas) is Postgres, so the
        # statement written for one alias serves them all. Written inside the scope of the
        # stand-in organization, so every tenant queryset within it (a subquery of a
        # selector, a related manager) names the organization as a request's would.
        tenant = sentinels.get("organization_id")
        with scopes_disabled() if tenant is None else organization_scope(tenant):
            queryset = self._shape(self._build(**sentinels))
            if (
                not self._spans_organizations
                and any(field.name == "organization" for field in queryset.model._meta.fields)
                and "organization_id" not in self._names
            ):
                raise ValueError(
                    f"{queryset.model.__name__} belongs to an organization: a compiled read "
                    "must name it as the parameter 'organization_id'."
                )
            compiler = queryset.query.get_compiler(using=DEFAULT_DB_ALIAS)
            try:
                sql, params = compiler.as_sql()
            except EmptyResultSet:
                return None
        params = list(params)
        slots: dict[str, list[tuple[int, int | None]]] = {name: [] for name in self._names}
        for position, value in enumerate(params):
            if isinstance(value, bool) or not isinstance(value, int | date | str):
                continue
            found = wanted.get(value)
            if found is not None:
                slots[found[0]].append((position, found[1]))
        for name, (kind_of, length_of) in zip(self._names, kinds, strict=True):
            expected = length_of if kind_of == _LIST else 1
            if len({index for _position, index in slots[name]}) != expected:
                raise ValueError(
                    f"The parameter {name!r} must reach the query as a value; the ORM "
                    "folded it into the statement or dropped it."
                )
        return _Statement(queryset.model, self._wrap(sql), params, slots, compiler, queryset)

    def _statement(self, kinds: tuple[tuple[str, int], ...]) -> _Statement | None:
        # The active time zone goes into what ``__date`` and ``Trunc*`` write: a
        # statement per zone, should a request ever activate another.
        key = (timezone.get_current_timezone_name(), kinds)
        if key not in self._compiled:
            with self._lock:
                if key not in self._compiled:
                    self._compiled[key] = self._compile(kinds)
        return self._compiled[key]

    def _bind(self, values: dict[str, Any]) -> tuple[_Statement | None, list]:
        """The statement for these values and its parameters, the values bound in."""
        if set(values) != set(self._names):
            raise TypeError(f"Expected exactly the parameters {sorted(self._names)}.")
        active = get_active_organization_id()
        if active is not None and int(values.get("organization_id", active)) != active:
            raise ValueError("A compiled read names another organization than the scope.")
        kinds = tuple(_kind(name, values[name]) for name in self._names)
        statement = self._statement(kinds)
        if statement is None:
            return None, []
        ops = connections[DEFAULT_DB_ALIAS].ops
        params = list(statement.params)
        for name, (kind, _length) in zip(self._names, kinds, strict=True):
            value = values[name]
            if kind == _LIST:
                value = list(dict.fromkeys(value))  # the ORM's IN drops repeated values
            elif kind == _DATE:
                value = ops.adapt_datefield_value(value)
            elif kind == _DATETIME:
                value = ops.adapt_datetimefield_value(value)
            for position, index in statement.slots[name]:
                params[position] = value if index is None else value[index]
        return statement, params

    def _rows(self, values: dict[str, Any]) -> tuple[_Statement | None, str, list[tuple]]:
        statement, params = self._bind(values)
        if statement is None:
            return None, DEFAULT_DB_ALIAS, []
        # Where the ORM would read this model from (the primary, or a replica when routed).
        using = router.db_for_read(statement.model)
        sql, arguments = statement.run_as(params, using)
        with connections[using].cursor() as cursor:
            cursor.execute(sql, arguments)
            return statement, using, cursor.fetchall()


class CompiledCount(_Compiled):
    """``COUNT(*)`` of the queryset."""

    def _shape(self, queryset: QuerySet) -> QuerySet:
        return queryset.values("pk")

    def _wrap(self, sql: str) -> str:
        return f"SELECT COUNT(*) FROM ({sql}) AS counted"

    def __call__(self, **values: Any) -> int:
        statement, _using, rows = self._rows(values)
        return rows[0][0] if statement is not None else 0


class CompiledGet(_Compiled):
    """The queryset's one row as a model instance (all its fields, no related objects),
    or None when there is none; built as the ORM builds it (``Model.from_db``, with the
    ORM's converters). For a lookup by a unique key."""

    def _shape(self, queryset: QuerySet) -> QuerySet:
        query = queryset.query
        if query.select_related or query.annotations or query.deferred_loading[0]:
            raise ValueError("A compiled get reads one model's own fields only.")
        return queryset[:2]  # more than one is an error, as with QuerySet.get()

    def __call__(self, **values: Any) -> Model | None:
        statement, using, rows = self._rows(values)
        if statement is None or not rows:
            return None
        if len(rows) > 1:  # the model's own exception, as QuerySet.get() raises it
            raise statement.model.MultipleObjectsReturned(  # type: ignore[attr-defined]
                f"{statement.model.__name__} compiled get found more than one row."
            )
        compiler = statement.compiler
        columns = [column for column, _, _ in compiler.select]
        converters = compiler.get_converters(columns)
        [row] = compiler.apply_converters(rows, converters) if converters else rows
        attnames = [column.target.attname for column in columns]
        return statement.model.from_db(using, attnames, tuple(row))


class _BoundQuery:
    """What the ORM's row builders read of a query: its compiler, here the compiled one
    with this call's values, and the names of its columns."""

    def __init__(self, statement: _Statement, compiler: SQLCompiler):
        query = statement.queryset.query
        self._compiler = compiler
        self.selected = query.selected
        self.extra_select = query.extra_select
        self.values_select = query.values_select
        self.annotation_select = query.annotation_select

    def get_compiler(self, using=None, connection=None, elide_empty=True) -> SQLCompiler:
        return self._compiler


class CompiledQuery(_Compiled):
    """The queryset's rows, built by the queryset's own row builder (``ModelIterable``,
    ``ValuesIterable`` …) from the compiled statement: the same instances, related
    objects, annotations and values as iterating the queryset gives, in a list."""

    def __call__(self, **values: Any) -> list:
        statement, params = self._bind(values)
        if statement is None:
            return []
        using = router.db_for_read(statement.model)
        compiler = _bind_compiler(statement, params, using)
        # The ORM's row builders read these private attributes of the queryset.
        queryset: Any = statement.queryset
        rows = SimpleNamespace(
            db=using,
            query=_BoundQuery(statement, compiler),
            model=statement.model,
            _fields=queryset._fields,
            _fetch_mode=queryset._fetch_mode,
            _known_related_objects={},
        )
        found = list(queryset._iterable_class(rows))
        if queryset._prefetch_related_lookups and found:
            prefetch_related_objects(found, *queryset._prefetch_related_lookups)
        return found


def _bind_compiler(statement: _Statement, params: list, using: str) -> SQLCompiler:
    """A copy of the compiled compiler that answers ``as_sql`` with the statement and
    this call's parameters, on the connection the read is routed to. The copy keeps what
    the first compiling worked out (the columns, their converters, the related objects'
    layout), which the row builders read."""
    compiler = SQLCompiler.__new__(type(statement.compiler))
    compiler.__dict__.update(statement.compiler.__dict__)
    compiler.using = using
    compiler.connection = connections[using]

    def as_sql(with_limits: bool = True, with_col_aliases: bool = False) -> tuple[str, tuple]:
        return statement.run_as(params, using)

    compiler.as_sql = as_sql  # type: ignore[method-assign]
    return compiler
