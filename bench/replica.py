"""A streaming read replica of a local Postgres, made for one benchmark run and removed after.

::

    from bench.replica import streaming_replica

    with streaming_replica() as replica:               # the primary at 127.0.0.1:5432
        environment["DATABASE_REPLICA_URL"] = replica.url("perfapp_bench")
        ...                                             # serve with it, run the load
        replica.caught_up()                             # seconds until it replayed everything
        print(replica.lag())                            # how far behind it is now
        print(replica.activity("perfapp_bench"))        # what it has served: queries, rows

It copies the primary's whole cluster with ``pg_basebackup -R`` into a temporary directory,
starts it as a hot standby on a free port of 127.0.0.1 (as the ``postgres`` user when run as
root), waits until it accepts connections, and at exit stops it and removes the directory.
Make it after seeding: copying the seeded files is quicker than replaying their WAL.

The primary must accept replication connections: ``wal_level`` replica or logical, a free
WAL sender, and a ``replication`` line in ``pg_hba.conf``. When it does not,
``ReplicaUnavailable`` says what is missing; the server's configuration is left to its
operator. No replication slot is made, so a process killed here leaves nothing holding
WAL on the primary; the price is that a standby left far behind (more than the primary
keeps, ``wal_keep_size``) stops following it.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import psycopg2
from psycopg2.extras import PhysicalReplicationConnection

# A hot standby refuses to start with less of these than its primary has.
MATCHED_SETTINGS = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
)


class ReplicaUnavailable(RuntimeError):
    """The primary cannot be replicated, or the replica did not start; the message says why."""


@dataclass(frozen=True)
class Lag:
    behind_bytes: int  # WAL the primary has written that the replica has not replayed yet
    replay_lag: timedelta | None  # the primary's view (pg_stat_replication); None when idle


@dataclass(frozen=True)
class Activity:
    """What one server has done for one database so far (``pg_stat_database``); subtract a
    sample from a later one for what happened in between. A busy backend publishes its
    counts about once a second, so a difference may miss the last second before it."""

    queries: int  # transactions committed or rolled back: one per query in autocommit
    rows: int  # rows read (tup_returned: by sequential scans and from index scans)

    def __sub__(self, earlier: "Activity") -> "Activity":
        return Activity(self.queries - earlier.queries, self.rows - earlier.rows)


@dataclass(frozen=True)
class Replica:
    host: str
    port: int
    user: str
    data_dir: Path
    application_name: str
    primary: dict

    def url(self, database: str) -> str:
        return f"postgres://{self.user}@{self.host}:{self.port}/{database}"

    def lag(self) -> Lag:
        (replayed,) = _fetch(self._where, "SELECT pg_last_wal_replay_lsn()")
        behind, replay_lag = _fetch(
            self.primary,
            "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s)::bigint, "
            "(SELECT replay_lag FROM pg_stat_replication WHERE application_name = %s)",
            [replayed, self.application_name],
        )
        return Lag(max(0, behind), replay_lag)

    def caught_up(self, *, timeout: float = 60.0) -> float:
        """Wait until the replica has replayed all the primary has written so far; return
        how many seconds that took."""
        (target,) = _fetch(self.primary, "SELECT pg_current_wal_lsn()")
        started = time.monotonic()
        with closing(_connect(**self._where)) as replica, replica.cursor() as cursor:
            while True:
                cursor.execute("SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s)", [target])
                if cursor.fetchone()[0] >= 0:
                    return time.monotonic() - started
                if time.monotonic() - started > timeout:
                    raise ReplicaUnavailable(f"the replica did not catch up in {timeout:g} s")
                time.sleep(0.005)

    def activity(self, database: str) -> Activity:
        """What the replica has served for ``database`` since it started."""
        return _activity(self._where, database)

    def primary_activity(self, database: str) -> Activity:
        """What the primary has served for ``database`` (reads and writes)."""
        return _activity(self.primary, database)

    @property
    def _where(self) -> dict:
        return {"host": self.host, "port": self.port, "user": self.user}


@contextmanager
def streaming_replica(
    host: str = "127.0.0.1", port: int = 5432, user: str = "postgres"
) -> Iterator[Replica]:
    """A hot standby of the primary at ``host:port``, for the ``with`` block (see above)."""
    primary = {"host": host, "port": port, "user": user}
    settings, bin_dir = _check_primary(host, port, user)
    replica_port = _free_port()
    name = f"perfapp_replica_{replica_port}"
    data_dir = Path(tempfile.mkdtemp(prefix="perfapp-replica-"))
    try:
        if os.geteuid() == 0:
            shutil.chown(data_dir, "postgres", "postgres")
        connection = f"host={host} port={port} user={user} application_name={name}"
        _run(bin_dir / "pg_basebackup", "-d", connection, "-D", data_dir, "-R", "-X", "stream",
             "-c", "fast")  # fmt: skip
        _write_config(data_dir, settings)
        options = (
            f"-p {replica_port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={data_dir}"
        )
        log = data_dir / "replica.log"  # not our pipes, which the server would hold open
        try:
            _run(bin_dir / "pg_ctl", "-D", data_dir, "-l", log, "-w", "-t", "300", "-o",
                 options, "start", log=log)  # fmt: skip
            replica = Replica("127.0.0.1", replica_port, user, data_dir, name, primary)
            if not _fetch(replica._where, "SELECT pg_is_in_recovery()")[0]:
                raise ReplicaUnavailable("the copy started as a primary, not as a standby")
            yield replica
        finally:
            if (data_dir / "postmaster.pid").exists():  # also after a start that timed out
                _run(bin_dir / "pg_ctl", "-D", data_dir, "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def _check_primary(host: str, port: int, user: str) -> tuple[dict[str, str], Path]:
    """The settings the standby must match and the primary's binaries, once the primary is
    known to allow what streaming replication needs."""
    where = f"the primary at {host}:{port}"
    names = [*MATCHED_SETTINGS, "wal_level", "hba_file", "server_version_num"]
    primary = {"host": host, "port": port, "user": user}
    (settings,) = _fetch(
        primary,
        "SELECT json_object_agg(name, setting) FROM pg_settings WHERE name = ANY(%s)",
        [names],
    )
    (senders,) = _fetch(primary, "SELECT count(*) FROM pg_stat_replication")
    if settings["wal_level"] not in ("replica", "logical"):
        raise ReplicaUnavailable(f"{where} has wal_level={settings['wal_level']}; set replica")
    if senders >= int(settings["max_wal_senders"]):
        raise ReplicaUnavailable(f"{where} has no free WAL sender (max_wal_senders)")
    try:
        replication = psycopg2.connect(
            host=host, port=port, user=user, connection_factory=PhysicalReplicationConnection
        )
    except psycopg2.OperationalError as error:
        raise ReplicaUnavailable(
            f"{where} refuses replication connections: {str(error).strip()}\n"
            f"Allow them in {settings['hba_file']}, e.g. `host replication {user} "
            f"127.0.0.1/32 trust`, then run SELECT pg_reload_conf(). Nothing was changed."
        ) from error
    replication.close()
    bin_dir = Path(f"/usr/lib/postgresql/{int(settings['server_version_num']) // 10000}/bin")
    if not (bin_dir / "pg_basebackup").exists():
        raise ReplicaUnavailable(f"no Postgres binaries matching {where} in {bin_dir}")
    return {name: settings[name] for name in MATCHED_SETTINGS}, bin_dir


def _write_config(data_dir: Path, settings: dict[str, str]) -> None:
    """A cluster's own configuration (Debian keeps it outside the data directory, so the
    copy has none): a hot standby with the primary's limits; local connections trusted."""
    lines = [f"{name} = {value}" for name, value in settings.items()]
    # Queries on the replica are not cancelled when the primary vacuums rows they still see.
    lines += ["hot_standby = on", "hot_standby_feedback = on"]
    files = {
        "postgresql.conf": "\n".join(lines) + "\n",
        "pg_hba.conf": "local all all trust\nhost all all 127.0.0.1/32 trust\n",
        "pg_ident.conf": "",
    }
    for name, text in files.items():
        path = data_dir / name
        path.write_text(text)
        if os.geteuid() == 0:
            shutil.chown(path, "postgres", "postgres")


def _run(*command: object, log: Path | None = None) -> None:
    """Run a Postgres program as ``postgres`` (Postgres refuses to run as root)."""
    argv = [str(part) for part in command]
    if os.geteuid() == 0:
        argv = ["runuser", "-u", "postgres", "--", *argv]
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tail = log.read_text()[-2000:] if log is not None and log.exists() else ""
        program = Path(str(command[0])).name
        output = result.stderr.strip() or result.stdout.strip()
        raise ReplicaUnavailable(f"{program} failed: {output}\n{tail}".strip())


def _free_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _connect(host: str, port: int, user: str):
    connection = psycopg2.connect(host=host, port=port, user=user, dbname="postgres")
    connection.autocommit = True
    return connection


def _activity(where: dict, database: str) -> Activity:
    queries, rows = _fetch(
        where,
        "SELECT xact_commit + xact_rollback, tup_returned FROM pg_stat_database WHERE datname = %s",
        [database],
    )
    return Activity(queries, rows)


def _fetch(where: dict, sql: str, params: object = ()) -> tuple:
    """The first row of one statement, on a connection of its own."""
    with closing(_connect(**where)) as connection, connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()
