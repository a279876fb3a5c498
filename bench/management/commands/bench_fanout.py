"""The reminder fan-out benchmark (``make bench``; ``make bench-quick`` at a small size).

1. Empties the bench database (``BENCH_DATABASE_URL``: created and migrated when needed,
   dropped and recreated with ``--recreate`` or when migrating fails) and flushes the
   bench Redis database (``BENCH_REDIS_URL``); inserts ORGANIZATIONS × MEMBERS people and
   one due "add your talking points" reminder per person, in bulk.
2. Starts a real Celery worker (prefork, ``--concurrency`` processes) whose mailer counts
   emails in Redis, triggers ``dispatch_outbox`` once and times until every reminder is
   sent and every email counted.
3. Runs the dispatcher again, and first hands every chunk to the worker again as a
   broker redelivering all of them would: no email may follow, none may be a duplicate,
   and every reminder has exactly one inbox entry.
4. The baseline, in the same run: fresh reminders delivered with one Celery task each.
   Its tasks are claimed and queued before its clock starts (on a queue the worker then
   starts consuming), so it is not charged for them; the fan-out is charged for its own.
5. Prints the figures and writes them to bench/results/ (``<name>.csv``, ``<name>.md``,
   ``latest.md``).
"""

import os
import time
from collections import defaultdict
from datetime import UTC, datetime

import redis
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count

from bench import database, mail, report, seed
from bench.cpu import Meter, peak_rss_of_tree
from bench.report import Figure
from bench.tasks import queue_one_task_per_row
from bench.worker import Worker, WorkerFailed
from perfapp.notifications.models import Notification, OutboxMessage, OutboxStatus
from perfapp.notifications.tasks import deliver_batch, dispatch_outbox
from perfapp.tenancy.scoping import scopes_disabled

TARGET_RATE = 2000  # reminders per second
TARGET_SECONDS = 60  # for every reminder
TARGET_RATIO = 10  # times the one-task-per-reminder baseline
BASELINE_QUEUE = "bench-baseline"
MEMORY_METRIC = "Celery worker: peak RSS (largest process)"


class Command(BaseCommand):
    help = "Reminder fan-out benchmark: a real Celery worker delivers due reminders in bulk."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--organizations", type=int, default=1000)
        parser.add_argument("--members", type=int, default=100, help="people per organization")
        parser.add_argument(
            "--baseline", type=int, default=5000, help="reminders for the one-task-each baseline"
        )
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=settings.OUTBOX_BATCH_SIZE,
            help="rows per dispatcher chunk",
        )
        parser.add_argument(
            "--baseline-seconds",
            type=float,
            default=60,
            help="stop measuring the baseline after this long (its rate is what it sent)",
        )
        parser.add_argument("--concurrency", type=int, default=2, help="worker processes")
        parser.add_argument("--timeout", type=float, default=600, help="seconds per phase")
        parser.add_argument("--name", default="fanout", help="results file name")
        parser.add_argument(
            "--strict", action="store_true", help="also fail when a speed target is missed"
        )
        parser.add_argument(
            "--recreate", action="store_true", help="drop and recreate the bench database"
        )

    def handle(self, *args, **options):
        started = time.perf_counter()
        self.timeout = options["timeout"]
        organizations, members = options["organizations"], options["members"]
        reminders = organizations * members
        baseline = options["baseline"]
        chunk_size = options["chunk_size"]
        self.redis = mail.client_for(settings.BENCH_REDIS_URL)

        load_before = os.getloadavg()[0]
        self.step("Preparing the bench database and Redis database")
        setup_seconds = database.prepare(recreate=options["recreate"])
        self.flush_redis()

        self.step(f"Inserting {organizations:,} organizations × {members:,} people")
        clock = time.perf_counter()
        now = datetime.now(UTC)
        people = seed.people(organizations=organizations, members=members, now=now)
        seed.due_reminders(people, label="fanout", count=reminders, now=now)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # the planner sees the tables as they are now
        seed_seconds = time.perf_counter() - clock

        log = report.RESULTS_DIR / f"{options['name']}-worker.log"
        log.unlink(missing_ok=True)
        self.step(f"Starting a Celery worker (prefork, concurrency {options['concurrency']})")
        env = {"OUTBOX_BATCH_SIZE": str(chunk_size)}
        try:
            with Worker(concurrency=options["concurrency"], log=log, env=env) as worker:
                self.worker = worker
                self.step(f"Fan-out: {reminders:,} due reminders, chunks of {chunk_size}")
                _sent, fanout_seconds, fanout_cpu = self.deliver(
                    "fanout", reminders, dispatch_outbox.delay
                )
                self.step("Second run: every chunk handed out again, then the dispatcher")
                again = self.second_run()
                self.step(f"Baseline: {baseline:,} fresh reminders, one Celery task each")
                seed.due_reminders(people, label="baseline", count=baseline, now=now)
                queued = queue_one_task_per_row(BASELINE_QUEUE, chunk_size)
                self.stdout.write(f"  {queued:,} tasks queued before the clock starts")
                baseline_sent, baseline_seconds, baseline_cpu = self.deliver(
                    "baseline",
                    baseline,
                    lambda: worker.consume(BASELINE_QUEUE),
                    cap=options["baseline_seconds"],
                )
                worker_rss = peak_rss_of_tree(worker.process.pid)
        except WorkerFailed as error:
            raise CommandError(str(error)) from error

        figures = self.figures(
            reminders=reminders,
            organizations=organizations,
            chunk_size=chunk_size,
            concurrency=options["concurrency"],
            fanout_seconds=fanout_seconds,
            baseline=baseline,
            baseline_sent=baseline_sent,
            baseline_seconds=baseline_seconds,
            fanout_cpu=fanout_cpu,
            baseline_cpu=baseline_cpu,
            again=again,
            worker_rss=worker_rss,
            setup_seconds=setup_seconds,
            seed_seconds=seed_seconds,
            total_seconds=time.perf_counter() - started,
            load=(load_before, os.getloadavg()[0]),
        )
        title = (
            f"Reminder fan-out: {reminders:,} due reminders across {organizations:,} organizations"
        )
        notes = (
            f"A real Celery worker (prefork, concurrency {options['concurrency']}) on the "
            f"local Redis; chunks of {chunk_size}; emails counted in Redis, not sent. The "
            f"baseline delivers fresh reminders with one Celery task each, in the same run, "
            "queued before its clock starts and measured for at most "
            f"{options['baseline_seconds']:.0f} s. CPU figures are the worker's processes and "
            "their Postgres backends. The load average says how much else ran meanwhile. "
            "See BENCHMARKS.md."
        )
        latest = report.write(options["name"], title, figures, notes)
        self.stdout.write("\n" + report.table(figures) + "\n")
        self.stdout.write(f"\nWritten to {latest.relative_to(settings.BASE_DIR)}\n")

        broken = [f.metric for f in figures if f.passed is False and not _is_speed(f)]
        slow = [f.metric for f in figures if f.passed is False and _is_speed(f)]
        if broken:
            raise CommandError(f"Delivery went wrong: {', '.join(broken)}.")
        if slow and options["strict"]:
            raise CommandError(f"Speed targets missed: {', '.join(slow)}.")

    # --- setup --------------------------------------------------------------------------

    def flush_redis(self) -> None:
        try:
            self.redis.flushdb()
        except redis.RedisError as error:
            raise CommandError(
                f"The benchmark needs Redis at {settings.BENCH_REDIS_URL} ({error})."
            ) from error

    # --- phases -------------------------------------------------------------------------

    def deliver(
        self, label: str, count: int, trigger, cap: float | None = None
    ) -> tuple[int, float, dict | None]:
        """Trigger, then wait until every ``label`` row is sent and as many more emails
        were counted; return (emails, seconds, CPU seconds used). With ``cap``, stop
        measuring after that many seconds and return what was delivered by then."""
        meter = Meter(self.worker.process.pid)
        meter.begin()
        emails_before = self.emails()
        started = time.perf_counter()
        trigger()
        shown = sampled = started
        while self.emails() - emails_before < count or self.sent(label) < count:
            self.worker.check()
            elapsed = time.perf_counter() - started
            if time.perf_counter() - sampled >= 0.5:
                meter.sample()
                sampled = time.perf_counter()
            if cap is not None and elapsed >= cap:
                emails = self.emails() - emails_before
                self.stdout.write(f"  stopped measuring after {elapsed:.1f}s: {emails:,} delivered")
                return emails, elapsed, meter.used()
            if elapsed > self.timeout:
                raise CommandError(
                    f"{label}: not delivered after {self.timeout:.0f}s: {self.statuses(label)}, "
                    f"{self.emails() - emails_before:,} emails.{self.worker.tail()}"
                )
            if time.perf_counter() - shown >= 5:
                shown = time.perf_counter()
                self.stdout.write(f"  {elapsed:5.1f}s  {self.emails() - emails_before:>9,} emails")
            # The email count is cheap to read; the database only at the end.
            time.sleep(0.01 if self.emails() - emails_before < count else 0.02)
        seconds = time.perf_counter() - started
        self.stdout.write(f"  {count:,} delivered in {seconds:.2f}s ({count / seconds:,.0f}/s)")
        return count, seconds, meter.used()

    def second_run(self) -> dict[str, int]:
        """Replay every chunk (as a broker redelivering all of them would), dispatch again,
        and count what followed."""
        emails_before = self.emails()
        with scopes_disabled():
            rows = OutboxMessage.objects.filter(occasion__startswith="bench-fanout:")
            chunks: dict[datetime, list[int]] = defaultdict(list)
            for pk, claimed_at in rows.values_list("id", "claimed_at"):
                chunks[claimed_at].append(pk)
        for claimed_at, ids in chunks.items():
            deliver_batch.delay(ids, claimed_at.isoformat())
        dispatch_outbox.delay()
        self.worker.wait_idle(timeout=self.timeout, settle=1.0)
        with scopes_disabled():
            inbox = Notification.objects.filter(
                outbox_message__occasion__startswith="bench-fanout:"
            ).aggregate(entries=Count("id"), rows=Count("outbox_message", distinct=True))
        again = {
            "chunks": len(chunks),
            "emails": self.emails() - emails_before,
            "duplicates": mail.count(self.redis, mail.DUPLICATES),
            "inbox_entries": inbox["entries"],
            "inbox_rows": inbox["rows"],
        }
        self.stdout.write(
            f"  {again['chunks']} chunks replayed: {again['emails']} more emails, "
            f"{again['duplicates']} duplicates, {again['inbox_entries']:,} inbox entries"
        )
        return again

    # --- figures ------------------------------------------------------------------------

    def figures(self, **run) -> list[Figure]:
        reminders = run["reminders"]
        rate = reminders / run["fanout_seconds"]
        if not run["baseline_sent"]:
            raise CommandError(f"The baseline sent nothing in {run['baseline_seconds']:.0f}s.")
        baseline_rate = run["baseline_sent"] / run["baseline_seconds"]
        ratio = rate / baseline_rate
        again = run["again"]
        return [
            Figure("reminders", reminders),
            Figure("organizations", run["organizations"]),
            Figure("chunk size", run["chunk_size"], "rows"),
            Figure("worker processes", run["concurrency"]),
            Figure(
                "fan-out: all sent in",
                round(run["fanout_seconds"], 2),
                "s",
                f"< {TARGET_SECONDS}",
                run["fanout_seconds"] < TARGET_SECONDS,
            ),
            Figure("fan-out rate", round(rate), "per s", f"≥ {TARGET_RATE:,}", rate >= TARGET_RATE),
            Figure("baseline: reminders sent", f"{run['baseline_sent']:,} of {run['baseline']:,}"),
            Figure("baseline: measured for", round(run["baseline_seconds"], 2), "s"),
            Figure("baseline rate (one task per reminder)", round(baseline_rate), "per s"),
            Figure(
                "speed-up over the baseline",
                round(ratio, 1),
                "×",
                f"≥ {TARGET_RATIO}",
                ratio >= TARGET_RATIO,
            ),
            *self.cpu_figures(run),
            Figure("second run: emails", again["emails"], "", "0", again["emails"] == 0),
            Figure(
                "duplicate emails (whole run)",
                again["duplicates"],
                "",
                "0",
                again["duplicates"] == 0,
            ),
            Figure(
                "inbox entries per reminder",
                f"{again['inbox_entries']:,} for {again['inbox_rows']:,}",
                "",
                "exactly 1",
                again["inbox_entries"] == again["inbox_rows"] == reminders,
            ),
            *self.memory_figures(run),
            Figure("setup: empty and migrate the database", round(run["setup_seconds"], 1), "s"),
            Figure("setup: bulk insert", round(run["seed_seconds"], 1), "s"),
            Figure("benchmark: total time", round(run["total_seconds"], 1), "s"),
            # This figure is about the machine, not perfapp: other work on it slows every
            # figure above (the baseline as much as the fan-out).
            Figure(
                "machine load (1-min average) before / after",
                "{:.1f} / {:.1f}".format(*run["load"]),
            ),
        ]

    def memory_figures(self, run) -> list[Figure]:
        """Peak resident memory of the worker's largest process (pool processes included),
        read from /proc before the worker stops."""
        if run["worker_rss"] is None:
            return []
        return [Figure(MEMORY_METRIC, round(run["worker_rss"]), "MiB")]

    def cpu_figures(self, run) -> list[Figure]:
        """CPU seconds per 1,000 reminders, worker + its database backends: what the load
        of a shared machine does not inflate the way it inflates wall-clock rates."""
        if run["fanout_cpu"] is None or run["baseline_cpu"] is None:
            return []

        def per_thousand(cpu: dict, count: int) -> tuple[float, str]:
            total = (cpu["worker"] + cpu["database"]) / count * 1000
            split = f"{total:.2f} ({cpu['worker'] / count * 1000:.2f} + "
            split += f"{cpu['database'] / count * 1000:.2f})"
            return total, split

        fanout, fanout_text = per_thousand(run["fanout_cpu"], run["reminders"])
        baseline, baseline_text = per_thousand(run["baseline_cpu"], run["baseline_sent"])
        cores = os.cpu_count() or 1
        return [
            Figure("fan-out: CPU per 1,000 (worker + database)", fanout_text, "s"),
            Figure("baseline: CPU per 1,000 (worker + database)", baseline_text, "s"),
            Figure("CPU per reminder, baseline ÷ fan-out", round(baseline / fanout, 1), "×"),
            Figure(
                f"fan-out ceiling with all {cores} cores to itself (estimate)",
                round(cores * 1000 / fanout),
                "per s",
            ),
        ]

    # --- reading ------------------------------------------------------------------------

    def emails(self) -> int:
        return mail.count(self.redis, mail.TOTAL)

    def sent(self, label: str) -> int:
        with scopes_disabled():
            return OutboxMessage.objects.filter(
                occasion__startswith=f"bench-{label}:", status=OutboxStatus.SENT
            ).count()

    def statuses(self, label: str) -> dict[str, int]:
        with scopes_disabled():
            return dict(
                OutboxMessage.objects.filter(occasion__startswith=f"bench-{label}:")
                .values_list("status")
                .annotate(n=Count("id"))
                .values_list("status", "n")
            )

    def step(self, text: str) -> None:
        self.stdout.write(f"==> {text}")


def _is_speed(figure: Figure) -> bool:
    return figure.unit in ("s", "per s", "×")
