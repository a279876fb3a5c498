"""The router of perfapp/replicas.py switched on, with a replica that has no lag.

The test settings define ``replica`` as a mirror of the test database, but Django gives it
a session of its own, which cannot see the rows each test writes inside its transaction.
So here the replica alias runs its statements on the primary's session: every page reads
exactly what the primary holds, while each alias still counts its own statements, in one
log that keeps their order.
"""

from dataclasses import dataclass, field

import pytest
from django.db import connections
from django.db.models import Model

from perfapp.replicas import PRIMARY, REPLICA, ROUTER


@dataclass
class Served:
    """Every statement of the test, in order, with the alias that ran it."""

    statements: list[tuple[str, str]] = field(default_factory=list)

    def recorder(self, alias: str):
        def record(execute, sql, params, many, context):
            self.statements.append((alias, sql))
            return execute(sql, params, many, context)

        return record

    def clear(self) -> None:
        self.statements.clear()

    def by(self, alias: str) -> list[str]:
        return [sql for served_by, sql in self.statements if served_by == alias]

    def readers_of(self, model: type[Model]) -> set[str]:
        """The aliases that read ``model``'s table (as the table a SELECT starts from)."""
        source = f'FROM "{model._meta.db_table}"'
        return {
            alias for alias, sql in self.statements if sql.startswith("SELECT") and source in sql
        }

    def aliases_of(self, statement: str) -> set[str]:
        return {alias for alias, sql in self.statements if sql == statement}


@pytest.fixture(scope="session")
def _replica_session_closed(django_db_setup):
    """Django opens the mirror's own session for each test's transaction and leaves it
    open; closed here, before the test database is dropped."""
    yield
    connections[REPLICA].close()


@pytest.fixture
def served(_replica_session_closed, db, settings):
    settings.DATABASE_ROUTERS = [ROUTER]
    # The statements as written: the log tells reads apart by their SQL, which a prepared
    # statement sends as EXECUTE (and the mirror shares one server session below).
    settings.DATABASE_PREPARED_STATEMENTS = False
    primary, replica = connections[PRIMARY], connections[REPLICA]
    primary.ensure_connection()
    own_session = replica.connection
    replica.connection = primary.connection  # no lag: it sees this test's rows
    log = Served()
    try:
        with (
            primary.execute_wrapper(log.recorder(PRIMARY)),
            replica.execute_wrapper(log.recorder(REPLICA)),
        ):
            yield log
    finally:
        replica.connection = own_session  # where Django rolls the mirror's transaction back
