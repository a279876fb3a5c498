"""Load: gunicorn with the production settings on 127.0.0.1, wrk against it, and the
arithmetic that turns alternating runs into ratios.

Every throughput figure is a ratio to the anchor (bench/views.py) measured in the
same run, alternated with it (A B A B …): absolute requests per second drift with whatever
else the machine does, a ratio measured minutes apart much less. The median of the
rounds' ratios is what counts.
"""

import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from .cpu import children, peak_rss_mib

WRK_SCRIPT = Path(__file__).with_name("wrk.lua")
# What a TLS-terminating proxy in front of gunicorn adds: production's SECURE_SSL_REDIRECT
# and secure cookies stay on, and requests count as HTTPS.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


class LoadError(RuntimeError):
    pass


@dataclass
class Run:
    """One wrk run against one URL."""

    label: str
    requests: int
    seconds: float
    errors: int  # socket errors and timeouts
    non200: int  # answers other than 200 (a redirect to the login page is one)
    bad_status: int  # one of those statuses, for the message
    p50_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def ok(self) -> bool:
        return self.requests > 0 and self.errors == 0 and self.non200 == 0


@dataclass
class Comparison:
    """A target alternated with the anchor: one (anchor, target) pair per round."""

    name: str
    pairs: list[tuple[Run, Run]] = field(default_factory=list)

    @property
    def ratios(self) -> list[float]:
        return [target.rps / anchor.rps for anchor, target in self.pairs if anchor.rps]

    @property
    def ratio(self) -> float:
        return median_ratio(self.ratios)

    @property
    def rps(self) -> float:
        return statistics.median(target.rps for _, target in self.pairs)

    @property
    def anchor_rps(self) -> float:
        return statistics.median(anchor.rps for anchor, _ in self.pairs)

    @property
    def p99_ms(self) -> float:
        return statistics.median(target.p99_ms for _, target in self.pairs)

    @property
    def ok(self) -> bool:
        return bool(self.pairs) and all(a.ok and t.ok for a, t in self.pairs)


def median_ratio(ratios: list[float]) -> float:
    """The median of the rounds' ratios (0 when there is none)."""
    return statistics.median(ratios) if ratios else 0.0


def within(deep: float, first: float, tolerance: float = 0.10) -> bool:
    """Whether the deep page's rate is within ``tolerance`` of the first page's (slower by
    at most that fraction; faster is fine)."""
    return first > 0 and deep >= first * (1 - tolerance)


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise LoadError(
            "wrk is not installed: apt-get install -y wrk (make bench installs it when missing)."
        )
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn serving perfapp with ``perfapp.settings.bench_server`` (production plus the
    anchor route), sync workers as in docker-compose.yml; a context manager. ``environment``
    adds to or overrides its settings' variables (``DATABASE_REPLICA_URL``)."""

    def __init__(
        self,
        *,
        workers: int,
        log: Path,
        port: int | None = None,
        environment: dict[str, str] | None = None,
    ):
        self.workers = workers
        self.log = log
        self.extra_environment = environment or {}
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None
        self.base = f"http://127.0.0.1:{self.port}"

    def environment(self) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "perfapp.settings.bench_server",
            # The same key as this process, so the sessions made here are valid there.
            "SECRET_KEY": settings.SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": settings.BENCH_DATABASE_URL,
            "REDIS_URL": settings.BENCH_REDIS_URL,
            "CELERY_BROKER_URL": settings.BENCH_REDIS_URL,
            "EMAIL_URL": "consolemail://",
            "LOG_LEVEL": "WARNING",
            **self.extra_environment,
        }

    def collectstatic(self) -> None:
        """Production serves hashed static files from a manifest; build it once."""
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=settings.BASE_DIR,
            env=self.environment(),
            check=True,
        )

    def __enter__(self) -> "Server":
        self.log.parent.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "perfapp.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--log-level",
            "warning",
        ]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                command,
                cwd=settings.BASE_DIR,
                env=self.environment(),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise LoadError(f"gunicorn exited ({self.process.returncode}); see {self.log}")
            if self.status("/health/") == 200 and len(self.worker_pids()) >= self.workers:
                return self
            if time.monotonic() > deadline:
                raise LoadError(f"gunicorn did not answer in 60s; see {self.log}")
            time.sleep(0.3)

    def __exit__(self, *exc_info) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def worker_pids(self) -> list[int]:
        return children(self.process.pid) if self.process else []

    def peak_worker_rss_mib(self) -> float | None:
        peaks = [peak_rss_mib(pid) for pid in self.worker_pids()]
        peaks = [peak for peak in peaks if peak is not None]
        return max(peaks) if peaks else None

    def status(self, path: str, cookie: str = "") -> int:
        """The status of one GET, redirects not followed."""
        headers = {**PROXY_HEADERS, **({"Cookie": cookie} if cookie else {})}
        request = urllib.request.Request(self.base + path, headers=headers)
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except (urllib.error.URLError, OSError):
            return 0

    def call(
        self, method: str, path: str, *, headers: dict[str, str], data: dict | None = None
    ) -> tuple[int, dict]:
        """One JSON API request, redirects not followed: its status and decoded body ({}
        when there is none)."""
        body = None if data is None else json.dumps(data).encode()
        request = urllib.request.Request(
            self.base + path,
            data=body,
            method=method,
            headers={**PROXY_HEADERS, "Content-Type": "application/json", **headers},
        )
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=30) as response:
                status, text = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read()
        try:
            return status, json.loads(text) if text.strip() else {}
        except ValueError:  # an error page, not JSON
            return status, {"detail": text[:200].decode(errors="replace")}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def wrk(base: str, path: str, *, label: str, cookie: str, seconds: float, connections: int) -> Run:
    """One wrk run; the Lua script reports every figure as one JSON line."""
    command = [
        ensure_wrk(),
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "30s",
        "-s",
        str(WRK_SCRIPT),
        *(arg for name, value in PROXY_HEADERS.items() for arg in ("-H", f"{name}: {value}")),
        *(["-H", f"Cookie: {cookie}"] if cookie else []),
        base + path,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
    return parse_wrk(label, done.stdout + done.stderr)


def parse_wrk(label: str, output: str) -> Run:
    for line in output.splitlines():
        if line.startswith("WRK_JSON "):
            data = json.loads(line.removeprefix("WRK_JSON "))
            return Run(
                label=label,
                requests=data["requests"],
                seconds=data["duration_us"] / 1e6,
                errors=data["errors"],
                non200=data["non200"],
                bad_status=data["bad_status"],
                p50_ms=data["p50_us"] / 1000,
                p99_ms=data["p99_us"] / 1000,
            )
    raise LoadError(f"wrk gave no figures for {label}:\n{output[-2000:]}")
