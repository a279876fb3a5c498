"""CPU time used by a benchmark's own processes: the worker, its pool processes, and the
Postgres backends serving them. On a shared machine this stays meaningful when wall-clock
rates do not: other work delays a benchmark but does not add to its CPU time.

Linux only (it reads /proc); elsewhere every reading is None.
"""

import os
from pathlib import Path

from django.db import connection

PROC = Path("/proc")
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat(pid: int) -> list[str] | None:
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()  # the fields after "(command)"


def _seconds(pid: int) -> float:
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / TICKS if fields else 0.0  # utime + stime


def children(pid: int) -> list[int]:
    found = []
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields and int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def database_backends() -> list[int]:
    """This database's client backends, except the one this process uses."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


class Meter:
    """CPU seconds used by the worker tree and by the database backends since ``begin()``.

    Backends come and go (a connection older than CONN_MAX_AGE is replaced after a task),
    so ``sample()`` is called often while measuring and every process counts from its first
    reading (or from zero, if it started later) to its last.
    """

    def __init__(self, worker_pid: int):
        self.available = PROC.is_dir()
        self.workers = [worker_pid, *children(worker_pid)] if self.available else []
        self.start: dict[tuple[str, int], float] = {}
        self.last: dict[tuple[str, int], float] = {}

    def _read(self) -> dict[tuple[str, int], float]:
        readings = {("worker", pid): _seconds(pid) for pid in self.workers}
        readings.update({("database", pid): _seconds(pid) for pid in database_backends()})
        return readings

    def begin(self) -> None:
        if self.available:
            self.start = self._read()
            self.last = dict(self.start)

    def sample(self) -> None:
        if self.available:
            self.last.update(self._read())

    def used(self) -> dict[str, float] | None:
        """{"worker": seconds, "database": seconds}, or None without /proc."""
        if not self.available:
            return None
        self.sample()
        totals = {"worker": 0.0, "database": 0.0}
        for (kind, pid), seconds in self.last.items():
            totals[kind] += seconds - self.start.get((kind, pid), 0.0)
        return totals


def peak_rss_mib(pid: int) -> float | None:
    """The process's peak resident memory (VmHWM) in MiB; None when it is gone."""
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def peak_rss_of_tree(pid: int) -> float | None:
    """The largest peak resident memory among a process and its children, in MiB."""
    peaks = [peak_rss_mib(each) for each in (pid, *children(pid))] if PROC.is_dir() else []
    peaks = [peak for peak in peaks if peak is not None]
    return max(peaks) if peaks else None
