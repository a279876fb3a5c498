"""Pages served from a streaming replica: the part of ``bench_web`` after the main load.

A second gunicorn, whose ``DATABASE_REPLICA_URL`` names a hot standby of the bench
database (bench/replica.py), serves a few read-only pages in the same A/B comparison with
the anchor as the main load. What proves the reads came from the replica: both servers'
``pg_stat_database`` counters for the bench database, sampled around each page's runs;
the primary's rise only by what sign-in and the tenant need (perfapp/replicas.py reads
those there). Then the replica's lag right after the load, and a read-your-writes check
through gunicorn: an API client reacts to a recognition and reads it back at once, takes
the reaction back and reads again; each read must show the change.

When the primary refuses replication, one row says why and the rest of the table stands.
"""

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

from bench.load import Comparison, Server
from bench.replica import Activity, Lag, Replica, ReplicaUnavailable
from bench.report import Figure

# The read-only pages measured again from the replica, by the keys of their main targets.
SOURCES = ("floor", "timeline", "wall", "api_recognitions")
TITLE = "pages from a streaming replica"


def replica_key(source: str) -> str:
    return f"replica_{source}"


def selected(only: set[str]) -> list[str]:
    """The sources to measure from the replica: all without ``--only``, else those named by
    their own key (``timeline``) or their replica key (``replica_timeline``)."""
    if not only:
        return list(SOURCES)
    return [key for key in SOURCES if key in only or replica_key(key) in only]


@dataclass
class ReplicaPage:
    key: str  # the main target's key
    label: str
    status: int  # of one GET before the load; the page is measured only at 200
    comparison: Comparison | None = None
    replica: Activity | None = None  # what the replica served during the page's runs
    primary: Activity | None = None  # what the primary served meanwhile
    one_database_ratio: float | None = None  # the same page in the main load


@dataclass
class WriteCheck:
    """Reads made right after a change by the same client, and how many showed it."""

    reads: int = 0
    showed: int = 0
    problem: str = ""  # the first answer that stopped the check

    @property
    def passed(self) -> bool:
        return self.reads > 0 and self.showed == self.reads and not self.problem


def measure(
    open_replica: Callable[[], AbstractContextManager[Replica]],
    run: Callable[[Replica], list[Figure]],
) -> list[Figure]:
    """``run``'s figures with a replica open, or one row saying why there is none."""
    try:
        with open_replica() as replica:
            return run(replica)
    except ReplicaUnavailable as error:
        return not_measured(str(error))


def not_measured(reason: str) -> list[Figure]:
    """One row: the first line of the reason (what is missing; the rest, how to allow it,
    is printed and in BENCHMARKS.md), flattened to fit a row of a Markdown table."""
    first = reason.strip().splitlines()[0] if reason.strip() else "no reason given"
    flat = " ".join(first.split()).replace("|", "/")
    return [Figure(TITLE, f"not measured: {flat}", "", "reported")]


def figures(
    pages: list[ReplicaPage],
    *,
    ready_seconds: float,
    lag: Lag,
    caught_up_seconds: float | None,
    write_check: WriteCheck | None,
    connections: int,
) -> list[Figure]:
    rows = [Figure(f"{TITLE}: copied and started in", round(ready_seconds, 1), "s")]
    for page in pages:
        label = f"from the replica: {page.label}"
        found = page.comparison
        if found is None:
            rows.append(Figure(label, f"HTTP {page.status}", "", "reported", False))
            continue
        rows += [
            Figure(label, round(found.ratio, 3), "× anchor", "reported", _failed_if(not found.ok)),
            Figure("  req/s vs anchor", f"{found.rps:,.0f} vs {found.anchor_rps:,.0f}"),
            Figure(f"  p99 at {connections} connections", round(found.p99_ms, 1), "ms"),
        ]
        if page.one_database_ratio is not None:
            ratio = round(page.one_database_ratio, 3)
            rows.append(Figure("  the same page on one database", ratio, "× anchor"))
        if page.replica is not None and page.primary is not None:
            rows += [
                Figure(
                    "  rows read during its runs: replica / primary",
                    f"{page.replica.rows:,} / {page.primary.rows:,}",
                ),
                Figure(
                    "  queries during its runs: replica / primary",
                    f"{page.replica.queries:,} / {page.primary.queries:,}",
                ),
            ]
    rows += [
        Figure("replica lag right after the load: WAL behind", lag.behind_bytes, "bytes"),
        Figure(
            "replica lag right after the load: replay_lag",
            *(
                (round(lag.replay_lag.total_seconds() * 1000, 2), "ms")
                if lag.replay_lag is not None
                else ("none (nothing to replay)", "")
            ),
        ),
        Figure(
            "replica caught up with the primary in",
            *(
                (round(caught_up_seconds * 1000, 1), "ms")
                if caught_up_seconds is not None
                else ("not within 60 s", "")
            ),
            "",
            None if caught_up_seconds is not None else False,
        ),
    ]
    label = "read-your-writes through gunicorn (API: react, read back, undo, read back)"
    if write_check is None:
        rows.append(Figure(label, "not run", "", "all"))
    else:
        shown = f"{write_check.showed} of {write_check.reads} reads showed the change"
        if write_check.problem:
            shown += f"; stopped: {' '.join(write_check.problem.split())[:160]}"
        rows.append(Figure(label, shown.replace("|", "/"), "", "all", write_check.passed))
    return rows


def _failed_if(failed: bool) -> bool | None:
    """A reported figure has no target, but errors or non-200 answers still fail it."""
    return False if failed else None


def read_your_writes(
    server: Server, *, api: str, token: str, recognition: int, emoji: str, cycles: int = 5
) -> WriteCheck:
    """React to ``recognition`` with ``emoji`` and read it back, take the reaction back and
    read again, ``cycles`` times, each read right after its write with the same token (the
    pin sends it to the primary). Leaves the recognition's reactions as they were."""
    headers = {"Authorization": f"Token {token}"}
    detail = f"{api}/recognitions/{recognition}/"
    check = WriteCheck()

    def read_back(expected: bool) -> None:
        check.reads += 1
        status, body = server.call("GET", detail, headers=headers)
        if status == 200 and reacted(body, emoji) == expected:
            check.showed += 1

    for _ in range(cycles):
        status, body = server.call(
            "POST",
            f"{api}/recognition-reactions/",
            headers=headers,
            data={"recognition": recognition, "emoji": emoji},
        )
        if status != 201:
            check.problem = f"reacting answered HTTP {status}: {body}"
            break
        read_back(True)
        status, body = server.call(
            "DELETE", f"{api}/recognition-reactions/{body['id']}/", headers=headers
        )
        if status != 204:
            check.problem = f"taking the reaction back answered HTTP {status}: {body}"
            break
        read_back(False)
    return check


def reacted(recognition: dict, emoji: str) -> bool:
    """Whether the reader's own reaction with ``emoji`` shows on the API's recognition."""
    return any(item["emoji"] == emoji and item["mine"] for item in recognition.get("reactions", []))
