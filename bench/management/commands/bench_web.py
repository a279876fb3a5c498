"""``manage.py bench_web``: the pages of a 20,000-person organization under load, as
ratios to the anchor, their query plans, and memory (run ``seed_scale`` first).

1. Signs in (sessions made directly, as a login would) as three real people of the
   largest organization: an employee, their manager (12 direct reports) and an HR admin.
2. Query plans: runs every measured page once in-process, captures its queries and
   ``EXPLAIN (ANALYZE, BUFFERS)`` each (bench/plans.py).
3. Load: gunicorn with the production settings (plus the anchor route), wrk alternating
   the anchor and each page, ``--rounds`` times; the median ratio counts.
4. Peak resident memory of the gunicorn workers; the Celery worker's and the reminder
   fan-out's figures come from the fan-out benchmark's CSV of the same ``make`` run.
5. Reads from a replica (bench/replica_reads.py; ``--no-replica`` skips it): a streaming
   replica of the bench database, a second gunicorn reading from it, a few read-only
   pages compared with the anchor again, where their reads went, the replica's lag and a
   read-your-writes check. Reported "not measured" when the primary refuses replication.
6. Prints the table and writes it to bench/results/ (``<name>.md``, ``<name>.csv``, the
   runs in ``<name>-runs.csv``, every plan in ``<name>-plans.txt``, ``latest.md``).
"""

import csv
import dataclasses
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, reverse

from bench import load, plans, replica_reads, report, scale
from bench.management.commands.bench_fanout import MEMORY_METRIC
from bench.profile import PageProfile, profile_page
from bench.replica import Replica, ReplicaUnavailable, streaming_replica
from bench.report import Figure
from perfapp.orgs.models import Membership
from perfapp.tenancy.scoping import scopes_disabled
from recognition.models import Reaction, Recognition
from recognition.selectors.recognition import Cursor

WALL_DEPTH = 1000  # items before the wall's deep page
API_DEPTH = 1000  # items before an API list's deep page (or as deep as the list goes)
HOST = "127.0.0.1"
MAX_P99_MS = 40.0  # the 99th percentile every page is held to under 4 connections


@dataclass
class Target:
    key: str
    label: str
    path: str | None  # None: the page does not exist (yet)
    who: str  # employee, manager, hr
    minimum: float | None  # ratio to the anchor; None: reported, no target
    first_of: str = ""  # for a deep page: the key of its first page
    # wrk's 99th percentile at --connections (4 by default); every page is held to it.
    max_p99_ms: float = MAX_P99_MS
    note: str = ""


class Command(BaseCommand):
    help = "Pages of the largest organization under load, as ratios to the anchor."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=float, default=5, help="per wrk run")
        parser.add_argument("--rounds", type=int, default=3, help="anchor/page pairs per page")
        parser.add_argument("--connections", type=int, default=4, help="wrk connections")
        parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
        parser.add_argument("--name", default="web", help="results file name")
        parser.add_argument(
            "--fanout", default="fanout", help="the fan-out results to fold in (<name>.csv)"
        )
        parser.add_argument("--only", default="", help="comma-separated target keys")
        parser.add_argument(
            "--plans-only", action="store_true", help="query plans only, no load (to iterate)"
        )
        parser.add_argument(
            "--no-replica", action="store_true", help="skip the pages served from a replica"
        )

    def handle(self, *args, **options):
        started = time.perf_counter()
        load_before = os.getloadavg()[0]
        load.ensure_wrk()
        try:
            self.people = scale.measured_people()
        except Exception as error:
            raise CommandError(
                f"No seeded data: run manage.py seed_scale first ({error})."
            ) from error
        self.step(f"Signing in as the employee, the manager and HR of {self.people.slug}")
        self.members = self.load_members()
        self.cookies = {who: self.session_cookie(m) for who, m in self.members.items()}
        every_target = self.targets()
        only = set(filter(None, options["only"].split(",")))
        targets = [t for t in every_target if t.key in only] if only else every_target

        server = load.Server(
            workers=options["workers"], log=report.RESULTS_DIR / f"{options['name']}-gunicorn.log"
        )
        server.collectstatic()  # production's hashed static files, for every page below

        self.step("Query plans: every query of every page, EXPLAIN (ANALYZE, BUFFERS)")
        verdicts = self.explain_all(targets)
        failed = [v for v in verdicts if not v.passed]
        self.stdout.write(f"  {len(verdicts)} queries, {len(failed)} breaking a rule")
        self.step("Profiles: where each page's time goes, in-process (cProfile)")
        profiles = self.profile_all(targets, options["name"])
        if options["plans_only"]:
            self.write_plans(report.RESULTS_DIR / f"{options['name']}-plans.txt", verdicts)
            for verdict in failed:
                self.stdout.write(f"  [{verdict.page}] {'; '.join(verdict.problems)}")
            return

        self.step(
            f"Load: gunicorn ({options['workers']} workers) and wrk, A/B × {options['rounds']}"
        )
        comparisons: dict[str, load.Comparison] = {}
        statuses: dict[str, int] = {}
        with server:
            anchor = reverse(
                "bench_anchor",
                kwargs={
                    "organization_id": self.people.organization_id,
                    "membership_id": self.people.employee,
                },
            )
            for target in targets:
                if target.path is None:
                    continue
                statuses[target.key] = server.status(target.path, self.cookies[target.who])
            for target in targets:
                if target.path is None or statuses[target.key] != 200:
                    continue
                comparisons[target.key] = self.compare(server, anchor, target, options)
            gunicorn_rss = server.peak_worker_rss_mib()

        replica_figures = self.replica_phase(every_target, only, anchor, comparisons, options)
        self.profiles = profiles
        figures = self.figures(
            targets, comparisons, statuses, verdicts, gunicorn_rss, options, load_before, started,
            replica_figures=replica_figures,
        )  # fmt: skip
        self.write(options["name"], figures, comparisons, verdicts, options)

    # --- people and pages ---------------------------------------------------------------

    def load_members(self) -> dict[str, Membership]:
        with scopes_disabled():
            return {
                who: Membership.objects.select_related("user", "organization").get(pk=pk)
                for who, pk in (
                    ("employee", self.people.employee),
                    ("manager", self.people.manager),
                    ("hr", self.people.hr_admin),
                )
            }

    def session_cookie(self, member: Membership) -> str:
        """A session as ``django.contrib.auth.login`` stores it (the user, the backend and
        the password hash that invalidates it), saved in the session store."""
        store = import_module(settings.SESSION_ENGINE).SessionStore()
        store[SESSION_KEY] = str(member.user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = member.user.get_session_auth_hash()
        store.create()
        return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"

    def targets(self) -> list[Target]:
        slug = self.people.slug
        org = {"org_slug": slug}

        def url(name: str, **kwargs) -> str | None:
            try:
                return reverse(name, kwargs={**org, **kwargs})
            except NoReverseMatch:
                return None

        wall = url("recognition:index")
        api = f"/api/v1/orgs/{slug}"
        targets = [
            # The ceiling of every page below: the smallest answer a signed-in person gets
            # (the header's unread count: session, user, tenant, one COUNT, a few bytes).
            Target(
                "floor",
                "lightest signed-in page (unread count)",
                url("notifications:badge"),
                "employee",
                0.50,
            ),
            Target(
                "timeline", "employee feedback timeline", url("feedback:index"), "employee", 0.12
            ),
            Target("team", "manager team dashboard", url("web:team"), "manager", 0.10),
            Target("home_employee", "home page of an employee", url("web:home"), "employee", 0.08),
            Target("home_manager", "home page of a manager", url("web:home"), "manager", 0.08),
            Target("wall", "recognition wall, first page", wall, "employee", 0.10),
            Target(
                "wall_deep",
                f"recognition wall, {WALL_DEPTH:,} items deep",
                f"{wall}?cursor={self.wall_cursor()}" if wall else None,
                "employee",
                0.10,
                first_of="wall",
            ),
        ]
        # The manager's team box: the longest feedback list anyone has (the default box,
        # received, is one page).
        for key, label, who, query in (
            ("feedback", "feedback (team box)", "manager", "?box=team"),
            ("recognitions", "recognition", "employee", ""),
            ("members", "members", "hr", ""),
        ):
            first = f"{api}/{key}/{query}"
            deep, depth = self.api_deep(first, who)
            targets += [
                Target(f"api_{key}", f"API {label} list, page 1", first, who, 0.20),
                Target(
                    f"api_{key}_deep",
                    f"API {label} list, {depth:,} items deep",
                    deep,
                    who,
                    0.20,
                    first_of=f"api_{key}",
                ),
            ]
        targets.append(
            Target(
                "readiness",
                f"readiness of a person with {scale.READINESS_EVIDENCE} evidence items",
                url("advancement:readiness", member_id=self.people.employee),
                "manager",
                0.06,
            )
        )
        return targets

    def wall_cursor(self) -> str:
        with scopes_disabled():
            item = (
                Recognition.objects.filter(organization_id=self.people.organization_id)
                .order_by("-created_at", "-id")
                .only("id", "created_at")[WALL_DEPTH - 1]
            )
        return Cursor.after(item).token

    def client(self, who: str) -> Client:
        client = Client(HTTP_HOST=HOST)
        client.force_login(self.members[who].user)
        return client

    def api_deep(self, first: str, who: str) -> tuple[str, int]:
        """The page after ``API_DEPTH`` items, following the API's own ``next`` links; for a
        shorter list, its deepest full page. Returns (path, items before it)."""
        client = self.client(who)
        path, depth, size = first, 0, 0
        deepest = (first, 0)
        while depth < API_DEPTH:
            response = client.get(path)
            if response.status_code != 200:
                break
            data = response.json()
            shown = len(data.get("results", []))
            size = size or shown
            if shown == size and depth:
                deepest = (path, depth)
            following = data.get("next")
            if not following:
                break
            depth += shown
            path = following.split(HOST, 1)[-1] if "://" in following else following
        else:
            deepest = (path, depth)
        return deepest

    # --- plans --------------------------------------------------------------------------

    def explain_all(self, targets: list[Target]) -> list[plans.Verdict]:
        catalog = plans.Catalog()
        verdicts = []
        for target in targets:
            if target.path is None:
                continue
            client = self.client(target.who)
            client.get(target.path)  # warm: lazy imports, template caches
            reset_queries()  # the log keeps 9,000 queries; a full one captures nothing
            # The statements as the ORM writes them, values in: a prepared one would be
            # captured as EXECUTE, which has nothing to explain.
            with (
                override_settings(DATABASE_PREPARED_STATEMENTS=False),
                CaptureQueriesContext(connection) as captured,
            ):
                response = client.get(target.path)
            if response.status_code != 200:
                self.stdout.write(f"  {target.key}: status {response.status_code}, no plans")
                continue
            for query in captured.captured_queries:
                sql = query["sql"]
                if not plans.is_plannable(sql):
                    continue
                verdict = plans.judge(target.key, sql, plans.explain(sql), catalog)
                verdicts.append(verdict)
        return verdicts

    def profile_all(self, targets: list[Target], name: str) -> dict[str, PageProfile]:
        found = {}
        path = report.RESULTS_DIR / f"{name}-profiles.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w") as out:
            for target in targets:
                if target.path is None:
                    continue
                page = profile_page(self.client(target.who), target.key, target.path)
                found[target.key] = page
                self.stdout.write(f"  {target.key:<22} {page.summary}")
                out.write(f"== {target.key} ({target.label}): {page.summary}\n{page.top}\n\n")
        return found

    # --- load ---------------------------------------------------------------------------

    def compare(self, server: load.Server, anchor: str, target: Target, options) -> load.Comparison:
        cookie = self.cookies[target.who]
        run = {"seconds": options["seconds"], "connections": options["connections"]}
        # Warm both (workers import, caches fill); not measured.
        load.wrk(server.base, anchor, label="warm", cookie=cookie, seconds=1, connections=2)
        load.wrk(server.base, target.path, label="warm", cookie=cookie, seconds=1, connections=2)
        comparison = load.Comparison(target.key)
        for _ in range(options["rounds"]):
            a = load.wrk(server.base, anchor, label="anchor", cookie=cookie, **run)
            b = load.wrk(server.base, target.path, label=target.key, cookie=cookie, **run)
            comparison.pairs.append((a, b))
        self.stdout.write(
            f"  {target.key:<20} {comparison.rps:8.1f} req/s  anchor {comparison.anchor_rps:7.1f}"
            f"  ratio {comparison.ratio:.3f}  p99 {comparison.p99_ms:.0f} ms"
            + ("" if comparison.ok else "  (errors or non-200 answers!)")
        )
        return comparison

    # --- reads from a replica ------------------------------------------------------------

    def replica_phase(
        self, every_target: list[Target], only: set[str], anchor: str, comparisons, options
    ) -> list[Figure]:
        """The read-only pages again, served by a gunicorn reading from a streaming replica
        of the bench database (bench/replica_reads.py)."""
        if options["no_replica"]:
            return replica_reads.not_measured("skipped (--no-replica)")
        by_key = {target.key: target for target in every_target}
        chosen = [
            by_key[key]
            for key in replica_reads.selected(only)
            if key in by_key and by_key[key].path is not None
        ]
        if not chosen:
            return []
        primary = settings.DATABASES["default"]
        database = primary["NAME"]
        self.step("Replica: a streaming replica of the bench database, pages served from it")
        opening = time.perf_counter()

        def run(replica: Replica) -> list[Figure]:
            ready = time.perf_counter() - opening
            self.stdout.write(f"  replica on port {replica.port}, ready in {ready:.1f} s")
            server = load.Server(
                workers=options["workers"],
                log=report.RESULTS_DIR / f"{options['name']}-replica-gunicorn.log",
                environment={"DATABASE_REPLICA_URL": replica.url(database)},
            )
            pages = []
            with server:
                for source in chosen:
                    target = dataclasses.replace(source, key=replica_reads.replica_key(source.key))
                    status = server.status(target.path, self.cookies[target.who])
                    page = replica_reads.ReplicaPage(source.key, source.label, status)
                    pages.append(page)
                    if page.status != 200:
                        continue
                    before = replica.activity(database), replica.primary_activity(database)
                    page.comparison = self.compare(server, anchor, target, options)
                    page.replica = replica.activity(database) - before[0]
                    page.primary = replica.primary_activity(database) - before[1]
                    if source.key in comparisons:
                        page.one_database_ratio = comparisons[source.key].ratio
                    self.stdout.write(
                        f"  {'':<20} rows read: replica {page.replica.rows:,}, "
                        f"primary {page.primary.rows:,}"
                    )
                lag = replica.lag()
                try:
                    caught_up: float | None = replica.caught_up()
                except ReplicaUnavailable:
                    caught_up = None
                write_check = self.write_check(server)
            return replica_reads.figures(
                pages,
                ready_seconds=ready,
                lag=lag,
                caught_up_seconds=caught_up,
                write_check=write_check,
                connections=options["connections"],
            )

        figures = replica_reads.measure(
            lambda: streaming_replica(
                host=primary["HOST"] or HOST,
                port=int(primary["PORT"] or 5432),
                user=primary["USER"] or "postgres",
            ),
            run,
        )
        if figures and str(figures[0].value).startswith("not measured"):
            self.stdout.write(f"  {figures[0].value}")
        return figures

    def write_check(self, server: load.Server) -> replica_reads.WriteCheck | None:
        """Read-your-writes through gunicorn, as an API client of the employee: a token made
        directly (as the sessions are), removed after unless they had one."""
        from rest_framework.authtoken.models import Token

        employee = self.members["employee"]
        with scopes_disabled():
            recognition = (
                Recognition.objects.filter(organization_id=self.people.organization_id)
                .order_by("-created_at", "-id")
                .first()
            )
            if recognition is None:
                return None
            used = set(
                Reaction.objects.filter(recognition=recognition, member=employee).values_list(
                    "emoji", flat=True
                )
            )
        emoji = next((e for e in Reaction.EMOJI if e not in used), None)
        if emoji is None:
            return None
        token, created = Token.objects.get_or_create(user=employee.user)
        try:
            check = replica_reads.read_your_writes(
                server,
                api=f"/api/v1/orgs/{self.people.slug}",
                token=token.key,
                recognition=recognition.pk,
                emoji=emoji,
            )
        finally:
            if created:
                token.delete()
        self.stdout.write(
            f"  read-your-writes: {check.showed} of {check.reads} reads showed the change"
            + (f" ({check.problem})" if check.problem else "")
        )
        return check

    # --- figures ------------------------------------------------------------------------

    def figures(
        self,
        targets,
        comparisons,
        statuses,
        verdicts,
        gunicorn_rss,
        options,
        load_before,
        started,
        replica_figures=(),
    ) -> list[Figure]:
        figures = []
        for target in targets:
            goal = "reported" if target.minimum is None else f"≥ {target.minimum:.2f}×"
            if target.path is None:
                figures.append(Figure(target.label, "not built", "", goal, False))
                continue
            found = comparisons.get(target.key)
            if found is None:
                status = statuses.get(target.key)
                figures.append(Figure(target.label, f"HTTP {status}", "", goal, False))
                continue
            passed = found.ok and (target.minimum is None or found.ratio >= target.minimum)
            figures.append(
                Figure(
                    target.label,
                    round(found.ratio, 3),
                    "× anchor",
                    goal,
                    None if target.minimum is None and found.ok else passed,
                )
            )
            detail = f"{found.rps:,.0f} vs {found.anchor_rps:,.0f}"
            figures.append(Figure("  req/s vs anchor", detail))
            figures.append(
                Figure(
                    f"  p99 at {options['connections']} connections",
                    round(found.p99_ms, 1),
                    "ms",
                    f"< {target.max_p99_ms:g}",
                    found.p99_ms < target.max_p99_ms,
                )
            )
            if not passed and target.key in self.profiles:
                figures.append(Figure("  why (in-process)", self.profiles[target.key].summary))
            if target.first_of and target.first_of in comparisons:
                first = comparisons[target.first_of]
                # Ratios, not requests per second: each is normalized by its own anchor
                # runs, so a busier minute during one of them does not read as "slower".
                close = load.within(found.ratio, first.ratio)
                figures.append(
                    Figure(
                        "  deep ÷ first page (ratio to the anchor)",
                        round(found.ratio / first.ratio, 3) if first.ratio else 0.0,
                        "×",
                        "≥ 0.90",
                        close,
                    )
                )
        figures += replica_figures
        by_page: dict[str, list[plans.Verdict]] = {}
        for verdict in verdicts:
            by_page.setdefault(verdict.page, []).append(verdict)
        bad = [v for v in verdicts if not v.passed]
        slowest = max((v.ms for v in verdicts), default=0.0)
        figures += [
            Figure(
                "query plans: queries breaking a rule",
                f"{len(bad)} of {len(verdicts)}",
                "",
                "0",
                not bad and bool(verdicts),
            ),
            Figure(
                "query plans: slowest execution", round(slowest, 2), "ms", f"< {plans.MAX_MS:g}"
            ),
        ]
        figures += self.fanout_figures(options["fanout"])
        figures += [
            Figure(
                "gunicorn worker: peak RSS (largest worker)",
                round(gunicorn_rss) if gunicorn_rss else "unknown",
                "MiB",
            ),
            Figure(
                "load: seconds per run, rounds, connections",
                (f"{options['seconds']:g} s · {options['rounds']} · {options['connections']}"),
            ),
            Figure(
                "machine load (1-min average) before / after",
                f"{load_before:.1f} / {os.getloadavg()[0]:.1f}",
            ),
            Figure("benchmark: total time", round(time.perf_counter() - started), "s"),
        ]
        return figures

    def fanout_figures(self, name: str) -> list[Figure]:
        """The reminder fan-out's figures from its own CSV (same make run)."""
        path = report.RESULTS_DIR / f"{name}.csv"
        wanted = {
            "fan-out rate": "reminder fan-out rate",
            "speed-up over the baseline": "reminder fan-out: speed-up over one task each",
            MEMORY_METRIC: MEMORY_METRIC,
        }
        if not path.exists():
            return [Figure("reminder fan-out", "not run", "", "", None)]
        rows = {row["metric"]: row for row in csv.DictReader(path.open())}
        figures = []
        for metric, label in wanted.items():
            row = rows.get(metric)
            if row is None:
                continue
            passed = {"true": True, "false": False}.get(row["passed"])
            value = float(row["value"]) if _number(row["value"]) else row["value"]
            figures.append(Figure(label, value, row["unit"], row["target"], passed))
        if rows:
            measured = next(iter(rows.values()))["measured_at"]
            figures.append(Figure("reminder fan-out: measured", measured))
        return figures

    def write(self, name, figures, comparisons, verdicts, options) -> None:
        directory = report.RESULTS_DIR
        directory.mkdir(parents=True, exist_ok=True)
        with (directory / f"{name}-runs.csv").open("w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(
                ["target", "round", "url", "requests", "seconds", "rps", "p50_ms", "p99_ms",
                 "errors", "non200"]
            )  # fmt: skip
            for key, comparison in comparisons.items():
                for n, pair in enumerate(comparison.pairs, 1):
                    for run in pair:
                        writer.writerow(
                            [key, n, run.label, run.requests, f"{run.seconds:.2f}",
                             f"{run.rps:.1f}", f"{run.p50_ms:.1f}", f"{run.p99_ms:.1f}",
                             run.errors, run.non200]
                        )  # fmt: skip
        self.write_plans(directory / f"{name}-plans.txt", verdicts)
        bad = [v for v in verdicts if not v.passed]
        notes = (
            f"Signed in as people of `{self.people.slug}`. Ratios are requests per second "
            "of the page divided by the anchor's (one indexed query, tiny JSON, same "
            "gunicorn and middleware), alternated A B A B, median of "
            f"{options['rounds']} rounds of {options['seconds']:g} s. Every run counted "
            f"answers other than 200. Raw runs in `{name}-runs.csv`, every query plan in "
            f"`{name}-plans.txt`, profiles in `{name}-profiles.txt`. See BENCHMARKS.md."
        )
        if bad:
            notes += "\n\nQueries breaking a plan rule:\n\n" + "\n".join(
                f"- `{v.page}`: {'; '.join(v.problems)} — `{plans.shorten(v.sql, 140)}`"
                for v in bad[:20]
            )
        title = f"Pages at a {len(self.members) and self.size():,}-person organization"
        latest = report.write(name, title, figures, notes)
        self.stdout.write("\n" + report.table(figures) + "\n")
        self.stdout.write(f"\nWritten to {latest.relative_to(settings.BASE_DIR)}\n")
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        self.stdout.write(f"({stamp})\n")

    def write_plans(self, path, verdicts: list[plans.Verdict]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w") as out:
            for verdict in verdicts:
                state = "ok" if verdict.passed else "BREAKS: " + "; ".join(verdict.problems)
                out.write(f"[{verdict.page}] {verdict.ms:.3f} ms  {state}\n")
                if verdict.notes:
                    out.write("  notes: " + "; ".join(sorted(set(verdict.notes))) + "\n")
                out.write("  " + plans.shorten(verdict.sql, 400) + "\n")
                out.write("\n".join("    " + line for line in verdict.plan.splitlines()) + "\n\n")

    def size(self) -> int:
        with scopes_disabled():
            return Membership.objects.filter(organization_id=self.people.organization_id).count()

    def step(self, text: str) -> None:
        self.stdout.write(f"==> {text}")


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
