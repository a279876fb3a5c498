"""Query plans of the hot pages: every query a page runs, captured in-process, then
``EXPLAIN (ANALYZE, BUFFERS)`` of each and the rules of the issue applied:

- a tenant table is read through an index that leads with ``organization_id`` (a unique
  lookup by primary key, e.g. a prefetch ``WHERE id IN (…)``, is accepted and reported as
  such: it reads exactly the rows named; reading the primary key in order while filtering
  the organization is not). So is a probe of the rows that belong to parents already read
  (a recognition's reactions, a series' meetings: ``recognition_id IN (…)``) through the
  foreign key to that parent, which keeps its own index for joins
  (``perfapp/tenancy/models.py``): a parent belongs to one organization, so the probe
  reads that organization's rows and no others;
- under ``MAX_MS`` of execution (the second of two runs, so the cache is warm, as it is
  under load);
- no sequential scan of a table with more than ``LARGE_TABLE`` rows;
- no aggregate (an exact COUNT) over more than ``LARGE_TABLE`` rows.
"""

import re
from dataclasses import dataclass, field
from functools import cache

from django.apps import apps
from django.db import connection

from perfapp.tenancy.models import CROSS_TENANT_INDEXES, PERSON_MODELS

MAX_MS = 2.0
LARGE_TABLE = 10_000
SCANS = {"Index Scan", "Index Only Scan", "Bitmap Index Scan"}


@cache
def people_tables() -> frozenset[str]:
    """Tables of ``PERSON_MODELS``: a foreign key to them is no parent."""
    return frozenset(apps.get_model(label)._meta.db_table for label in PERSON_MODELS)


@cache
def cross_tenant() -> dict[tuple[str, str], str]:
    """``CROSS_TENANT_INDEXES`` in the database's names: (table, column) → why."""
    found = {}
    for (label, name), why in CROSS_TENANT_INDEXES.items():
        model = apps.get_model(label)
        found[model._meta.db_table, model._meta.get_field(name).column] = why
    return found


@dataclass
class Verdict:
    page: str
    sql: str
    ms: float
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    plan: str = ""

    @property
    def passed(self) -> bool:
        return not self.problems


class Catalog:
    """What the planner's node names refer to: table sizes, index leading columns."""

    def __init__(self):
        self._tables: dict[str, tuple[float, bool]] = {}
        self._indexes: dict[str, tuple[str, bool]] = {}
        self._parents: dict[tuple[str, str], str | None] = {}

    def table(self, name: str) -> tuple[float, bool]:
        """(estimated rows, has an organization_id column)."""
        if name not in self._tables:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT c.reltuples, EXISTS (SELECT 1 FROM pg_attribute a "
                    "WHERE a.attrelid = c.oid AND a.attname = 'organization_id' "
                    "AND NOT a.attisdropped) FROM pg_class c WHERE c.relname = %s "
                    "AND c.relkind IN ('r', 'p')",
                    [name],
                )
                row = cursor.fetchone()
            self._tables[name] = (float(row[0]), bool(row[1])) if row else (0.0, False)
        return self._tables[name]

    def index(self, name: str) -> tuple[str, bool]:
        """(first column, unique)."""
        if name not in self._indexes:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT coalesce(a.attname, '(expression)'), i.indisunique FROM pg_index i "
                    "JOIN pg_class c ON c.oid = i.indexrelid "
                    "LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid "
                    "AND a.attnum = i.indkey[0] WHERE c.relname = %s",
                    [name],
                )
                row = cursor.fetchone()
            self._indexes[name] = (row[0], bool(row[1])) if row else ("?", False)
        return self._indexes[name]

    def parent(self, table: str, column: str) -> str | None:
        """The tenant table ``table.column`` refers to as its parent (a foreign key to a
        tenant-owned row other than a person or a team), or None."""
        if (table, column) not in self._parents:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT ft.relname FROM pg_constraint con "
                    "JOIN pg_class t ON t.oid = con.conrelid "
                    "JOIN pg_class ft ON ft.oid = con.confrelid "
                    "JOIN pg_attribute a ON a.attrelid = con.conrelid "
                    "AND a.attnum = con.conkey[1] "
                    "WHERE con.contype = 'f' AND t.relname = %s AND a.attname = %s",
                    [table, column],
                )
                row = cursor.fetchone()
            parent = row[0] if row else None
            if parent in people_tables() or (parent and not self.table(parent)[1]):
                parent = None
            self._parents[table, column] = parent
        return self._parents[table, column]


def is_plannable(sql: str) -> bool:
    return sql.lstrip().upper().startswith(("SELECT", "WITH"))


def explain(sql: str) -> dict:
    """The JSON plan of the second of two ``EXPLAIN (ANALYZE, BUFFERS)`` runs, inside a
    transaction that is rolled back (ANALYZE executes the statement)."""
    with connection.cursor() as cursor:
        plan = None
        for _ in range(2):
            cursor.execute("BEGIN")
            try:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
                plan = cursor.fetchone()[0]
            finally:
                cursor.execute("ROLLBACK")
    return plan[0] if isinstance(plan, list) else plan


def nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def judge(page: str, sql: str, plan: dict, catalog: Catalog) -> Verdict:
    verdict = Verdict(page=page, sql=sql, ms=float(plan.get("Execution Time", 0.0)))
    verdict.plan = summarize(plan["Plan"])
    if verdict.ms >= MAX_MS:
        verdict.problems.append(f"{verdict.ms:.2f} ms ≥ {MAX_MS:g} ms")
    for node in nodes(plan["Plan"]):
        kind = node.get("Node Type", "")
        relation = node.get("Relation Name")
        if kind == "Seq Scan" and relation:
            rows, _tenant = catalog.table(relation)
            if rows > LARGE_TABLE:
                verdict.problems.append(f"sequential scan of {relation} ({rows:,.0f} rows)")
        if kind in SCANS:
            index = node.get("Index Name", "")
            table = relation or _table_of_index(index)
            rows, tenant = catalog.table(table) if table else (0.0, False)
            first, unique = catalog.index(index)
            if tenant and first != "organization_id":
                if (table, first) in cross_tenant():
                    verdict.notes.append(f"{index}: {cross_tenant()[table, first]}")
                elif unique and node.get("Index Cond"):
                    verdict.notes.append(f"unique lookup on {index}")
                elif unique:
                    verdict.problems.append(
                        f"{index} on {table} read in order, filtering the organization"
                    )
                elif node.get("Index Cond") and catalog.parent(table, first):
                    parent = catalog.parent(table, first)
                    verdict.notes.append(f"rows of the {parent} rows read, through {index}")
                else:
                    verdict.problems.append(
                        f"{index} on {table} does not lead with organization_id"
                    )
        if kind == "Aggregate":
            fed = sum(
                child.get("Actual Rows", 0) * child.get("Actual Loops", 1)
                for child in node.get("Plans", [])
            )
            if fed > LARGE_TABLE:
                verdict.problems.append(f"aggregate over {fed:,} rows (an exact COUNT?)")
    return verdict


def _table_of_index(index: str) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_class t ON t.oid = i.indrelid WHERE c.relname = %s",
            [index],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def summarize(plan: dict, depth: int = 0) -> str:
    """A one-line-per-node outline: node, relation, index, rows, time."""
    text = "  " * depth + plan.get("Node Type", "?")
    if plan.get("Relation Name"):
        text += f" on {plan['Relation Name']}"
    if plan.get("Index Name"):
        text += f" using {plan['Index Name']}"
    text += f" (rows={plan.get('Actual Rows', 0)} loops={plan.get('Actual Loops', 1)}"
    text += f" {plan.get('Actual Total Time', 0):.3f} ms)"
    lines = [text]
    for child in plan.get("Plans", []):
        lines.append(summarize(child, depth + 1))
    return "\n".join(lines)


def shorten(sql: str, limit: int = 160) -> str:
    flat = re.sub(r"\s+", " ", sql)
    flat = re.sub(r'"[a-z_]+"\."([a-z_]+)"', r"\1", flat)  # "table"."column" -> column
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
