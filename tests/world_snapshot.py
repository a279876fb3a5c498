"""Test worlds built once per worker and restored into each test's transaction.

Building an organization's world runs about fifty real service calls (a framework
published, a feedback cycle, a 1:1 series, plans, mentoring), and most tests ask for two
worlds. Here a world is built once, in a savepoint: the rows it wrote are read back as JSON
(table by table, only the rows that were not there before) and the savepoint is rolled
back. Each later request for the same world writes those rows again in one statement, with
the same primary keys, and hands out a deep copy of the Python objects, so a test that
changes a world (in the database or in memory) changes nothing for the next one. Postgres
types the rows itself (``json_populate_recordset``), so every column comes back as it was.

A snapshot is built again when it could be stale: after a transactional test emptied the
database (the tables that held rows when it was taken no longer hold the same), when the
clock moved (a test that travels in time builds its world at that time), or after half an
hour, so that "today" in a world is today.
"""

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

FRESH_FOR = timedelta(minutes=30)


@dataclass
class Snapshot:
    world: Any
    rows: dict[str, tuple[list[str], str]]  # table → (columns, rows as JSON)
    filled: list[tuple[str, str]]  # the tables that held rows before the world was built
    baseline: tuple  # their fingerprint then
    taken_at: datetime


def _tables() -> list[tuple[str, str]]:
    """(table, primary key column) of every table a model writes, each once."""
    seen: dict[str, str] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        seen.setdefault(meta.db_table, meta.pk.column)
    return sorted(seen.items())


def _columns(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = %s "
            "AND is_generated = 'NEVER' ORDER BY ordinal_position",
            [table],
        )
        return [row[0] for row in cursor.fetchall()]


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def _keys_by_table(tables: list[tuple[str, str]]) -> dict[str, list]:
    """Every table's primary keys, as text, in one round trip."""
    union = " UNION ALL ".join(
        f"SELECT %s, array_agg({_quoted(pk)}::text) FROM {_quoted(table)}" for table, pk in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(union, [table for table, _ in tables])
        return {table: keys or [] for table, keys in cursor.fetchall()}


def _fingerprint(tables: list[tuple[str, str]]) -> tuple:
    """Row count and largest key of each of ``tables``: what a flush or a data migration
    run again would change."""
    if not tables:
        return ()
    union = " UNION ALL ".join(
        f"SELECT %s, count(*), max({_quoted(pk)}::text) FROM {_quoted(table)}"
        for table, pk in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(union, [table for table, _ in tables])
        return tuple(sorted(cursor.fetchall()))


def take(build: Callable[[], Any]) -> Snapshot:
    """Build a world in a savepoint, keep its rows and objects, and roll it back."""
    tables = _tables()
    taken_at = timezone.now()
    with transaction.atomic():
        before = _keys_by_table(tables)
        filled = [(table, pk) for table, pk in tables if before[table]]
        baseline = _fingerprint(filled)
        world = build()
        rows: dict[str, tuple[list[str], str]] = {}
        with connection.cursor() as cursor:
            for table, pk in tables:
                cursor.execute(
                    f"SELECT json_agg(t)::text FROM {_quoted(table)} t "
                    f"WHERE NOT ({_quoted(pk)}::text = ANY(%s))",
                    [before[table]],
                )
                found = cursor.fetchone()[0]
                if found:
                    rows[table] = (_columns(table), found)
        world = copy.deepcopy(world)
        transaction.set_rollback(True)
    return Snapshot(world, rows, filled, baseline, taken_at)


def restore(snapshot: Snapshot) -> Any:
    """Write the snapshot's rows in one statement and hand out a copy of its world."""
    statements, params = [], []
    for table, (columns, found) in snapshot.rows.items():
        names = ", ".join(_quoted(c) for c in columns)
        statements.append(
            f"INSERT INTO {_quoted(table)} ({names}) SELECT {names} "
            f"FROM json_populate_recordset(NULL::{_quoted(table)}, %s::json)"
        )
        params.append(found)
    with connection.cursor() as cursor:
        cursor.execute("; ".join(statements), params)
    return copy.deepcopy(snapshot.world)


def is_current(snapshot: Snapshot) -> bool:
    now = timezone.now()
    age = now - snapshot.taken_at
    if not timedelta(0) <= age <= FRESH_FOR or now.date() != snapshot.taken_at.date():
        return False
    return _fingerprint(snapshot.filled) == snapshot.baseline


class Worlds:
    """The snapshots of one worker, by the name of the world."""

    def __init__(self) -> None:
        self._snapshots: dict[str, Snapshot] = {}

    def get(self, name: str, build: Callable[[], Any]) -> Any:
        snapshot = self._snapshots.get(name)
        if snapshot is None or not is_current(snapshot):
            snapshot = self._snapshots[name] = take(build)
        return restore(snapshot)
