"""A large customer base, inserted in bulk: ``manage.py seed_scale``.

1,000 organizations and 100,000 people at ``scale=1``, skewed like real customers: one of
20,000 people, ten of about 2,000, the rest 60–80. Per person and year: about 52 feedback
items received, 25 recognitions given (one or two recipients, about three reactions
each), a 1:1 series with their manager of 26 check-ins (two agenda items and one action
item each), a development plan with three goals, and a placement on a track.

Speed: the volume tables are filled by ``INSERT … SELECT`` statements that generate their
rows inside Postgres (``generate_series`` over the people), never one row at a time and
never through Python; every column the statement does not set gets the model field's own
default (``insert_select``), so rows are what the ORM would have written. The career
framework goes through the real services (import a built-in ladder, publish it), so the
published snapshot is genuine.

People are numbered inside their organization (``idx`` 0 … size-1) and membership ids are
contiguous per organization, so relations are arithmetic: the manager of ``idx`` is
``(idx - 1) // 12`` (every manager has 12 direct reports), the owner is 0, and the last
people are HR admins.
"""

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import connection, models, transaction

from advancement import snapshots, track_io
from advancement.models import Competency, Criterion, FrameworkVersion, Level, Track
from advancement.services import framework as framework_services
from development.models import DevelopmentPlan, DevelopmentSettings, Goal
from feedback.models import (
    ActionItem,
    AgendaItem,
    CheckinSeries,
    CheckinSettings,
    Feedback,
    Meeting,
)
from perfapp.accounts.models import User
from perfapp.orgs.models import Membership, Organization
from perfapp.orgs.roles import Role
from perfapp.tenancy.scoping import organization_scope, scopes_disabled
from recognition.models import (
    CompanyValue,
    ContributionKind,
    Reaction,
    Recognition,
    RecognitionRecipient,
    RecognitionSettings,
)

SPAN = 12  # direct reports per manager
BIG, MID, MID_COUNT, ORGANIZATIONS, PEOPLE = 20_000, 2_000, 10, 1_000, 100_000
BIG_SLUG = "bench-big"
# Per person and year, at full volume.
FEEDBACK, RECOGNITIONS, MEETINGS, AGENDA, GOALS = 52, 25, 26, 2, 3
# Any moment of the past year, to the microsecond, as people write (so keyset cursors meet
# ties as rarely as in real data).
YEAR_AGO_TO_NOW = "now() - random() * interval '365 days'"
READINESS_EVIDENCE = 200  # evidence items of the person whose readiness is measured
TIME_ZONES = ("Europe/Berlin", "America/New_York", "Europe/London", "Asia/Singapore")


@dataclass
class Org:
    slug: str
    size: int
    volume: float  # fraction of the per-person yearly volumes this organization gets
    id: int = 0
    first_member: int = 0  # membership id of idx 0; the others follow contiguously


@dataclass
class Plan:
    """What to seed: the organizations with their sizes and volumes."""

    orgs: list[Org] = field(default_factory=list)

    @property
    def people(self) -> int:
        return sum(org.size for org in self.orgs)

    @classmethod
    def build(cls, scale: float = 1.0, small_volume: float = 1.0) -> "Plan":
        """The customer base at ``scale`` (1 = 100,000 people). The largest organization
        always has the full volume; the others ``small_volume`` of it."""
        big = max(SPAN * SPAN + 1, round(BIG * scale))
        mid = max(SPAN + 1, round(MID * scale))
        small_count = max(1, round((ORGANIZATIONS - 1 - MID_COUNT) * scale))
        small_people = max(60 * small_count, round((PEOPLE - BIG - MID_COUNT * MID) * scale))
        orgs = [Org(BIG_SLUG, big, 1.0)]
        orgs += [Org(f"bench-mid-{n:02d}", mid, small_volume) for n in range(1, MID_COUNT + 1)]
        sizes = small_sizes(small_count, small_people)
        orgs += [Org(f"bench-{n:04d}", size, small_volume) for n, size in enumerate(sizes, 1)]
        return cls(orgs)


def small_sizes(count: int, people: int) -> list[int]:
    """``count`` sizes between 60 and 80 adding up to ``people`` (as near as the bounds
    allow): 60 each, and the people left over make some of them larger, spread evenly."""
    people = min(max(people, 60 * count), 80 * count)
    sizes = [60] * count
    extra = people - 60 * count
    step = max(1, count * 20 // extra) if extra else count
    n = 0
    while extra > 0:
        add = min(20 - (sizes[n % count] - 60), extra)
        sizes[n % count] += add
        extra -= add
        n += step if n + step < count else 1
    return sizes


@dataclass
class Result:
    seconds: dict[str, float] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)


def default_sql(model_field: models.Field) -> str:
    """The SQL literal of a field's default, as the ORM would write it on insert."""
    if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
        return "now()"
    value = model_field.get_default()
    if value is None:
        if model_field.null:
            return "NULL"
        raise ValueError(f"{model_field} has no default: the seed must give it a value.")
    prepared = model_field.get_db_prep_save(value, connection)
    with connection.cursor() as cursor:
        literal = cursor.mogrify("%s", [prepared]).decode()
    return f"{literal}::{model_field.db_type(connection)}"


def insert_select(model: type[models.Model], values: dict[str, str], source: str) -> int:
    """``INSERT INTO <model's table> (…) SELECT … <source>``: ``values`` maps columns to SQL
    expressions over ``source``; every other column gets its field's default. Returns the
    number of rows inserted."""
    columns, expressions = [], []
    unknown = set(values) - {f.column for f in model._meta.concrete_fields}
    if unknown:
        raise ValueError(f"{model.__name__} has no column {', '.join(sorted(unknown))}.")
    for model_field in model._meta.concrete_fields:
        if model_field.primary_key and model_field.column not in values:
            continue
        columns.append(connection.ops.quote_name(model_field.column))
        expressions.append(values.get(model_field.column) or default_sql(model_field))
    statement = (
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} "
        f"({', '.join(columns)}) SELECT {', '.join(expressions)} {source}"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement)
        return cursor.rowcount


def m2m_table(model: type[models.Model], name: str) -> tuple[str, str, str]:
    """(table, column of ``model``, column of the other side) of a many-to-many field."""
    through = model._meta.get_field(name).remote_field.through
    own, other = (f for f in through._meta.concrete_fields if not f.primary_key)
    return through._meta.db_table, own.column, other.column


def sql_array(texts) -> str:
    """A SQL array literal of ``texts`` (for picking one by index in a statement)."""
    quoted = ("'" + text.replace("'", "''") + "'" for text in texts)
    return f"ARRAY[{', '.join(quoted)}]::text[]"


def execute(statement: str, params=None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


class Seeder:
    """Runs the steps in order, timing each; ``log`` is called with a line per step."""

    def __init__(
        self,
        plan: Plan,
        *,
        now: datetime | None = None,
        log=print,
        fast: bool = True,
        vacuum: bool = True,
    ):
        self.plan = plan
        self.fast = fast
        self.analyze = vacuum
        self.now = now or datetime.now(UTC)
        self.log = log
        self.result = Result()

    def run(self) -> Result:
        if self.fast:
            # Bulk-load mode for this session only: no per-row foreign key trigger (the
            # rows are valid by construction, and tests/bench seed with it off so the
            # database checks every constraint), and no waiting for each WAL flush.
            execute("SET session_replication_role = replica")
            execute("SET synchronous_commit = off")
        try:
            self.seed()
        finally:
            execute("RESET session_replication_role")
            execute("RESET synchronous_commit")
        if self.analyze:  # not inside a transaction (tests)
            self.step("VACUUM ANALYZE", self.vacuum)
        return self.result

    def seed(self) -> None:
        with scopes_disabled():
            self.step("organizations, people and managers", self.people)
            self.step("career framework (import and publish, per organization)", self.framework)
            self.step("settings, values and contribution kinds", self.catalogues)
            self.step("placements", self.placements)
            self.step("feedback", self.feedback)
            self.step("recognition, recipients, reactions", self.recognition)
            self.step("check-ins: series, meetings, agenda, actions", self.checkins)
            self.step("development plans and goals", self.plans)
            self.step("readiness evidence for the measured person", self.readiness_evidence)

    def step(self, label: str, function) -> None:
        clock = time.perf_counter()
        rows = function() or 0
        seconds = time.perf_counter() - clock
        self.result.seconds[label] = seconds
        self.result.rows[label] = rows
        self.log(f"  {label}: {rows:,} rows in {seconds:.1f}s")

    # --- people -------------------------------------------------------------------------

    def people(self) -> int:
        orgs = Organization.objects.bulk_create(
            Organization(
                name=f"Bench {org.slug.removeprefix('bench-').title()}",
                slug=org.slug,
                time_zone=TIME_ZONES[n % len(TIME_ZONES)],
            )
            for n, org in enumerate(self.plan.orgs)
        )
        for org, created in zip(self.plan.orgs, orgs, strict=True):
            org.id = created.pk
        total = self.plan.people
        first_user = self.reserve(User, total)
        first_member = self.reserve(Membership, total)
        offset = 0
        for org in self.plan.orgs:
            org.first_member = first_member + offset
            offset += org.size
        execute("DROP TABLE IF EXISTS bench_org")
        execute(
            "CREATE TEMP TABLE bench_org (org_id bigint PRIMARY KEY, slug text, size int, "
            "volume float, first_member bigint, first_user bigint)"
        )
        offset = 0
        rows = []
        for org in self.plan.orgs:
            rows.append((org.id, org.slug, org.size, org.volume, org.first_member, offset))
            offset += org.size
        with connection.cursor() as cursor:
            cursor.executemany("INSERT INTO bench_org VALUES (%s, %s, %s, %s, %s, %s)", rows)
        execute("UPDATE bench_org SET first_user = first_user + %s", [first_user])
        # Everyone, numbered inside their organization; their manager by arithmetic.
        execute("DROP TABLE IF EXISTS bench_people")
        execute(
            f"""CREATE TEMP TABLE bench_people AS
            SELECT o.org_id, o.slug, o.size, o.volume, o.first_member, i AS idx,
                   o.first_member + i AS id, o.first_user + i AS user_id,
                   CASE WHEN i > 0 THEN o.first_member + (i - 1) / {SPAN} END AS manager_id
            FROM bench_org o CROSS JOIN LATERAL generate_series(0, o.size - 1) i"""
        )
        execute("CREATE INDEX ON bench_people (id)")
        execute("ANALYZE bench_people")
        users = insert_select(
            User,
            {
                "id": "p.user_id",
                "email": "'p' || p.idx || '@' || p.slug || '.bench.example'",
                "name": f"({sql_array(FIRST_NAMES)})[1 + p.idx % {len(FIRST_NAMES)}] || ' ' || "
                f"({sql_array(LAST_NAMES)})[1 + (p.idx / {len(FIRST_NAMES)}) % {len(LAST_NAMES)}]",
                "password": "'!'",  # unusable: sessions are made directly
                "date_joined": "now() - interval '2 years'",
            },
            "FROM bench_people p ORDER BY p.user_id",
        )
        # Roles: idx 0 owns; the last one per thousand (at least one) are HR admins.
        members = insert_select(
            Membership,
            {
                "id": "p.id",
                "organization_id": "p.org_id",
                "user_id": "p.user_id",
                "role": f"CASE WHEN p.idx = 0 THEN '{Role.OWNER}' "
                f"WHEN p.idx >= p.size - greatest(1, p.size / 1000) THEN '{Role.HR_ADMIN}' "
                f"ELSE '{Role.MEMBER}' END",
                "manager_id": "p.manager_id",
                "job_title": f"CASE WHEN p.idx <= (p.size - 2) / {SPAN} THEN 'Engineering manager' "
                "ELSE 'Engineer' END",
                "joined_at": "now() - interval '2 years'",
            },
            "FROM bench_people p ORDER BY p.id",
        )
        self.sync_sequence(User)
        self.sync_sequence(Membership)
        return len(orgs) + users + members

    def reserve(self, model: type[models.Model], count: int) -> int:
        """The first of ``count`` ids taken from the model's sequence for explicit use."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [model._meta.db_table]
            )
            first = cursor.fetchone()[0]
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                [model._meta.db_table, first + count - 1],
            )
        return first

    def sync_sequence(self, model: type[models.Model]) -> None:
        table = model._meta.db_table
        execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT coalesce(max(id), 1) FROM {connection.ops.quote_name(table)}))"
        )

    # --- framework ----------------------------------------------------------------------

    def framework(self) -> int:
        """Both built-in ladders imported and published through the real services in the
        largest organization; copied row for row into every other one (in SQL, by name
        and rank), each with its own published version built by the real snapshot code."""
        ladders = track_io.builtin_ladders()
        template = self.plan.orgs[0]
        owner = Membership.objects.select_related("organization", "user").get(
            pk=template.first_member
        )
        with organization_scope(owner.organization), transaction.atomic():
            track_io.import_track(actor=owner, data=ladders["engineering-ic"])
            track_io.import_track(actor=owner, data=ladders["people-manager"])
            framework_services.publish(actor=owner, summary="The career framework.")
        self.copy_framework(template.id)
        versions = []
        for org in self.plan.orgs[1:]:
            with organization_scope(Organization(pk=org.id)):
                snapshot = snapshots.build_draft_snapshot()
            versions.append(
                FrameworkVersion(
                    organization_id=org.id,
                    number=1,
                    summary="The career framework.",
                    snapshot=snapshot,
                    changes=[c.as_dict() for c in snapshots.diff(snapshots.EMPTY, snapshot)],
                    published_by_id=org.first_member,
                )
            )
        FrameworkVersion.objects.bulk_create(versions, batch_size=500)
        execute("ALTER TABLE bench_org ADD COLUMN competencies bigint[]")
        execute("ALTER TABLE bench_org ADD COLUMN ic_levels bigint[]")
        execute("ALTER TABLE bench_org ADD COLUMN manager_levels bigint[]")
        execute("ALTER TABLE bench_org ADD COLUMN ic_track bigint")
        execute("ALTER TABLE bench_org ADD COLUMN manager_track bigint")
        competency = Competency._meta.db_table
        level, track = Level._meta.db_table, Track._meta.db_table
        execute(
            f"""UPDATE bench_org o SET
              competencies = (SELECT array_agg(id ORDER BY id) FROM {competency}
                              WHERE organization_id = o.org_id),
              ic_track = (SELECT min(id) FROM {track} WHERE organization_id = o.org_id),
              manager_track = (SELECT max(id) FROM {track} WHERE organization_id = o.org_id)"""
        )
        execute(
            f"""UPDATE bench_org o SET
              ic_levels = (SELECT array_agg(id ORDER BY rank) FROM {level}
                           WHERE track_id = o.ic_track),
              manager_levels = (SELECT array_agg(id ORDER BY rank) FROM {level}
                                WHERE track_id = o.manager_track)"""
        )
        return Criterion.objects.count() + Level.objects.count()

    def copy_framework(self, template: int) -> None:
        """The template organization's competencies, tracks, levels and criteria, into
        every other organization."""
        competency, track = Competency._meta.db_table, Track._meta.db_table
        level, criterion = Level._meta.db_table, Criterion._meta.db_table
        others = f"bench_org o WHERE o.org_id <> {template}"
        insert_select(
            Competency,
            {
                "organization_id": "o.org_id",
                "name": "c.name",
                "description": "c.description",
                "category": "c.category",
            },
            f"FROM {competency} c, {others} AND c.organization_id = {template} "
            "ORDER BY o.org_id, c.id",
        )
        insert_select(
            Track,
            {"organization_id": "o.org_id", "name": "t.name", "description": "t.description"},
            f"FROM {track} t, {others} AND t.organization_id = {template} ORDER BY o.org_id, t.id",
        )
        insert_select(
            Level,
            {
                "organization_id": "o.org_id",
                "track_id": "nt.id",
                "rank": "l.rank",
                "code": "l.code",
                "name": "l.name",
                "summary": "l.summary",
            },
            f"FROM {level} l JOIN {track} t ON t.id = l.track_id "
            f"JOIN {track} nt ON nt.name = t.name AND nt.organization_id <> {template} "
            f"JOIN bench_org o ON o.org_id = nt.organization_id "
            f"WHERE l.organization_id = {template} ORDER BY o.org_id, l.id",
        )
        insert_select(
            Criterion,
            {
                "organization_id": "nl.organization_id",
                "level_id": "nl.id",
                "competency_id": "nc.id",
                "expectation": "x.expectation",
                "evidence_examples": "x.evidence_examples",
                "position": "x.position",
            },
            f"FROM {criterion} x JOIN {level} l ON l.id = x.level_id "
            f"JOIN {track} t ON t.id = l.track_id "
            f"JOIN {track} nt ON nt.name = t.name AND nt.organization_id <> {template} "
            f"JOIN {level} nl ON nl.track_id = nt.id AND nl.rank = l.rank "
            f"LEFT JOIN {competency} c ON c.id = x.competency_id "
            f"LEFT JOIN {competency} nc ON nc.name = c.name "
            "AND nc.organization_id = nt.organization_id "
            f"WHERE x.organization_id = {template} ORDER BY nl.organization_id, x.id",
        )

    # --- per-organization catalogues ----------------------------------------------------

    def catalogues(self) -> int:
        ids = [org.id for org in self.plan.orgs]
        count = 0
        for model in (RecognitionSettings, CheckinSettings, DevelopmentSettings):
            count += len(model.objects.bulk_create(model(organization_id=pk) for pk in ids))
        values = [
            CompanyValue(organization_id=pk, name=name, emoji=emoji, position=n)
            for pk in ids
            for n, (name, emoji) in enumerate(VALUES)
        ]
        kinds = [
            ContributionKind(organization_id=pk, name=name, position=n)
            for pk in ids
            for n, name in enumerate(KINDS)
        ]
        count += len(CompanyValue.objects.bulk_create(values, batch_size=5000))
        count += len(ContributionKind.objects.bulk_create(kinds, batch_size=5000))
        execute("ALTER TABLE bench_org ADD COLUMN value_ids bigint[]")
        execute("ALTER TABLE bench_org ADD COLUMN kind_ids bigint[]")
        execute(
            f"""UPDATE bench_org o SET
              value_ids = (SELECT array_agg(id ORDER BY id) FROM {CompanyValue._meta.db_table}
                           WHERE organization_id = o.org_id),
              kind_ids = (SELECT array_agg(id ORDER BY id) FROM {ContributionKind._meta.db_table}
                          WHERE organization_id = o.org_id)"""
        )
        return count

    def placements(self) -> int:
        from advancement.models import Placement

        # Managers on the manager track (M1, owners M4), everyone else across L1–L4.
        return insert_select(
            Placement,
            {
                "organization_id": "p.org_id",
                "membership_id": "p.id",
                "track_id": f"CASE WHEN p.idx <= (p.size - 2) / {SPAN} THEN o.manager_track "
                "ELSE o.ic_track END",
                "level_id": f"CASE WHEN p.idx = 0 THEN o.manager_levels[4] "
                f"WHEN p.idx <= (p.size - 2) / {SPAN} THEN o.manager_levels[1] "
                "ELSE o.ic_levels[1 + p.idx % 4] END",
                "placed_by_id": "o.first_member",
            },
            "FROM bench_people p JOIN bench_org o USING (org_id) ORDER BY p.id",
        )

    # --- volumes ------------------------------------------------------------------------

    @staticmethod
    def per_year(count: int) -> str:
        """SQL: how many of a yearly ``count`` a person of ``p`` gets (at least one)."""
        return f"greatest(1, round({count} * p.volume))::int"

    def feedback(self) -> int:
        """Received, spread over the year; every tenth from the manager, the rest from
        colleagues of the same organization. Visibility: 55% private, 45% shared with
        the manager. A quarter tagged with one competency (evidence)."""
        n = self.per_year(FEEDBACK)
        colleague = "p.first_member + (p.idx + 1 + (g * 7919) % (p.size - 1)) % p.size"
        rows = insert_select(
            Feedback,
            {
                "organization_id": "p.org_id",
                "author_id": f"CASE WHEN g % 10 = 0 AND p.manager_id IS NOT NULL "
                f"THEN p.manager_id ELSE {colleague} END",
                "recipient_id": "p.id",
                "kind": "(ARRAY['praise','praise','constructive','suggestion'])[1 + g % 4]",
                "situation": f"({sql_array(SITUATIONS)})[1 + (g + p.idx) % {len(SITUATIONS)}]",
                "impact": f"({sql_array(IMPACTS)})[1 + (g * 3 + p.idx) % {len(IMPACTS)}]",
                "visibility": "CASE WHEN (g + p.idx) % 20 < 11 THEN 'private' "
                "ELSE 'with_manager' END",
                "created_at": YEAR_AGO_TO_NOW,
            },
            f"FROM bench_people p CROSS JOIN LATERAL generate_series(1, {n}) g "
            "ORDER BY p.org_id, p.id, g",
        )
        table, own, other = m2m_table(Feedback, "competencies")
        rows += execute(
            f"""INSERT INTO {table} ({own}, {other})
            SELECT f.id, o.competencies[1 + f.id % array_length(o.competencies, 1)]
            FROM {Feedback._meta.db_table} f JOIN bench_org o ON o.org_id = f.organization_id
            WHERE f.id % 4 = 0"""
        )
        return rows

    def recognition(self) -> int:
        """Given, spread over the year; one recipient (a third of them two), one company
        value, about three reactions from colleagues."""
        rows = insert_select(
            Recognition,
            {
                "organization_id": "p.org_id",
                "giver_id": "p.id",
                "message": f"({sql_array(THANKS)})[1 + (g + p.idx) % {len(THANKS)}]",
                "kind_id": "o.kind_ids[1 + (g + p.idx) % array_length(o.kind_ids, 1)]",
                "created_at": YEAR_AGO_TO_NOW,
            },
            "FROM bench_people p JOIN bench_org o USING (org_id) "
            f"CROSS JOIN LATERAL generate_series(1, {self.per_year(RECOGNITIONS)}) g "
            "ORDER BY p.org_id, p.id, g",
        )
        recognition = Recognition._meta.db_table
        # Colleague n of a giver: someone else in the organization, by offset.
        giver = "(r.giver_id - o.first_member)"
        rows += insert_select(
            RecognitionRecipient,
            {
                "organization_id": "r.organization_id",
                "recognition_id": "r.id",
                "recipient_id": f"o.first_member + ({giver} + n * (1 + r.id % 5)) % o.size",
                "created_at": "r.created_at",
            },
            f"FROM {recognition} r JOIN bench_org o ON o.org_id = r.organization_id "
            "CROSS JOIN LATERAL generate_series(1, CASE WHEN r.id % 3 = 0 THEN 2 ELSE 1 END) n",
        )
        emoji = list(Reaction.EMOJI)
        rows += insert_select(
            Reaction,
            {
                "organization_id": "r.organization_id",
                "recognition_id": "r.id",
                "member_id": f"o.first_member + ({giver} + 7 + n * 3) % o.size",
                "emoji": f"({sql_array(emoji)})[1 + (r.id + n) % {len(emoji)}]",
                "created_at": "r.created_at + interval '1 hour' * n",
            },
            f"FROM {recognition} r JOIN bench_org o ON o.org_id = r.organization_id "
            "CROSS JOIN LATERAL generate_series(1, 1 + r.id % 5) n",
        )
        table, own, other = m2m_table(Recognition, "values")
        rows += execute(
            f"""INSERT INTO {table} ({own}, {other})
            SELECT r.id, o.value_ids[1 + r.id % array_length(o.value_ids, 1)]
            FROM {recognition} r JOIN bench_org o ON o.org_id = r.organization_id"""
        )
        return rows

    def checkins(self) -> int:
        """A biweekly 1:1 series for everyone with a manager, started a year ago; its
        meetings every two weeks up to the next one (held, except the upcoming one), two
        agenda items and one action item each."""
        rows = insert_select(
            CheckinSeries,
            {
                "organization_id": "p.org_id",
                "manager_id": "p.manager_id",
                "report_id": "p.id",
                "proposed_by_id": "p.manager_id",
                "cadence": "'biweekly'",
                "time_of_day": "make_time(9 + p.idx % 8, (p.idx % 4) * 15, 0)",
                "time_zone": "org.time_zone",
                "starts_on": "(now() - interval '365 days')::date",
                "status": "'active'",
                "created_at": "now() - interval '366 days'",
            },
            f"FROM bench_people p JOIN {Organization._meta.db_table} org ON org.id = p.org_id "
            "WHERE p.manager_id IS NOT NULL ORDER BY p.id",
        )
        series = CheckinSeries._meta.db_table
        count = self.per_year(MEETINGS).replace("p.volume", "o.volume")
        # Meeting k of n: the last one (k = n - 1) is next week and still scheduled.
        starts = (
            f"(date_trunc('day', now()) + s.time_of_day::interval + interval '7 days' "
            f"- (({count}) - 1 - k) * interval '14 days')"
        )
        rows += insert_select(
            Meeting,
            {
                "organization_id": "s.organization_id",
                "series_id": "s.id",
                "starts_at": starts,
                "status": f"CASE WHEN k = {count} - 1 THEN 'scheduled' ELSE 'held' END",
                "shared_notes": "'Talked about the week, the release and what is next.'",
                "held_at": f"CASE WHEN k = {count} - 1 THEN NULL "
                f"ELSE {starts} + interval '30 minutes' END",
            },
            f"FROM {series} s JOIN bench_org o ON o.org_id = s.organization_id "
            f"CROSS JOIN LATERAL generate_series(0, {count} - 1) k ORDER BY s.id, k",
        )
        meeting = Meeting._meta.db_table
        rows += insert_select(
            AgendaItem,
            {
                "organization_id": "m.organization_id",
                "meeting_id": "m.id",
                "author_id": "CASE WHEN n = 1 THEN s.report_id ELSE s.manager_id END",
                "text": f"({sql_array(AGENDA_TEXTS)})[1 + (m.id + n) % {len(AGENDA_TEXTS)}]",
                "position": "n",
                "discussed": "m.status = 'held'",
                "created_at": "m.starts_at - interval '1 day'",
            },
            f"FROM {meeting} m JOIN {series} s ON s.id = m.series_id "
            f"CROSS JOIN generate_series(1, {AGENDA}) n",
        )
        rows += insert_select(
            ActionItem,
            {
                "organization_id": "m.organization_id",
                "series_id": "m.series_id",
                "meeting_id": "m.id",
                "owner_id": "s.report_id",
                "text": f"({sql_array(ACTIONS)})[1 + m.id % {len(ACTIONS)}]",
                "due_on": "(m.starts_at + interval '14 days')::date",
                "done_at": "CASE WHEN m.starts_at < now() - interval '14 days' "
                "THEN m.starts_at + interval '3 days' END",
                "created_at": "m.starts_at",
            },
            f"FROM {meeting} m JOIN {series} s ON s.id = m.series_id",
        )
        return rows

    def plans(self) -> int:
        """Everyone's agreed plan, aiming one level up, with three goals."""
        rows = insert_select(
            DevelopmentPlan,
            {
                "organization_id": "p.org_id",
                "owner_id": "p.id",
                "aspirations": "'Lead the design of a system end to end and grow others.'",
                "target_track_id": "o.ic_track",
                "target_level_id": "o.ic_levels[2 + p.idx % 4]",
                "status": "'agreed'",
                "owner_signed_at": "now() - interval '200 days'",
                "manager_signed_at": "now() - interval '199 days'",
                "manager_signed_by_id": "p.manager_id",
                "agreed_at": "now() - interval '199 days'",
                "next_review_on": "(now() + interval '1 day' * (p.idx % 90))::date",
                "version": "1",
                "created_at": "now() - interval '220 days'",
            },
            "FROM bench_people p JOIN bench_org o USING (org_id) ORDER BY p.id",
        )
        plan = DevelopmentPlan._meta.db_table
        rows += insert_select(
            Goal,
            {
                "organization_id": "d.organization_id",
                "plan_id": "d.id",
                "title": f"({sql_array(GOAL_TITLES)})[1 + (d.id + n) % {len(GOAL_TITLES)}]",
                "why": "'It is what the next level asks for.'",
                "success_criteria": "'Shipped, reviewed by peers, and used by another team.'",
                "start_on": "(now() - interval '200 days')::date",
                "target_on": "(now() + interval '30 days' * n)::date",
                "status": "CASE WHEN n = 1 AND d.id % 3 = 0 THEN 'done' ELSE 'on_track' END",
                "created_at": "now() - interval '200 days'",
            },
            f"FROM {plan} d CROSS JOIN generate_series(1, {GOALS}) n",
        )
        return rows

    def readiness_evidence(self) -> int:
        """The measured employee's evidence: feedback shared with their manager and
        recognition, tagged with their level's competencies, within the last half year,
        until they have ``READINESS_EVIDENCE`` items."""
        people = measured_people(self.plan)
        subject = people.employee
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT array_agg(DISTINCT c.competency_id) FROM {Criterion._meta.db_table} c "
                f"JOIN {Level._meta.db_table} l ON l.id = c.level_id WHERE l.track_id = "
                "(SELECT ic_track FROM bench_org WHERE org_id = %s) "
                "AND c.competency_id IS NOT NULL",
                [people.organization_id],
            )
            competencies = cursor.fetchone()[0]
        feedback_count = READINESS_EVIDENCE * 3 // 4
        recognition_count = READINESS_EVIDENCE - feedback_count
        feedback = Feedback._meta.db_table
        recognition = Recognition._meta.db_table
        first = self.reserve(Feedback, feedback_count)
        rows = insert_select(
            Feedback,
            {
                "id": f"{first} + g",
                "organization_id": "p.org_id",
                "author_id": "p.first_member + (p.idx + 1 + g * 13) % p.size",
                "recipient_id": "p.id",
                "kind": "(ARRAY['praise','constructive'])[1 + g % 2]",
                "situation": f"({sql_array(SITUATIONS)})[1 + g % {len(SITUATIONS)}]",
                "impact": f"({sql_array(IMPACTS)})[1 + g % {len(IMPACTS)}]",
                "visibility": "'with_manager'",
                "created_at": f"now() - interval '180 days' * g / {feedback_count}",
            },
            f"FROM bench_people p CROSS JOIN generate_series(0, {feedback_count - 1}) g "
            f"WHERE p.id = {subject}",
        )
        table, own, other = m2m_table(Feedback, "competencies")
        rows += execute(
            f"INSERT INTO {table} ({own}, {other}) SELECT f.id, (%s::bigint[])[1 + f.id %% %s] "
            f"FROM {feedback} f WHERE f.id BETWEEN %s AND %s",
            [competencies, len(competencies), first, first + feedback_count - 1],
        )
        first = self.reserve(Recognition, recognition_count)
        rows += insert_select(
            Recognition,
            {
                "id": f"{first} + g",
                "organization_id": "p.org_id",
                "giver_id": "p.first_member + (p.idx + 1 + g * 17) % p.size",
                "message": f"({sql_array(THANKS)})[1 + g % {len(THANKS)}]",
                "kind_id": "o.kind_ids[1]",
                "created_at": f"now() - interval '180 days' * g / {recognition_count}",
            },
            "FROM bench_people p JOIN bench_org o USING (org_id) "
            f"CROSS JOIN generate_series(0, {recognition_count - 1}) g WHERE p.id = {subject}",
        )
        rows += insert_select(
            RecognitionRecipient,
            {
                "organization_id": "r.organization_id",
                "recognition_id": "r.id",
                "recipient_id": str(subject),
                "created_at": "r.created_at",
            },
            f"FROM {recognition} r WHERE r.id BETWEEN {first} AND {first + recognition_count - 1}",
        )
        table, own, other = m2m_table(Recognition, "competencies")
        rows += execute(
            f"INSERT INTO {table} ({own}, {other}) SELECT r.id, (%s::bigint[])[1 + r.id %% %s] "
            f"FROM {recognition} r WHERE r.id BETWEEN %s AND %s",
            [competencies, len(competencies), first, first + recognition_count - 1],
        )
        return rows

    def vacuum(self) -> int:
        """So the planner and the visibility map see the tables as they are (the load
        test should not race autovacuum)."""
        execute("VACUUM (ANALYZE)")  # outside a transaction: Django autocommits
        return 0


@dataclass
class MeasuredPeople:
    """Who the load test signs in as, in the largest organization."""

    organization_id: int
    slug: str
    employee: int  # a report of ``manager``, also the readiness subject
    manager: int  # 12 direct reports, none of them managers
    hr_admin: int


def measured_people(plan: Plan | None = None) -> MeasuredPeople:
    """The people of the largest organization the benchmark signs in as, found by the same
    arithmetic that seeded them."""
    with scopes_disabled():
        organization = Organization.objects.get(slug=BIG_SLUG)
        first = (
            Membership.objects.filter(organization=organization)
            .order_by("id")
            .values_list("id", flat=True)[:1][0]
        )
        size = Membership.objects.filter(organization=organization).count()
    # The first manager whose 12 reports manage nobody: 12m + 1 > (size - 2) / 12.
    manager_idx = (size - 2) // SPAN // SPAN + 1
    return MeasuredPeople(
        organization_id=organization.pk,
        slug=organization.slug,
        employee=first + SPAN * manager_idx + 1,
        manager=first + manager_idx,
        hr_admin=first + size - 1,
    )


FIRST_NAMES = [
    "Ada", "Ben", "Chloé", "Dara", "Emeka", "Farah", "Gus", "Hana", "Ivo", "Jun",
    "Kemi", "Lars", "Mina", "Nico", "Olu", "Priya", "Quinn", "Rosa", "Sami", "Tariq",
]  # fmt: skip
LAST_NAMES = [
    "Adeyemi", "Berg", "Costa", "Dubois", "Eriksen", "Fischer", "García", "Hoang", "Ito",
    "Jansen", "Kowalski", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Petrov", "Rossi",
    "Schmidt", "Tanaka", "Weber",
]  # fmt: skip
SITUATIONS = [
    "In Tuesday's incident review you walked everyone through the timeline calmly and kept "
    "the discussion on causes rather than people.",
    "Your pull request for the billing export split a risky change into four small steps, "
    "each with tests and a clear description.",
    "When the customer call went sideways you summarised their concerns back to them and "
    "agreed next steps before we hung up.",
    "You paired with the new joiner for two afternoons on the deployment pipeline and wrote "
    "down what they found confusing.",
    "The design document for the search service laid out three options with their costs "
    "and asked for input early.",
    "In the planning meeting you pushed back on the estimate and explained the migration "
    "risk nobody else had seen.",
]
IMPACTS = [
    "The team left the review with three concrete fixes and nobody felt blamed.",
    "Reviews took minutes instead of hours and nothing broke in production.",
    "The customer renewed and mentioned the call in their feedback.",
    "They shipped their first change a week earlier than planned.",
    "We picked the cheaper option with confidence and saved a month.",
]
THANKS = [
    "Thank you for staying late to get the release out safely, and for the clear notes.",
    "Huge thanks for untangling the flaky test suite: the whole team moves faster now.",
    "Thanks for covering the on-call week while I was out, and for the tidy handover.",
    "Thank you for the workshop on writing good design docs. I used it the next day.",
    "Thanks for jumping in on the customer escalation and turning it around in a day.",
]
AGENDA_TEXTS = [
    "How the release went and what we learned",
    "Priorities for the next two weeks",
    "Feedback on the design review",
    "Career: the next level's criteria",
    "Blockers on the migration",
    "Time off and workload",
]
ACTIONS = [
    "Write up the incident review",
    "Book a session with the platform team",
    "Draft the proposal for the new on-call rota",
    "Ask two peers for feedback on the design doc",
]
GOAL_TITLES = [
    "Lead the design of a service end to end",
    "Mentor a new joiner through their first quarter",
    "Give a talk at the engineering all-hands",
    "Own the on-call runbook",
    "Ship the search migration",
]
VALUES = [("Customers first", "🤝"), ("Own it", "🚀"), ("Learn together", "💡"), ("Be kind", "❤️")]
KINDS = ["Great output", "Collaboration", "Mentorship", "Going beyond"]
