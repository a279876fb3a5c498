"""Insights for managers and HR: not recognized lately, the spread across teams and kinds,
givers and receivers, the weekly trend, the CSV export; who sees what; query budgets at
two data sizes."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from perfapp.audit.models import AuditEvent
from perfapp.orgs.models import Team
from recognition.selectors import insights

from ..factories import MembershipFactory, UserFactory
from ..helpers import org_url, signed_in_client, visible_text
from .points_world import grow_people, kind, recognize, settle_in


def ago(days: int) -> datetime:
    return timezone.now() - timedelta(days=days)


@pytest.fixture
def team_world(world_a):
    """The report leads Grace; everyone joined long ago."""
    grace = MembershipFactory(
        organization=world_a.organization,
        manager=world_a.report,
        team=world_a.team,
        user=UserFactory(name="Grace Hopper"),
    )
    settle_in(world_a)
    world_a.grace = grace
    return world_a


def names(scope_rows) -> set[str]:
    return {person.name for person in scope_rows}


def test_a_manager_sees_who_below_them_has_not_been_recognized_lately(team_world):
    w = team_world
    recognize(w, w.member, [w.report], when=ago(10))
    old = MembershipFactory(organization=w.organization, manager=w.manager, team=w.team)
    settle_in(w)
    recognize(w, w.member, [old], when=ago(90))
    with w.scope():
        scope = insights.scope_for(w.manager)
        quiet = list(insights.quiet_people(scope, 60))
    assert not scope.whole_org
    assert [p.name for p in quiet] == ["Grace Hopper", old.name]  # never recognized first
    assert quiet[0].last_recognized is None
    page = visible_text(signed_in_client(w.manager).get(org_url("recognition:insights")))
    assert "Not recognized in the last 60 days 2" in page
    assert "Grace Hopper" in page and "Never recognized" in page
    assert f"{old.name}" in page and "Last 90 days ago" in page
    assert w.member.name not in page.split("Across teams")[0]  # not below the manager


def test_hr_sees_the_whole_organization_and_newcomers_are_counted_from_when_they_joined(
    team_world,
):
    w = team_world
    newcomer = MembershipFactory(organization=w.organization, manager=w.owner)  # joined today
    with w.scope():
        quiet = names(insights.quiet_people(insights.scope_for(w.hr), 60))
    assert {w.member.name, w.report.name, w.owner.name, "Grace Hopper"} <= quiet
    assert newcomer.name not in quiet
    page = visible_text(signed_in_client(w.hr).get(org_url("recognition:insights")))
    assert "Not counted yet: 1 person who joined less than 60 days ago" in page


@pytest.mark.parametrize("who", ["report_without_reports", "member"])
def test_people_without_reports_do_not_get_insights(world_a, who):
    person = world_a.member if who == "member" else world_a.report
    assert signed_in_client(person).get(org_url("recognition:insights")).status_code == 404
    assert signed_in_client(person).get(org_url("recognition:insights_export")).status_code == 404


def test_the_window_is_adjustable_within_bounds(team_world):
    w = team_world
    recognize(w, w.member, [w.report], when=ago(40))
    client = signed_in_client(w.manager)
    default = visible_text(client.get(org_url("recognition:insights")))
    assert "Not recognized in the last 60 days 1" in default  # Grace only
    shorter = visible_text(client.get(org_url("recognition:insights"), {"days": 30}))
    assert "Not recognized in the last 30 days 2" in shorter
    wrong = client.get(org_url("recognition:insights"), {"days": 5, "weeks": 99})
    assert wrong.status_code == 200
    text = visible_text(wrong)
    assert "Choose between 7 and 365 days; showing 60 days" in text
    assert "Not recognized in the last 60 days" in text


def test_hr_who_also_manages_can_look_at_their_own_team(team_world):
    w = team_world  # the owner manages the HR admin and the manager
    client = signed_in_client(w.owner)
    team = visible_text(client.get(org_url("recognition:insights"), {"scope": "team"}))
    org = visible_text(client.get(org_url("recognition:insights")))
    assert "Everyone who reports to you" in team and f"Everyone in {w.organization.name}" in org
    assert w.member.name in org.split("Across teams")[0]
    assert w.member.name not in team.split("Across teams")[0]


def test_spread_across_teams_and_kinds(team_world):
    w = team_world
    kind(w, "Collaboration")  # a kind nobody was recognized for still shows
    design = Team.objects.create(organization=w.organization, name="Design")
    designers = grow_people(w, 5, team=design)
    recognize(w, w.member, [designers[0], designers[1]], kind_name="Mentorship", when=ago(3))
    recognize(w, w.owner, [designers[0]], kind_name="Output", when=ago(4))
    recognize(w, w.owner, [w.report], kind_name="Output", when=ago(5))
    recognize(w, w.owner, [w.report], kind_name="Output", when=ago(120))  # outside the window
    with w.scope():
        scope = insights.scope_for(w.hr)
        teams = {row.name: row for row in insights.spread_by_team(scope, ago(60))}
        kinds = {row.name: row for row in insights.spread_by_kind(scope, ago(60))}
    assert (teams["Design"].people, teams["Design"].recognized, teams["Design"].received) == (
        5,
        2,
        3,
    )
    assert teams["Design"].share == 40
    # Four people (manager, report, member, Grace): too few to show, as in analytics.
    platform = teams[w.team.name]
    assert platform.people == 4 and platform.hidden
    assert (platform.recognized, platform.received, platform.share) == (None, None, None)
    assert "No team" in teams  # the owner and HR admin have none
    assert (kinds["Output"].count, kinds["Mentorship"].count) == (2, 1)
    assert kinds["Output"].share == 67 and kinds["Collaboration"].count == 0


def test_teams_too_small_for_analytics_show_no_figures_on_the_page_or_in_the_api(team_world):
    """One small-group threshold: the team analytics hides, insights hides too."""
    from django.urls import reverse

    from perfapp.analytics import registry
    from perfapp.small_groups import MIN_GROUP

    w = team_world
    design = Team.objects.create(organization=w.organization, name="Design")
    grow_people(w, MIN_GROUP, team=design)
    recognize(w, w.owner, [w.report], when=ago(3))  # the platform team: four people
    page = visible_text(signed_in_client(w.hr).get(org_url("recognition:insights")))
    assert f"{w.team.name} 4 Not shown: fewer than {MIN_GROUP} people" in page
    assert "Design 5 0 (0%) 0" in page
    spread = signed_in_client(w.hr).get(org_url("api:recognition-insights-spread")).json()
    rows = {row["name"]: row for row in spread["teams"]}
    assert rows[w.team.name] == {
        "team_id": w.team.pk,
        "name": w.team.name,
        "people": 4,
        "hidden": True,
        "recognized": None,
        "received": None,
        "share": None,
    }
    assert rows["Design"]["hidden"] is False and rows["Design"]["recognized"] == 0
    analytics = signed_in_client(w.hr).get(
        reverse("api:analytics-list", kwargs={"org_slug": w.organization.slug})
    )
    tables = {
        table["key"]: table
        for section in analytics.json()["sections"]
        for table in section["tables"]
    }
    hidden = {row["label"] for row in tables["recognition.by_team"]["rows"] if row["hidden"]}
    assert hidden == {name for name, row in rows.items() if row["hidden"]}
    assert registry.MIN_GROUP == MIN_GROUP


def test_givers_and_receivers(team_world):
    w = team_world
    recognize(w, w.member, [w.report], when=ago(2))  # member gives only
    recognize(w, w.report, [w.manager], when=ago(2))  # report gives and receives
    recognize(w, w.member, [w.manager], when=ago(200))  # outside the window
    with w.scope():
        found = insights.givers_and_receivers(insights.scope_for(w.hr), ago(60))
    assert [p.name for p in found.give_only_people] == [w.member.name]
    assert [p.name for p in found.receive_only_people] == [w.manager.name]
    assert found.both == 1 and found.give_only == 1 and found.receive_only == 1
    assert found.people == found.both + found.give_only + found.receive_only + found.neither
    assert {p.name for p in found.top_givers} == {w.member.name, w.report.name}


def test_the_weekly_trend_counts_weeks_in_the_organizations_time_zone(team_world):
    w = team_world  # Europe/Berlin
    # Wednesday 4 November 2026, noon UTC; that week starts Monday 2 November.
    now = datetime(2026, 11, 4, 12, 0, tzinfo=UTC)
    with time_machine.travel(now, tick=False):
        # Sunday 1 November 23:30 in Berlin is still the week before, though UTC says 22:30.
        recognize(w, w.member, [w.report], when=datetime(2026, 11, 1, 22, 30, tzinfo=UTC))
        # Sunday 1 November 23:30 UTC is Monday 00:30 in Berlin: this week.
        recognize(
            w, w.member, [w.report, w.manager], when=datetime(2026, 11, 1, 23, 30, tzinfo=UTC)
        )
        recognize(w, w.owner, [w.member], when=datetime(2026, 11, 3, 9, 0, tzinfo=UTC))
        recognize(w, w.owner, [w.member], when=datetime(2026, 5, 1, 9, 0, tzinfo=UTC))  # too old
        with w.scope():
            trend = insights.weekly_trend(insights.scope_for(w.hr), 12)
    assert len(trend) == 12
    assert trend[-1].starts_on.isoformat() == "2026-11-02"
    assert trend[0].starts_on.isoformat() == "2026-08-17"
    assert (trend[-1].recognitions, trend[-1].people) == (2, 3)
    assert (trend[-2].recognitions, trend[-2].people) == (1, 1)
    assert sum(week.recognitions for week in trend) == 3


def test_the_insights_page_draws_its_charts_with_tables_beside_them(team_world):
    w = team_world
    recognize(w, w.member, [w.report], kind_name="Mentorship", when=ago(1))
    response = signed_in_client(w.hr).get(org_url("recognition:insights"), {"weeks": 26})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('<svg class="chart" role="img"') == 3
    assert "Recognitions per week" in body and "Show as a table" in body
    assert "<script" not in body.split("<main")[1]  # server-drawn, nothing to run
    assert "over the last 26 weeks: 1 in all" in visible_text(response)


# --- the CSV export ---------------------------------------------------------------------------


def test_hr_exports_every_active_person_as_csv_and_the_export_is_audited(team_world):
    w = team_world
    sneaky = MembershipFactory(organization=w.organization, user=UserFactory(name="=HYPERLINK(1)"))
    settle_in(w)
    recognize(w, w.member, [w.report], when=ago(5))
    response = signed_in_client(w.hr).get(org_url("recognition:insights_export"), {"days": 30})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    with w.scope():
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
        event = AuditEvent.objects.get(action="recognition.insights_exported")
    header, *people = rows
    assert header == list(insights.EXPORT_HEADER)
    by_name = {row[0]: row for row in people}
    assert len(people) == 7  # owner, hr, manager, report, member, Grace, sneaky
    assert by_name[w.report.name][5] == "5" and by_name[w.report.name][6] == "1"
    assert by_name[w.member.name][7] == "1" and by_name["Grace Hopper"][4] == ""
    assert "'=HYPERLINK(1)" in by_name and sneaky.name not in by_name
    assert event.actor == w.hr and event.changes == {"days": [None, 30]}


def test_only_hr_exports(team_world):
    w = team_world
    assert (
        signed_in_client(w.manager).get(org_url("recognition:insights_export")).status_code == 404
    )
    with w.scope():
        assert not AuditEvent.objects.filter(action="recognition.insights_exported").exists()


# --- performance ------------------------------------------------------------------------------


def _grow(world, count: int) -> None:
    teams = [
        Team.objects.create(organization=world.organization, name=f"T{count}-{i}") for i in range(3)
    ]
    people = grow_people(world, count, manager=world.manager, team=teams[0])
    for index, person in enumerate(people[: count // 2]):
        recognize(
            world,
            people[index - 1],
            [person, world.report],
            kind_name=("Output", "Mentorship", "Collaboration")[index % 3],
            when=ago(index % 80),
        )


@pytest.mark.parametrize("viewer", ["hr", "manager"])
def test_the_insights_page_costs_the_same_at_two_sizes(team_world, viewer):
    w = team_world
    client = signed_in_client(getattr(w, viewer))
    assert client.get(org_url("recognition:insights")).status_code == 200
    used = []
    for size in (10, 120):
        _grow(w, size)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(org_url("recognition:insights"))
        assert response.status_code == 200
        used.append(len(captured.captured_queries))
    assert used[0] == used[1] <= 20, used


def test_the_export_costs_the_same_at_two_sizes(team_world):
    w = team_world
    client = signed_in_client(w.hr)
    assert client.get(org_url("recognition:insights")).status_code == 200  # settings exist now
    used = []
    for size in (10, 120):
        _grow(w, size)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(org_url("recognition:insights_export"))
            lines = b"".join(response.streaming_content).count(b"\n")
        used.append(len(captured.captured_queries))
        assert lines > size
    assert used[0] == used[1], used
