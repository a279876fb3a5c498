"""Benchmark results: one CSV of raw figures and one Markdown section per benchmark, and
``latest.md``, rebuilt from every section present, under a header describing the machine.

A benchmark calls ``write(...)`` with its ``Figure`` rows; later benchmarks add their own
sections the same way.
"""

import contextlib
import csv
import os
import platform
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import celery
import django
import redis
from django.conf import settings
from django.db import connection

RESULTS_DIR = Path(settings.BASE_DIR) / "bench" / "results"
FIRST = "web"  # sections shown first in latest.md
FIELDS = ["benchmark", "metric", "value", "unit", "target", "passed", "measured_at"]


@dataclass
class Figure:
    metric: str
    value: float | int | str
    unit: str = ""
    target: str = ""  # human-readable, e.g. "≥ 2,000"
    passed: bool | None = None  # None: no target

    @property
    def shown(self) -> str:
        if isinstance(self.value, float):
            if abs(self.value) < 1:
                return f"{self.value:.3f}"  # ratios: 0.04 and 0.30 must not both read 0.0
            return f"{self.value:,.1f}" if self.value < 100 else f"{self.value:,.0f}"
        if isinstance(self.value, int):
            return f"{self.value:,}"
        return str(self.value)

    @property
    def verdict(self) -> str:
        return {None: "", True: "pass", False: "**FAIL**"}[self.passed]


def machine() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
    redis_version = "unknown"
    if url := getattr(settings, "BENCH_REDIS_URL", ""):
        with contextlib.suppress(redis.RedisError):
            redis_version = redis.Redis.from_url(url).info("server")["redis_version"]
    return {
        "cpus": str(os.cpu_count()),
        "cpu": _cpu_model(),
        "memory": _memory(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "postgres": postgres,
        "redis": redis_version,
        "django": django.get_version(),
        "celery": celery.__version__,
        "commit": _commit(),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=5
        ).stdout.strip()

    try:
        commit = git("rev-parse", "--short", "HEAD") or "unknown"
        # The results the benchmark itself writes are not changes to what it measured.
        changed = git("status", "--porcelain", "--", ".", ":(exclude)bench/results")
        return f"{commit} (with local changes)" if changed else commit
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def write(
    name: str, title: str, figures: list[Figure], notes: str = "", directory: Path | None = None
) -> Path:
    """Write ``<name>.csv`` and ``<name>.md`` and rebuild ``latest.md``; return its path."""
    directory = directory or RESULTS_DIR
    directory.mkdir(parents=True, exist_ok=True)
    measured_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    with (directory / f"{name}.csv").open("w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=FIELDS)
        writer.writeheader()
        for figure in figures:
            writer.writerow(
                {
                    "benchmark": name,
                    "metric": figure.metric,
                    "value": figure.value,
                    "unit": figure.unit,
                    "target": figure.target,
                    "passed": "" if figure.passed is None else str(figure.passed).lower(),
                    "measured_at": measured_at,
                }
            )
    rows = "\n".join(
        f"| {f.metric} | {f.shown} | {f.unit} | {f.target} | {f.verdict} |" for f in figures
    )
    section = (
        f"## {title}\n\nMeasured {measured_at}; raw figures in `{name}.csv`.\n\n"
        "| metric | value | unit | target | result |\n|---|--:|---|---|---|\n"
        f"{rows}\n" + (f"\n{notes.strip()}\n" if notes.strip() else "")
    )
    (directory / f"{name}.md").write_text(section)
    return _rebuild_latest(directory)


def _rebuild_latest(directory: Path) -> Path:
    info = machine()
    header = (
        "# Benchmark results\n\n"
        "Written by `make bench` (see BENCHMARKS.md); each section says when it was measured.\n\n"
        "| machine | |\n|---|---|\n"
        + "\n".join(f"| {key} | {value} |" for key, value in info.items())
        + "\n"
    )
    sections = [
        path.read_text()
        for path in sorted(directory.glob("*.md"), key=_section_order)
        if path.name != "latest.md"
    ]
    latest = directory / "latest.md"
    latest.write_text("\n".join([header, *sections]))
    return latest


def _section_order(path: Path) -> tuple[int, str]:
    """The pages' table (every target of the issue) first, then the others by name."""
    return (0 if path.stem.startswith(FIRST) else 1, path.stem)


def table(figures: list[Figure]) -> str:
    """The figures as a plain-text table for the terminal."""
    rows = [("metric", "value", "unit", "target", "result")] + [
        (f.metric, f.shown, f.unit, f.target, f.verdict.strip("*")) for f in figures
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)
