"""A real Celery worker for a benchmark: started as a subprocess on the bench settings,
warmed up, watched, and stopped."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import redis
from django.conf import settings

from .mail import client_for
from .tasks import PINGS, ping

UNACKED = "unacked"  # kombu's Redis transport: tasks delivered and not yet acknowledged


class WorkerFailed(RuntimeError):
    pass


class Worker:
    """``celery worker`` with the prefork pool on the bench queue; a context manager."""

    def __init__(self, *, concurrency: int, log: Path, env: dict[str, str] | None = None):
        self.concurrency = concurrency
        self.log = log
        self.env = env or {}
        self.process: subprocess.Popen | None = None
        self.queue = settings.CELERY_TASK_DEFAULT_QUEUE
        self.app = ping.app
        self.redis: redis.Redis = client_for(settings.BENCH_REDIS_URL)

    def __enter__(self) -> "Worker":
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def start(self, timeout: float = 60) -> None:
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "perfapp",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            str(self.concurrency),
            "-Q",
            self.queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel",
            "WARNING",
            "--hostname",
            f"bench-{uuid.uuid4().hex[:6]}@%h",
        ]
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "perfapp.settings.bench",
            "BENCH_DATABASE_URL": settings.BENCH_DATABASE_URL,
            "BENCH_REDIS_URL": settings.BENCH_REDIS_URL,
            **self.env,
        }
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                command, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        self._warm_up(timeout)

    def _warm_up(self, timeout: float) -> None:
        """Wait until every pool process has answered a ping (and opened its database
        connection), so no measurement includes the worker's start-up."""
        self.redis.delete(PINGS)
        deadline = time.monotonic() + timeout
        while self.redis.scard(PINGS) < self.concurrency:
            self.check()
            if time.monotonic() > deadline:
                raise WorkerFailed(f"The worker did not start in {timeout:.0f}s.{self.tail()}")
            for _ in range(self.concurrency):
                ping.delay()
            time.sleep(0.2)
        self.wait_idle(timeout=timeout)
        self.redis.delete(PINGS)

    def consume(self, queue: str) -> None:
        """Start consuming ``queue`` too (Celery remote control); returns once it has."""
        replies = self.app.control.add_consumer(queue, reply=True, timeout=10)
        if not replies:
            raise WorkerFailed(f"The worker did not start consuming {queue}.{self.tail()}")

    def queued(self, queue: str) -> int:
        return self.redis.llen(queue)

    def check(self) -> None:
        if self.process is None or self.process.poll() is not None:
            code = None if self.process is None else self.process.returncode
            raise WorkerFailed(f"The worker exited ({code}).{self.tail()}")

    def is_idle(self) -> bool:
        """No task waiting in the queue and none delivered but unacknowledged."""
        return self.redis.llen(self.queue) == 0 and self.redis.hlen(UNACKED) == 0

    def wait_idle(self, timeout: float, settle: float = 0.5) -> None:
        """Until the worker has been idle for ``settle`` seconds in a row."""
        deadline = time.monotonic() + timeout
        idle_since = None
        while True:
            self.check()
            if self.is_idle():
                idle_since = idle_since or time.monotonic()
                if time.monotonic() - idle_since >= settle:
                    return
            else:
                idle_since = None
            if time.monotonic() > deadline:
                raise WorkerFailed(f"The worker was still busy after {timeout:.0f}s.")
            time.sleep(0.05)

    def stop(self) -> None:
        """Warm shutdown (SIGTERM); SIGKILL if it does not stop within 20 seconds."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def tail(self, lines: int = 30) -> str:
        try:
            text = self.log.read_text(errors="replace").splitlines()[-lines:]
        except OSError:
            return ""
        return "\nWorker log (last lines):\n" + "\n".join(text) if text else ""
