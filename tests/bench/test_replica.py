"""bench/replica.py against a throwaway primary of its own (the shared server is left as it
is): a write on the primary shows on the replica, the lag is measured, and nothing is left
running or on disk at the end. About 5 s; skipped where Postgres cannot be started."""

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import psycopg2
import pytest

from bench.replica import ReplicaUnavailable, _free_port, _run, streaming_replica

BIN = Path("/usr/lib/postgresql/15/bin")

pytestmark = pytest.mark.skipif(
    not (BIN / "initdb").exists() or os.geteuid() != 0 or not shutil.which("runuser"),
    reason="needs Postgres 15's programs and root, to run them as postgres",
)


@contextmanager
def scratch_primary(*, replication: bool = True) -> Iterator[int]:
    """A new, empty cluster on a free port, allowing replication connections or not."""
    data_dir = Path(tempfile.mkdtemp(prefix="perfapp-primary-"))
    shutil.chown(data_dir, "postgres", "postgres")
    port = _free_port()
    try:
        _run(BIN / "initdb", "-D", data_dir, "-U", "postgres", "--auth=trust", "--no-sync")
        hba = "local all all trust\nhost all all 127.0.0.1/32 trust\n"
        if replication:
            hba += "host replication all 127.0.0.1/32 trust\n"
        (data_dir / "pg_hba.conf").write_text(hba)
        options = (
            f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={data_dir} "
            "-c fsync=off"
        )
        log = data_dir / "primary.log"  # not our pipes, which the server would hold open
        _run(BIN / "pg_ctl", "-D", data_dir, "-l", log, "-w", "-o", options, "start", log=log)
        try:
            yield port
        finally:
            _run(BIN / "pg_ctl", "-D", data_dir, "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def query(port: int, sql: str, params=()):
    connection = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres")
    connection.autocommit = True
    with closing(connection), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


def test_a_replica_follows_its_primary_and_is_gone_after():
    with scratch_primary() as port, streaming_replica(port=port) as replica:
        assert replica.url("postgres").startswith(f"postgres://postgres@127.0.0.1:{replica.port}/")
        query(port, "CREATE TABLE seen (id int)")
        query(port, "INSERT INTO seen SELECT generate_series(1, 1000)")
        assert replica.caught_up(timeout=30) < 30
        assert query(replica.port, "SELECT count(*) FROM seen") == [(1000,)]
        assert replica.lag().behind_bytes == 0
        with pytest.raises(psycopg2.errors.ReadOnlySqlTransaction):
            query(replica.port, "INSERT INTO seen VALUES (0)")
        data_dir = replica.data_dir
    assert not data_dir.exists()
    running = subprocess.run(["pgrep", "-f", str(data_dir)], capture_output=True, check=False)
    assert running.returncode == 1  # no postgres process of the replica is left


def test_a_primary_without_replication_access_is_named_and_left_unchanged():
    with scratch_primary(replication=False) as port:
        leftovers = set(Path(tempfile.gettempdir()).glob("perfapp-replica-*"))
        refused = pytest.raises(ReplicaUnavailable, match="refuses replication connections")
        with refused, streaming_replica(port=port):
            pass
        assert set(Path(tempfile.gettempdir()).glob("perfapp-replica-*")) == leftovers
