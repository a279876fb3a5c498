"""The load benchmark's arithmetic and outputs: ratios and medians, wrk's figures, the
query-plan rules, the report, and the anchor route that only the bench settings add."""

import importlib
import json
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.test import RequestFactory, override_settings
from django.urls import NoReverseMatch, clear_url_caches, reverse

from bench import load, plans, replica_reads, report
from bench.replica import Activity, Lag, ReplicaUnavailable
from bench.report import Figure
from bench.views import anchor
from tests.factories import MembershipFactory


def _run(rps: float, label: str = "x", **changes) -> load.Run:
    values = {
        "label": label, "requests": round(rps * 10), "seconds": 10.0, "errors": 0,
        "non200": 0, "bad_status": 0, "p50_ms": 5.0, "p99_ms": 20.0,
    }  # fmt: skip
    values.update(changes)
    return load.Run(**values)


def test_ratio_is_the_median_of_each_rounds_target_over_its_anchor():
    comparison = load.Comparison("page")
    comparison.pairs = [
        (_run(400), _run(100)),  # 0.25
        (_run(200), _run(100)),  # 0.50: the machine was busy during that anchor
        (_run(400), _run(120)),  # 0.30
    ]
    assert comparison.ratios == pytest.approx([0.25, 0.5, 0.3])
    assert comparison.ratio == pytest.approx(0.30)
    assert comparison.rps == pytest.approx(100)
    assert comparison.anchor_rps == pytest.approx(400)
    assert comparison.ok


def test_a_redirect_or_an_error_spoils_the_comparison():
    comparison = load.Comparison("page")
    comparison.pairs = [(_run(400), _run(100, non200=3, bad_status=302))]
    assert not comparison.ok
    assert load.median_ratio([]) == 0.0


def test_deep_page_within_ten_percent_of_the_first():
    assert load.within(91, 100)
    assert load.within(130, 100)
    assert not load.within(89, 100)
    assert not load.within(50, 0)


def test_wrk_figures_are_read_from_the_scripts_json_line():
    output = (
        "Running 5s test @ http://127.0.0.1:8000/\n"
        'WRK_JSON {"requests": 1500, "duration_us": 5000000, "errors": 0, "non200": 2, '
        '"bad_status": 302, "p50_us": 2500, "p99_us": 41000}\n'
    )
    run = load.parse_wrk("timeline", output)
    assert run.rps == pytest.approx(300)
    assert run.p99_ms == pytest.approx(41)
    assert run.non200 == 2 and not run.ok
    with pytest.raises(load.LoadError, match="no figures for timeline"):
        load.parse_wrk("timeline", "unable to connect")


class FakeCatalog(plans.Catalog):
    def __init__(self, tables, indexes, parents=None):
        super().__init__()
        self._tables, self._indexes = tables, indexes
        self._parents = parents or {}


def _plan(node, ms=0.5):
    return {"Plan": node, "Execution Time": ms}


CATALOG = FakeCatalog(
    tables={
        "feedback_feedback": (1e6, True),
        "orgs_organization": (1000.0, False),
        "recognition_reaction": (1.5e6, True),
    },
    indexes={
        "feedback_received": ("organization_id", False),
        "feedback_feedback_recipient_id": ("recipient_id", False),
        "feedback_feedback_pkey": ("id", True),
        "recognition_reaction_recognition_id": ("recognition_id", False),
    },
    parents={
        ("feedback_feedback", "recipient_id"): None,  # a person: not a parent
        ("recognition_reaction", "recognition_id"): "recognition_recognition",
    },
)


def test_plan_rules_pass_an_index_leading_with_the_organization():
    verdict = plans.judge(
        "timeline",
        "SELECT 1",
        _plan(
            {
                "Node Type": "Limit",
                "Plans": [
                    {
                        "Node Type": "Index Scan",
                        "Relation Name": "feedback_feedback",
                        "Index Name": "feedback_received",
                        "Actual Rows": 20,
                    }
                ],
            }
        ),
        CATALOG,
    )
    assert verdict.passed, verdict.problems


def test_plan_rules_accept_a_primary_key_lookup_and_say_so():
    verdict = plans.judge(
        "detail",
        "SELECT 1",
        _plan(
            {
                "Node Type": "Index Scan",
                "Relation Name": "feedback_feedback",
                "Index Name": "feedback_feedback_pkey",
                "Index Cond": "(id = ANY ('{5,6}'::bigint[]))",
            }
        ),
        CATALOG,
    )
    assert verdict.passed
    assert verdict.notes == ["unique lookup on feedback_feedback_pkey"]


def test_plan_rules_accept_the_rows_of_parents_read_and_say_so():
    verdict = plans.judge(
        "wall",
        "SELECT 1",
        _plan(
            {
                "Node Type": "Index Scan",
                "Relation Name": "recognition_reaction",
                "Index Name": "recognition_reaction_recognition_id",
                "Index Cond": "(recognition_id = ANY ('{5,6}'::bigint[]))",
            }
        ),
        CATALOG,
    )
    assert verdict.passed, verdict.problems
    assert verdict.notes == [
        "rows of the recognition_recognition rows read, through recognition_reaction_recognition_id"
    ]


@pytest.mark.parametrize(
    "node, ms, problem",
    [
        (
            {"Node Type": "Seq Scan", "Relation Name": "feedback_feedback"},
            0.5,
            "sequential scan of feedback_feedback (1,000,000 rows)",
        ),
        (
            {
                "Node Type": "Index Scan",
                "Relation Name": "feedback_feedback",
                "Index Name": "feedback_feedback_recipient_id",
            },
            0.5,
            "feedback_feedback_recipient_id on feedback_feedback does not lead with "
            "organization_id",
        ),
        (
            {
                "Node Type": "Aggregate",
                "Plans": [{"Node Type": "Index Only Scan", "Index Name": "feedback_received",
                           "Relation Name": "feedback_feedback", "Actual Rows": 25_000}],
            },
            0.5,
            "aggregate over 25,000 rows (an exact COUNT?)",
        ),
        (
            {
                "Node Type": "Index Scan",
                "Relation Name": "feedback_feedback",
                "Index Name": "feedback_feedback_pkey",
                "Filter": "(organization_id = 1)",
            },
            0.5,
            "feedback_feedback_pkey on feedback_feedback read in order, filtering the "
            "organization",
        ),
        ({"Node Type": "Result"}, 2.4, "2.40 ms ≥ 2 ms"),
    ],
)  # fmt: skip
def test_plan_rules_flag_what_the_issue_forbids(node, ms, problem):
    verdict = plans.judge("page", "SELECT 1", _plan(node, ms), CATALOG)
    assert not verdict.passed
    assert verdict.problems == [problem]


def test_a_sequential_scan_of_a_small_table_is_fine():
    node = {"Node Type": "Seq Scan", "Relation Name": "orgs_organization"}
    assert plans.judge("page", "SELECT 1", _plan(node), CATALOG).passed


def test_report_writes_the_table_the_csv_and_latest_with_the_pages_first(tmp_path, db):
    figures = [
        Figure("employee feedback timeline", 0.412, "× anchor", "≥ 0.30×", True),
        Figure("manager team dashboard", "not built", "", "≥ 0.25×", False),
        Figure("gunicorn worker: peak RSS (largest worker)", 118, "MiB"),
    ]
    report.write(
        "fanout", "Reminder fan-out", [Figure("fan-out rate", 2500, "per s")], "", tmp_path
    )
    latest = report.write("web", "Pages", figures, "Some notes.", tmp_path)
    text = latest.read_text()
    assert text.index("## Pages") < text.index("## Reminder fan-out")
    assert "| employee feedback timeline | 0.412 | × anchor | ≥ 0.30× | pass |" in text
    assert "| manager team dashboard | not built |  | ≥ 0.25× | **FAIL** |" in text
    assert "| cpus |" in text
    rows = (tmp_path / "web.csv").read_text().splitlines()
    assert rows[0] == "benchmark,metric,value,unit,target,passed,measured_at"
    assert rows[1].startswith("web,employee feedback timeline,0.412,× anchor,≥ 0.30×,true,")
    printed = report.table(figures)
    assert "not built" in printed and "FAIL" in printed and "**" not in printed


def test_anchor_is_not_routed_without_the_bench_flag(client):
    with pytest.raises(NoReverseMatch):
        reverse("bench_anchor", kwargs={"organization_id": 1, "membership_id": 1})
    assert client.get("/bench/anchor/1/1/").status_code == 404


def test_anchor_is_routed_with_the_bench_flag():
    import perfapp.urls

    try:
        with override_settings(BENCH_ANCHOR=True):
            importlib.reload(perfapp.urls)
            clear_url_caches()
            assert (
                reverse("bench_anchor", kwargs={"organization_id": 1, "membership_id": 2})
                == "/bench/anchor/1/2/"
            )
    finally:
        importlib.reload(perfapp.urls)
        clear_url_caches()
    with pytest.raises(NoReverseMatch):
        reverse("bench_anchor", kwargs={"organization_id": 1, "membership_id": 2})


def test_anchor_answers_one_membership_of_its_organization(db, django_assert_num_queries):
    member = MembershipFactory(job_title="Engineer")
    request = RequestFactory().get("/")
    with django_assert_num_queries(1):
        response = anchor(request, member.organization_id, member.pk)
    assert response.status_code == 200
    assert json.loads(response.content) == {"id": member.pk, "title": "Engineer"}
    other = MembershipFactory()
    assert anchor(request, other.organization_id, member.pk).status_code == 404


# --- pages served from a replica (bench/replica_reads.py) --------------------------------


def test_replica_pages_follow_only_by_either_key():
    assert replica_reads.selected(set()) == list(replica_reads.SOURCES)
    assert replica_reads.selected({"floor", "timeline", "team"}) == ["floor", "timeline"]
    assert replica_reads.selected({"replica_wall"}) == ["wall"]
    assert replica_reads.selected({"readiness"}) == []


def test_a_primary_refusing_replication_gives_one_row_and_runs_nothing():
    @contextmanager
    def refused():
        raise ReplicaUnavailable(
            "the primary at 127.0.0.1:5432 refuses replication connections: no pg_hba.conf "
            "entry for replication | host\nAllow them in pg_hba.conf, then reload."
        )
        yield  # never reached: a generator, as a context manager must be

    def run(replica):
        raise AssertionError("nothing is measured without a replica")

    figures = replica_reads.measure(refused, run)
    assert len(figures) == 1
    assert figures[0].metric == "pages from a streaming replica"
    assert figures[0].value == (
        "not measured: the primary at 127.0.0.1:5432 refuses replication connections: "
        "no pg_hba.conf entry for replication / host"
    )
    assert figures[0].passed is None  # reported, not failed: the rest of the table stands
    printed = report.table([Figure("page", 0.3), *figures])
    assert len(printed.splitlines()) == 4  # one line for the reason, no table broken


def test_a_replica_that_started_gives_the_runs_figures():
    seen = []

    @contextmanager
    def started():
        seen.append("opened")
        yield "replica"
        seen.append("closed")

    figures = replica_reads.measure(started, lambda replica: [Figure("got", replica)])
    assert figures == [Figure("got", "replica")] and seen == ["opened", "closed"]


def _replica_page(**changes) -> replica_reads.ReplicaPage:
    comparison = load.Comparison("replica_timeline")
    comparison.pairs = [(_run(400), _run(40)), (_run(500), _run(40))]  # 0.10, 0.08
    values = {
        "key": "timeline",
        "label": "employee feedback timeline",
        "status": 200,
        "comparison": comparison,
        "replica": Activity(queries=2400, rows=76_349) - Activity(queries=0, rows=0),
        "primary": Activity(queries=1108, rows=1180) - Activity(queries=1000, rows=1000),
        "one_database_ratio": 0.046,
    }
    values.update(changes)
    return replica_reads.ReplicaPage(**values)


def _replica_figures(pages, **changes) -> dict[str, Figure]:
    values = {
        "ready_seconds": 7.44,
        "lag": Lag(behind_bytes=0, replay_lag=None),
        "caught_up_seconds": 0.0874,
        "write_check": replica_reads.WriteCheck(reads=10, showed=10),
        "connections": 4,
    }
    values.update(changes)
    return {figure.metric: figure for figure in replica_reads.figures(pages, **values)}


def test_replica_figures_say_where_each_pages_reads_went():
    rows = _replica_figures([_replica_page()])
    page = rows["from the replica: employee feedback timeline"]
    assert (page.value, page.unit, page.target, page.passed) == (0.09, "× anchor", "reported", None)
    assert rows["  the same page on one database"].value == 0.046
    assert rows["  rows read during its runs: replica / primary"].value == "76,349 / 180"
    assert rows["  queries during its runs: replica / primary"].value == "2,400 / 108"
    assert rows["pages from a streaming replica: copied and started in"].value == 7.4
    assert rows["replica lag right after the load: WAL behind"].value == 0
    idle = rows["replica lag right after the load: replay_lag"]
    assert idle.value == "none (nothing to replay)"
    assert rows["replica caught up with the primary in"].value == 87.4
    check = rows["read-your-writes through gunicorn (API: react, read back, undo, read back)"]
    assert check.value == "10 of 10 reads showed the change" and check.passed is True


def test_replica_figures_fail_what_went_wrong():
    broken = _replica_page(key="wall", label="recognition wall, first page", status=500,
                           comparison=None, replica=None, primary=None)  # fmt: skip
    errors = _replica_page()
    errors.comparison.pairs[0] = (_run(400), _run(40, non200=2, bad_status=302))
    rows = _replica_figures(
        [broken, errors],
        lag=Lag(behind_bytes=8192, replay_lag=timedelta(milliseconds=3.25)),
        caught_up_seconds=None,
        write_check=replica_reads.WriteCheck(
            reads=3, showed=2, problem="taking the reaction back answered HTTP 404: {}"
        ),
    )
    assert rows["from the replica: recognition wall, first page"].value == "HTTP 500"
    assert rows["from the replica: recognition wall, first page"].passed is False
    assert rows["from the replica: employee feedback timeline"].passed is False
    assert rows["replica lag right after the load: replay_lag"].value == 3.25
    assert rows["replica caught up with the primary in"].passed is False
    check = rows["read-your-writes through gunicorn (API: react, read back, undo, read back)"]
    assert check.value.startswith("2 of 3 reads showed the change; stopped: taking the reaction")
    assert check.passed is False


class FakeServer:
    """Answers the API as perfapp does for one recognition and one reader's reactions;
    ``stale`` reads miss the last change, as a replica behind the primary would."""

    def __init__(self, *, stale: bool = False):
        self.stale = stale
        self.mine: set[str] = set()
        self.shown: set[str] = set()
        self.calls: list[tuple[str, str]] = []

    def call(self, method, path, *, headers, data=None):
        assert headers == {"Authorization": "Token secret"}
        self.calls.append((method, path))
        if method == "POST":
            self.mine.add(data["emoji"])
            return 201, {"id": 7}
        if method == "DELETE":
            self.mine.clear()
            return 204, {}
        shown, self.shown = self.shown, set(self.mine)
        mine = shown if self.stale else self.mine
        return 200, {"reactions": [{"emoji": e, "count": 1, "mine": True} for e in mine]}


def test_read_your_writes_reads_each_change_back_at_once():
    server = FakeServer()
    check = replica_reads.read_your_writes(
        server, api="/api/v1/orgs/big", token="secret", recognition=5, emoji="🎉", cycles=2
    )
    assert (check.reads, check.showed, check.passed) == (4, 4, True)
    assert server.calls[:3] == [
        ("POST", "/api/v1/orgs/big/recognition-reactions/"),
        ("GET", "/api/v1/orgs/big/recognitions/5/"),
        ("DELETE", "/api/v1/orgs/big/recognition-reactions/7/"),
    ]
    assert not server.mine  # the reactions are left as they were


def test_read_your_writes_fails_a_stale_read():
    stale = replica_reads.read_your_writes(
        FakeServer(stale=True), api="/api", token="secret", recognition=5, emoji="🎉"
    )
    assert stale.reads == 10 and stale.showed == 0 and not stale.passed
