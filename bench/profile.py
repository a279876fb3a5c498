"""Where a page's time goes, in-process: ``cProfile`` over a few requests of the test
client, split into the database (the queries' own time), template rendering, DRF
serialization and the rest, plus the functions that cost most. The explanation printed
next to a figure below its target (``bench/results/web-profiles.txt``)."""

import cProfile
import io
import pstats
import time
from dataclasses import dataclass

from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext

# (label, file fragment, function name): cumulative time of these frames, first match.
PARTS = [
    ("templates", "django/template/base.py", "render"),
    ("serializers", "rest_framework/serializers.py", "data"),
    # The ORM writing SQL (not running it): on pages of many small queries, the larger part.
    ("ORM compiling SQL", "django/db/models/sql/compiler.py", "as_sql"),
]


@dataclass
class PageProfile:
    key: str
    ms: float  # wall time per request, without the profiler
    queries: int
    sql_ms: float  # the database's share, as the queries were timed
    parts: dict[str, float]  # ms per request, from the profile (profiler overhead included)
    top: str  # the costliest functions, as pstats prints them

    @property
    def summary(self) -> str:
        parts = ", ".join(f"{name} {ms:.0f} ms" for name, ms in self.parts.items() if ms)
        return (
            f"{self.ms:.0f} ms a request in-process: {self.queries} queries {self.sql_ms:.0f} ms"
            + (f", {parts} (profiled)" if parts else "")
        )


def profile_page(client: Client, key: str, path: str, requests: int = 5) -> PageProfile:
    client.get(path)  # warm
    clock = time.perf_counter()
    for _ in range(requests):
        client.get(path)
    ms = (time.perf_counter() - clock) / requests * 1000
    reset_queries()  # the log keeps 9,000 queries; a full one captures nothing
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    queries = list(captured.captured_queries)
    sql_ms = sum(float(query["time"]) for query in queries) * 1000
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(path)
    profiler.disable()
    stats = pstats.Stats(profiler)
    parts = {}
    for label, fragment, name in PARTS:
        cumulative = [
            value[3]
            for (filename, _line, function), value in stats.stats.items()
            if fragment in filename and function == name
        ]
        parts[label] = max(cumulative, default=0.0) / requests * 1000
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
    lines = out.getvalue().splitlines()
    top = "\n".join(line for line in lines if line.strip() and "function calls" not in line)
    return PageProfile(key, ms, len(queries), sql_ms, parts, top)
