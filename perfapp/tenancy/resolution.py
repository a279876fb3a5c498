"""Resolve the tenant from the URL slug and the signed-in user.

Every organization page and API call starts here, so this is the floor of a signed-in
request. The ORM spent about 2 ms of it compiling the same three-table query again on
every request (0.5 ms to run it). So the statement is written once, from the models'
own metadata (no column list by hand), and each request only runs it and builds the
three objects with ``Model.from_db``, as the ORM does. ``tests/tenancy/test_resolution.py``
holds it to the ORM's answer for every case that matters (no membership, deactivated,
another organization, a manager and not).
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Model
from django.http import Http404

from perfapp.compiled import prepared_sql
from perfapp.orgs.models import Membership, Organization, Team


@dataclass(frozen=True)
class _Columns:
    """One model's columns in the statement: their attribute names, and the converters
    the ORM would apply to each value read (none for these models today)."""

    model: type[Model]
    attnames: list[str]
    converters: list[list[Callable]]

    @classmethod
    def of(cls, model: type[Model]) -> "_Columns":
        fields = model._meta.concrete_fields
        return cls(
            model,
            [field.attname for field in fields],
            [field.get_db_converters(connection) for field in fields],
        )

    def build(self, values: tuple) -> Any:
        converted = []
        for value, converters in zip(values, self.converters, strict=True):
            for convert in converters:
                value = convert(value, None, connection)
            converted.append(value)
        return self.model.from_db(connection.alias, self.attnames, converted)


@dataclass(frozen=True)
class _Statement:
    sql: str
    membership: _Columns
    organization: _Columns
    team: _Columns


@cache
def _statement() -> _Statement:
    quote = connection.ops.quote_name

    def columns(model: type[Model], alias: str) -> str:
        return ", ".join(f"{alias}.{quote(f.column)}" for f in model._meta.concrete_fields)

    membership, organization, team = (
        quote(model._meta.db_table) for model in (Membership, Organization, Team)
    )
    # "Has reports" is the rule of perfapp.orgs.selectors.with_manager_flag: an active
    # member of the same organization whose manager this is, never themselves.
    sql = (
        f"SELECT {columns(Membership, 'm')}, {columns(Organization, 'o')}, "
        f"{columns(Team, 't')}, EXISTS ("
        f"SELECT 1 FROM {membership} r WHERE r.organization_id = m.organization_id "
        "AND r.manager_id = m.id AND r.is_active AND r.id <> m.id) "
        f"FROM {membership} m "
        f"JOIN {organization} o ON o.id = m.organization_id "
        f"LEFT JOIN {team} t ON t.id = m.team_id "
        "WHERE o.slug = %s AND m.user_id = %s AND m.is_active LIMIT 1"
    )
    return _Statement(sql, _Columns.of(Membership), _Columns.of(Organization), _Columns.of(Team))


def active_membership_for(user, org_slug: str) -> Membership:
    """The user's active membership in the organization with this slug, or 404, with its
    organization and team at hand and whether anyone reports to them.

    Missing organization, no membership and deactivated membership all answer the same
    404, so a URL never tells a stranger that an organization exists. One query, whose
    own conditions name the organization (no tenant scope is open yet). It runs on the
    primary's own connection, never a read replica's (perfapp/replicas.py): a person
    deactivated or given another role is refused or held to the new role on their next
    request, not once a lagging replica has caught up.
    """
    if not getattr(user, "is_authenticated", False):
        raise Http404
    statement = _statement()
    with connection.cursor() as cursor:
        # Prepared once per connection: Postgres planned this four-table query on every
        # request (0.5-0.8 ms, against 0.1 ms to run it).
        cursor.execute(*prepared_sql(statement.sql, [org_slug, user.pk]))
        row = cursor.fetchone()
    if row is None:
        raise Http404
    # The row is the membership's columns, the organization's, the team's, then the flag.
    membership_end = len(statement.membership.attnames)
    organization_end = membership_end + len(statement.organization.attnames)
    team_end = organization_end + len(statement.team.attnames)
    membership = statement.membership.build(row[:membership_end])
    membership.organization = statement.organization.build(row[membership_end:organization_end])
    team_values = row[organization_end:team_end]
    membership.team = statement.team.build(team_values) if team_values[0] is not None else None
    membership.has_reports = row[team_end]
    membership.user = user  # the signed-in user, already read by the session
    # Read with the membership, so the navigation's "My team" costs no query of its own.
    membership.__dict__["is_manager"] = membership.has_reports
    return membership
