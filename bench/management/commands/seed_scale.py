"""``manage.py seed_scale``: empty the bench database and fill it with a large customer base
(``bench.scale``); prints the time of each step and the database size.

``--scale 0.05`` is what ``make bench-quick`` uses (5,000 people); ``--small-volume``
gives every organization but the largest that fraction of the per-person yearly volumes.
"""

import time

from django.core.management.base import BaseCommand

from bench import database, report, scale
from bench.report import Figure

SECTION = "seed"


class Command(BaseCommand):
    help = "Empty the bench database and seed a large customer base in bulk."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="1 = 1,000 organizations, 100,000 people"
        )
        parser.add_argument(
            "--small-volume",
            type=float,
            default=1.0,
            help="per-person volumes of every organization but the largest, as a fraction",
        )
        parser.add_argument("--recreate", action="store_true", help="drop and recreate the DB")
        parser.add_argument("--name", default="seed", help="results file name")

    def handle(self, *args, **options):
        plan = scale.Plan.build(options["scale"], options["small_volume"])
        self.stdout.write("==> Preparing the bench database")
        setup = database.prepare(recreate=options["recreate"])
        self.stdout.write(
            f"==> Seeding {len(plan.orgs):,} organizations, {plan.people:,} people "
            f"(largest {plan.orgs[0].size:,}; others at {options['small_volume']:.0%} volume)"
        )
        clock = time.perf_counter()
        result = scale.Seeder(plan, log=self.stdout.write).run()
        seconds = time.perf_counter() - clock
        size = database.size()
        rows = sum(result.rows.values())
        self.stdout.write(
            f"==> Seeded {rows:,} rows in {seconds:.0f}s; the database is {size / 2**30:.2f} GiB"
        )
        figures = [
            Figure("organizations", len(plan.orgs)),
            Figure("people", plan.people),
            Figure("largest organization", plan.orgs[0].size, "people"),
            Figure("volume of the other organizations", f"{options['small_volume']:.0%}"),
            Figure("rows inserted", rows),
            *(
                Figure(f"seed: {label}", round(result.seconds[label], 1), "s")
                for label in result.seconds
            ),
            Figure("seed: empty and migrate the database", round(setup, 1), "s"),
            Figure("seed: total", round(seconds, 1), "s"),
            Figure("database size", round(size / 2**30, 2), "GiB"),
        ]
        report.write(
            options["name"],
            f"Seed: {plan.people:,} people in {len(plan.orgs):,} organizations",
            figures,
            "Inserted by `manage.py seed_scale` (INSERT … SELECT inside Postgres; see "
            "BENCHMARKS.md).",
        )
