"""The manager's team dashboard: one row per report with what every app contributes,
sortable, "needs your attention" first; who may open whose team; a fixed query budget."""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from development.models import GoalStatus
from feedback.models import ActionItem, CheckinSeries
from feedback.services import giving as feedback_services
from perfapp.orgs.models import Membership
from perfapp.web import dashboard

from ..factories import MembershipFactory
from ..helpers import html_of, org_url

ROLES = ("owner", "hr", "manager", "report", "member")


def add_report(world, name: str, *, days_ago: int = 0, manager=None) -> Membership:
    person = MembershipFactory(
        organization=world.organization,
        manager=manager or world.manager,
        team=world.team,
        user__name=name,
        joined_at=timezone.now() - timedelta(days=days_ago),
    )
    return person


def rows_of(response) -> list[str]:
    """The people of the table, in the order shown."""
    body = response.content.decode().split("<tbody>")[1]
    return re.findall(r'<th scope="row">.*?<strong>(.*?)</strong>', body, re.S)


# --- what the rows show --------------------------------------------------------------------


def test_a_manager_sees_one_row_per_report_with_every_apps_columns(world_a, login):
    page = html_of(login(world_a.manager).get(org_url("web:team", org=world_a)))
    assert "My team" in page and world_a.report.name in page
    for label in (
        "Last 1:1",
        "Next 1:1",
        "Open actions",
        "Feedback given",
        "Feedback received",
        "Last recognized",
        "Plan",
        "Goals at risk",
        "Readiness",
    ):
        assert f">{label}<" in page, label
    assert ">1</a>" in page  # the report's open action item from the 1:1, linked
    assert "Agreed" in page  # the report's plan
    assert f"{world_a.framework.level.code} → {world_a.framework.next_level.code}" in page
    # The manager's other people are not on it.
    assert world_a.member.name not in page.split("<tbody>")[1]


def test_cells_for_a_report_come_from_every_source(world_a):
    with world_a.scope():
        board = dashboard.build(world_a.manager, viewer=world_a.manager, today=timezone.localdate())
    (row,) = board.rows
    assert row.person == world_a.report
    assert row.cells["checkin_next"].sort is not None  # weekly 1:1s from tomorrow
    assert row.cells["actions_open"].sort == 1
    assert row.cells["feedback_received"].sort == 1  # the member's praise
    assert row.cells["plan_status"].text == "Agreed"
    assert row.cells["readiness"].text.startswith(world_a.framework.level.code)
    assert row.cells["readiness"].detail == "Not assessed"


def test_a_lapsed_1_1_is_highlighted_and_needs_attention(world_a, login):
    with world_a.scope():
        CheckinSeries.objects.filter(pk=world_a.feedback.series.pk).update(
            starts_on=timezone.localdate() - timedelta(days=40)
        )
    page = login(world_a.manager).get(org_url("web:team", org=world_a)).content.decode()
    assert 'data-reason="checkin.lapsed"' in page
    assert "No 1:1 for 4" in page  # 40 days, give or take the time zone
    assert "Lapsed" in page and "is-alert" in page


def test_attention_lists_every_reason_with_the_person(world_a, login):
    add_report(world_a, "Quinn Quiet", days_ago=100)
    with world_a.scope():
        ActionItem.objects.filter(pk=world_a.feedback.action.pk).update(
            due_on=timezone.localdate() - timedelta(days=3)
        )
        world_a.plans.goal.status = GoalStatus.AT_RISK
        world_a.plans.goal.save(update_fields=["status"])
    page = html_of(login(world_a.manager).get(org_url("web:team", org=world_a)))
    attention = page.split('id="attention-title"')[1].split("</section>")[0]
    assert "Quinn Quiet" in attention and world_a.report.name in attention
    assert "1 overdue action item" in attention
    assert "1 goal at risk" in attention
    assert "No 1:1s set up" in attention  # Quinn has none
    assert "No feedback received in 30 days" in attention  # Quinn
    assert "Not recognized in 60 days" in attention  # Quinn joined 100 days ago
    # Quinn has more reasons, so comes first.
    assert attention.index("Quinn Quiet") < attention.index(world_a.report.name)


def test_a_newcomer_is_not_flagged_as_unrecognized(world_a):
    add_report(world_a, "Nia New", days_ago=3)
    with world_a.scope():
        board = dashboard.build(world_a.manager, viewer=world_a.manager, today=timezone.localdate())
    newcomer = next(row for row in board.rows if row.person.name == "Nia New")
    assert "recognition.quiet" not in {reason.key for reason in newcomer.attention}


def test_nothing_to_attend_to_says_so(world_a, login):
    """The report meets weekly from tomorrow, received feedback, joined lately and has
    no overdue action or goal at risk."""
    page = html_of(login(world_a.manager).get(org_url("web:team", org=world_a)))
    assert "Nothing needs your attention" in page and 'id="attention-title"' not in page


# --- sorting --------------------------------------------------------------------------------


def test_sorting_by_a_column_orders_rows_and_marks_the_header(world_a, login):
    busy = add_report(world_a, "Bea Busy")
    add_report(world_a, "Al Idle")
    with world_a.scope():
        for _ in range(2):
            feedback_services.give_feedback(
                author=world_a.member,
                recipient=busy,
                kind="praise",
                situation="In Friday's demo you showed the new export clearly.",
                impact="Customers understood it at once.",
            )
    client = login(world_a.manager)
    by_name = client.get(org_url("web:team", org=world_a))
    assert rows_of(by_name) == sorted(rows_of(by_name), key=str.lower)
    most = client.get(org_url("web:team", org=world_a, query={"sort": "-feedback_received"}))
    assert rows_of(most)[:2] == ["Bea Busy", world_a.report.name]
    assert 'aria-sort="descending"' in most.content.decode()
    least = client.get(org_url("web:team", org=world_a, query={"sort": "feedback_received"}))
    assert rows_of(least)[0] == "Al Idle"
    assert 'aria-sort="ascending"' in least.content.decode()
    # The active header's link reverses the order.
    assert "?sort=-feedback_received" in least.content.decode()


def test_sort_by_name_descending_and_an_unknown_sort_falls_back_to_names(world_a, login):
    add_report(world_a, "Zed Last")
    add_report(world_a, "Abe First")
    client = login(world_a.manager)
    assert (
        rows_of(client.get(org_url("web:team", org=world_a, query={"sort": "-name"})))[0]
        == "Zed Last"
    )
    assert (
        rows_of(client.get(org_url("web:team", org=world_a, query={"sort": "nonsense"})))[0]
        == "Abe First"
    )


def test_sorting_over_htmx_returns_the_dashboard_fragment(world_a, login):
    response = login(world_a.manager).get(
        org_url("web:team", org=world_a, query={"sort": "-actions_open"}),
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and body.lstrip().startswith('<div id="dashboard"')
    assert "<html" not in body


def test_indirect_reports_are_included_on_request(world_a, login):
    below = add_report(world_a, "Ida Indirect", manager=world_a.report)
    client = login(world_a.manager)
    assert below.name not in html_of(client.get(org_url("web:team", org=world_a)))
    page = html_of(client.get(org_url("web:team", org=world_a, query={"include": "indirect"})))
    assert below.name in page and f"via {world_a.report.name}" in page


# --- who may see what -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_everyone_may_open_their_own_team_page(role, world_a, login):
    person = getattr(world_a, role)
    response = login(person).get(org_url("web:team", org=world_a))
    assert response.status_code == 200
    page = html_of(response)
    has_reports = role in ("owner", "manager")
    assert ("You have no direct reports" in page) == (not has_reports)


@pytest.mark.parametrize(
    ("role", "status"),
    [("owner", 200), ("hr", 200), ("manager", 404), ("report", 404), ("member", 404)],
)
def test_only_hr_opens_another_managers_team(role, status, world_a, login):
    """The owner's team (HR and the manager): the owner's own, HR's to open, nobody else's."""
    response = login(getattr(world_a, role)).get(
        org_url("web:team", org=world_a, query={"manager": world_a.owner.pk})
    )
    assert response.status_code == status
    if status == 200:
        page = html_of(response)
        title = "My team" if role == "owner" else f"{world_a.owner.name}'s team"
        assert title in page and world_a.manager.name in page.split("<tbody>")[1]


def test_a_manager_naming_themselves_is_fine(world_a, login):
    assert (
        login(world_a.manager)
        .get(org_url("web:team", org=world_a, query={"manager": world_a.manager.pk}))
        .status_code
        == 200
    )


@pytest.mark.parametrize("raw", ["abc", "-1", "999999999", "1" * 30])
def test_a_bad_or_unknown_manager_answers_404(raw, world_a, login):
    assert (
        login(world_a.hr).get(org_url("web:team", org=world_a, query={"manager": raw})).status_code
        == 404
    )


def test_hr_cannot_open_a_team_of_another_organization(world_a, world_b, login):
    foreign = org_url("web:team", org=world_a, query={"manager": world_b.manager.pk})
    assert login(world_a.hr).get(foreign).status_code == 404


def test_hr_picks_a_manager_from_the_organization(world_a, login):
    page = html_of(login(world_a.hr).get(org_url("web:team", org=world_a)))
    assert 'name="manager"' in page and world_a.manager.name in page
    assert 'name="manager"' not in html_of(
        login(world_a.manager).get(org_url("web:team", org=world_a))
    )


@pytest.mark.parametrize("role", ROLES)
def test_my_team_is_in_the_navigation_for_managers_and_hr(role, world_a, login):
    home = reverse("web:home", kwargs={"org_slug": world_a.organization.slug})
    page = login(getattr(world_a, role)).get(home).content.decode()
    assert (org_url("web:team", org=world_a) in page) == (role in ("owner", "hr", "manager"))


def test_the_dashboard_shows_no_private_content(world_a, login):
    page = html_of(login(world_a.manager).get(org_url("web:team", org=world_a)))
    assert "Private worry" not in page
    assert "Promotion timeline" not in page  # the agenda stays on the meeting
    assert "Tuesday's demo" not in page  # feedback is counted, never quoted


# --- query budget ----------------------------------------------------------------------------


def _grow_team(world, n: int) -> None:
    with world.scope():
        have = Membership.objects.filter(manager=world.manager).count()
    for i in range(have, n):
        person = add_report(world, f"Person {i:03d}", days_ago=90)
        if i % 3 == 0:
            with world.scope():
                feedback_services.give_feedback(
                    author=world.member,
                    recipient=person,
                    kind="praise",
                    situation="In Tuesday's review you named the risk early.",
                    impact="We avoided a rollback.",
                )


def _queries(client, path) -> int:
    client.get(path)  # warm-up: settings rows are created on first use
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_page_costs_the_same_for_5_and_50_reports(world_a, login):
    client = login(world_a.manager)
    _grow_team(world_a, 5)
    small = _queries(client, org_url("web:team", org=world_a))
    _grow_team(world_a, 50)
    large = _queries(client, org_url("web:team", org=world_a))
    assert small == large, (small, large)
    sorted_small = _queries(
        client,
        org_url("web:team", org=world_a, query={"sort": "-checkin_last", "include": "indirect"}),
    )
    assert sorted_small <= large + dashboard.MAX_DEPTH


def test_the_dashboard_build_costs_the_same_for_5_and_50_reports(
    world_a, django_assert_num_queries
):
    today = timezone.localdate()
    _grow_team(world_a, 5)
    with world_a.scope():
        manager = Membership.objects.select_related("user", "organization").get(
            pk=world_a.manager.pk
        )
        dashboard.build(manager, viewer=manager, today=today)  # warm-up
        with CaptureQueriesContext(connection) as small:
            dashboard.build(manager, viewer=manager, today=today)
    _grow_team(world_a, 50)
    with world_a.scope(), django_assert_num_queries(len(small)):
        board = dashboard.build(manager, viewer=manager, today=today)
    assert len(board.rows) == 50


# --- readiness ------------------------------------------------------------------------------


def _case(world, state: str, decision: str = ""):
    from advancement.models import Case, Round

    framework, today = world.framework, timezone.localdate()
    with world.scope():
        round_ = Round.objects.create(
            organization=world.organization,
            name="Spring promotions",
            opens_on=today - timedelta(days=10),
            closes_on=today + timedelta(days=10),
        )
        return Case.objects.create(
            organization=world.organization,
            round=round_,
            subject=world.report,
            nominator=world.manager,
            version=framework.version,
            track_id=framework.track.pk,
            track_name=framework.track.name,
            from_level_id=framework.level.pk,
            from_level_label=framework.level.code,
            target_level_id=framework.next_level.pk,
            target_level_label=framework.next_level.code,
            target_rank=framework.next_level.rank,
            state=state,
            decision=decision,
        )


def _readiness(world, viewer):
    with world.scope():
        board = dashboard.build(world.manager, viewer=viewer, today=timezone.localdate())
    return board.rows[0].cells["readiness"]


def test_readiness_tells_the_latest_assessment_and_case(world_a):
    from advancement.models import Assessment

    framework = world_a.framework
    with world_a.scope():
        Assessment.objects.create(
            organization=world_a.organization,
            subject=world_a.report,
            version=framework.version,
            track_id=framework.track.pk,
            level_id=framework.level.pk,
            completed_at=timezone.now(),
        )
    _case(world_a, "submitted")
    cell = _readiness(world_a, world_a.manager)
    assert cell.text == f"{framework.level.code} → {framework.next_level.code}"
    assert cell.detail.startswith("Assessed ") and cell.detail.endswith("Case: Submitted")


def test_a_draft_case_is_the_nominators_and_a_decision_waits_for_publication(world_a, login):
    case = _case(world_a, "draft")
    assert "Case: Draft" in _readiness(world_a, world_a.manager).detail
    home = reverse("web:home", kwargs={"org_slug": world_a.organization.slug})
    mine = html_of(login(world_a.report).get(home)).split('id="career-title"')[1]
    assert "Draft" not in mine.split("</section>")[0]
    with world_a.scope():
        case.state, case.decision = "decided", "promoted"
        case.save(update_fields=["state", "decision"])
    assert _readiness(world_a, world_a.manager).detail.endswith("Case: Decided")
    assert _readiness(world_a, world_a.hr).detail.endswith("Case: Promoted")


# --- the table's rows, written in Python ------------------------------------------------------

# The template loop the rows were rendered by before (perfapp/web/templatetags/team_table.py).
TABLE_TEMPLATE = """<tbody>
        {% for row, cells in table %}
        <tr{% if row.attention %} class="needs-attention"{% endif %}>
          <th scope="row"><strong>{{ row.person.name }}</strong><br><span class="muted small">{{ row.person.job_title|default:"No title yet" }}{% if not row.direct %} · via {{ row.person.manager.name }}{% endif %}</span></th>
          {% for column, cell in cells %}
          <td class="col-{{ column.key }}{% if column.numeric %} num{% endif %}{% if cell.tone == 'danger' %} is-alert{% endif %}">
            {% if cell %}{% if cell.url %}<a class="quiet-link" href="{{ cell.url }}">{% endif %}{% if cell.tone %}<span class="badge badge-{{ cell.tone }}">{{ cell.text }}</span>{% else %}{{ cell.text }}{% endif %}{% if cell.url %}</a>{% endif %}{% if cell.detail %}<br><span class="muted small">{{ cell.detail }}</span>{% endif %}{% else %}<span class="muted">—</span>{% endif %}
          </td>
          {% endfor %}
        </tr>
        {% endfor %}
      </tbody>"""  # noqa: E501


def _both_ways(table) -> tuple[str, str]:
    engine = engines["django"]
    before = engine.from_string(TABLE_TEMPLATE).render({"table": table})
    after = engine.from_string(
        "{% load team_table %}<tbody>\n        {% team_rows table %}\n      </tbody>"
    ).render({"table": table})
    return before, after


def _table(board: dashboard.TeamDashboard) -> list:
    return [
        (row, [(column, row.cells.get(column.key)) for column in board.columns])
        for row in board.rows
    ]


def test_the_rows_are_the_markup_of_the_template_they_replace(world_a):
    """Every kind of cell the sources give (links, tones, details, none at all), a
    report further down the line, a person without a title, and names to escape."""
    add_report(world_a, "Quinn <Quiet> & O'Hara", days_ago=100)
    below = add_report(world_a, "Ida Indirect", manager=world_a.report)
    below.job_title = ""
    below.save(update_fields=["job_title"])
    with world_a.scope():
        CheckinSeries.objects.filter(pk=world_a.feedback.series.pk).update(
            starts_on=timezone.localdate() - timedelta(days=40)
        )
        board = dashboard.build(
            world_a.manager, viewer=world_a.manager, today=timezone.localdate(), indirect=True
        )
        before, after = _both_ways(_table(board))
    assert len(board.rows) == 3
    assert after == before
    assert "Quinn &lt;Quiet&gt; &amp; O&#x27;Hara" in after
    assert f"No title yet · via {world_a.report.name}" in after
    assert ' is-alert">' in after and '<a class="quiet-link" href="' in after


def test_every_branch_of_a_cell_matches_the_template():
    person = SimpleNamespace(name='A "B" <c>', job_title="", manager=SimpleNamespace(name="M&M"))
    columns = [dashboard.Column("k<1>", "One"), dashboard.Column("two", "Two", numeric=True)]
    cells = [
        None,
        dashboard.Cell("plain & <simple>"),
        dashboard.Cell("2", sort=2, tone="danger", detail="1 <overdue>", url="/a?b=1&c=<2>"),
        dashboard.Cell("Agreed", tone="success", url="/plans/1/"),
        dashboard.Cell("Placed", detail="Not assessed"),
        dashboard.Cell(mark_safe("<em>safe</em>"), tone="warning"),
    ]
    table = [
        (
            dashboard.Row(person, {}, attention, direct=direct),
            [(columns[n % 2], cell) for n, cell in enumerate(cells)],
        )
        for attention, direct in (([], True), ([dashboard.Attention("x", "X")], False))
    ]
    before, after = _both_ways(table)
    assert after == before
    assert "&lt;overdue&gt;" in after and "<em>safe</em>" in after
