"""HR analytics: every app's figures on one page, filtered by range and team; groups of
fewer than five people hidden everywhere (page, CSV, API); bad filters compute nothing;
only owners and HR admins; a fixed query budget at two data sizes."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from perfapp.analytics import registry
from perfapp.audit.models import AuditEvent

from ..helpers import org_url, signed_in_client, visible_text
from ..recognition.points_world import grow_people, recognize


@pytest.fixture
def big_team(world_a):
    """The world's team grown to eight people, so its figures may show."""
    grow_people(world_a, 5, team=world_a.team, manager=world_a.manager)
    return world_a


def page(world, who=None, **params):
    return signed_in_client(who or world.hr).get(org_url("analytics:index"), params)


def test_hr_sees_every_apps_figures_with_a_chart_and_a_table(big_team):
    w = big_team
    recognize(w, w.member, [w.report], when=timezone.now() - timedelta(days=3))
    response = page(w)
    assert response.status_code == 200
    text = visible_text(response)
    for title in (
        "Feedback per team",
        "1:1 check-ins against policy",
        "Recognition across teams",
        "Kinds of contribution recognized",
        "Development plan coverage",
        "Placements and readiness by level",
        "Feedback cycle participation",
    ):
        assert title in text
    body = response.content.decode()
    assert body.count("<svg") >= 5 and "Show as a table" in text
    # The team of eight shows; the people without a team (two) are hidden.
    assert "Alpha Platform 8" in text
    assert "No team fewer than 5 people" in text


def test_a_group_of_fewer_than_five_is_hidden_on_page_csv_and_api(world_a, api_as):
    w = world_a  # the team has three people
    text = visible_text(page(w))
    assert "Every group here has fewer than 5 people, so nothing is shown." in text
    response = signed_in_client(w.hr).get(org_url("analytics:csv", key="feedback.by_team"))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["Team", "People", "Given", "Received"]
    team_row = next(row for row in rows if row[0] == "Alpha Platform")
    assert set(team_row[1:]) == {registry.HIDDEN_TEXT}
    data = api_as(w.hr).get("/api/v1/orgs/alpha/analytics/").json()
    table = data["sections"][0]["tables"][0]
    hidden = next(row for row in table["rows"] if row["label"] == "Alpha Platform")
    assert hidden["hidden"] is True and set(hidden["values"]) == {None}


ARTICLE = re.compile(r"<article\b.*?</article>", re.S)


def test_a_card_that_shows_nothing_offers_no_csv_and_no_table(world_a):
    """Too few people (every group hidden) or nothing in the range: no figures, so no
    download and no table view; a card with figures offers both."""
    cards = ARTICLE.findall(page(world_a).content.decode())
    empty = [c for c in cards if "Nothing in this range yet." in c or "nothing is shown" in c]
    assert empty
    for card in empty:
        assert "Download CSV" not in card and "Show as a table" not in card
    grow_people(world_a, 5, team=world_a.team, manager=world_a.manager)
    cards = ARTICLE.findall(page(world_a).content.decode())
    shown = [c for c in cards if "<svg" in c]
    assert shown
    for card in shown:
        assert "Download CSV" in card and "Show as a table" in card


def test_the_team_filter_narrows_every_table(big_team):
    w = big_team
    text = visible_text(page(w, team=w.team.pk))
    assert "Alpha Platform" in text and "No team" not in text


def test_an_inverted_range_is_a_clear_error_and_computes_nothing(world_a):
    calls = []
    probe = registry.Contribution("probe", 99, "Probe", lambda f: calls.append(f) or [])
    with registry.CONTRIBUTIONS.temporarily():
        registry.CONTRIBUTIONS.register(probe)
        response = page(world_a, start="2026-05-01", end="2026-04-01")
    assert response.status_code == 400
    assert "The start date must be on or before the end date." in visible_text(response)
    assert "Feedback per team" not in visible_text(response)
    assert calls == []


def test_a_team_of_another_organization_is_refused(world_a, world_b, api_as):
    response = page(world_a, team=world_b.team.pk)
    assert response.status_code == 400
    assert "Choose one of your organization's teams." in visible_text(response)
    api = api_as(world_a.hr).get("/api/v1/orgs/alpha/analytics/", {"team": world_b.team.pk})
    assert api.status_code == 400
    assert api.json()["error"]["fields"]["team"][0]["message"] == (
        "Choose one of your organization's teams."
    )


def test_bad_input_on_the_api_and_the_csv(world_a, api_as):
    api = api_as(world_a.hr).get(
        "/api/v1/orgs/alpha/analytics/", {"start": "2026-05-01", "end": "2026-04-01"}
    )
    assert api.status_code == 400
    assert api.json()["error"]["fields"]["end"][0]["message"] == (
        "The start date must be on or before the end date."
    )
    assert (
        api_as(world_a.hr)
        .get("/api/v1/orgs/alpha/analytics/", {"start": "2020-01-01", "end": "2026-01-01"})
        .status_code
        == 400
    )
    assert (
        api_as(world_a.hr).get("/api/v1/orgs/alpha/analytics/", {"start": "not-a-date"}).status_code
        == 400
    )
    hr = signed_in_client(world_a.hr)
    bad = hr.get(
        org_url("analytics:csv", key="feedback.by_team"),
        {"end": "2000-01-01", "start": "2001-01-01"},
    )
    assert bad.status_code == 400
    assert hr.get(org_url("analytics:csv", key="nothing.here")).status_code == 404


def test_the_csv_download_is_audited(world_a):
    response = signed_in_client(world_a.hr).get(org_url("analytics:csv", key="plans.coverage"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    with world_a.scope():
        events = list(AuditEvent.objects.filter(action="analytics.exported"))
    assert len(events) == 1
    assert events[0].actor == world_a.hr
    assert "Development plan coverage" in events[0].target_label


@pytest.mark.parametrize("who", ["manager", "report", "member"])
def test_only_owners_and_hr_read_analytics(world_a, api_as, who):
    person = getattr(world_a, who)
    assert page(world_a, person).status_code == 404
    assert (
        signed_in_client(person).get(org_url("analytics:csv", key="plans.coverage")).status_code
        == 404
    )
    assert api_as(person).get("/api/v1/orgs/alpha/analytics/").status_code == 404


@pytest.mark.parametrize("who", ["owner", "hr"])
def test_owners_and_hr_read_analytics(world_a, api_as, who):
    person = getattr(world_a, who)
    assert page(world_a, person).status_code == 200
    assert api_as(person).get("/api/v1/orgs/alpha/analytics/").status_code == 200


def _count_queries(call) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = call()
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_page_and_the_api_cost_the_same_at_two_sizes(
    world_a, api_as, django_assert_num_queries
):
    w = world_a
    hr = signed_in_client(w.hr)
    api = api_as(w.hr)
    small_page = _count_queries(lambda: hr.get(org_url("analytics:index")))
    small_api = _count_queries(lambda: api.get("/api/v1/orgs/alpha/analytics/"))
    grow_people(w, 40, team=w.team, manager=w.manager)
    grow_people(w, 10)
    recognize(w, w.member, [w.report, w.manager], when=timezone.now() - timedelta(days=2))
    with django_assert_num_queries(small_page):
        assert hr.get(org_url("analytics:index")).status_code == 200
    with django_assert_num_queries(small_api):
        assert api.get("/api/v1/orgs/alpha/analytics/").status_code == 200


def test_the_figures_match_the_rows_they_count(big_team, api_as):
    from advancement.models import Placement
    from development.models import DevelopmentPlan, PlanStatus
    from feedback.models import Feedback

    w = big_team
    with w.scope():
        team = list(w.team.members.filter(is_active=True))
        plans = DevelopmentPlan.objects.filter(owner__in=team)
        received = Feedback.objects.filter(recipient__in=team).count()
        placed = Placement.objects.filter(membership__in=team).count()
    data = api_as(w.hr).get("/api/v1/orgs/alpha/analytics/", {"team": w.team.pk}).json()
    tables = {t["key"]: t for s in data["sections"] for t in s["tables"]}
    plan_row = tables["plans.coverage"]["rows"][0]
    assert plan_row["label"] == "Alpha Platform"
    assert plan_row["values"][:3] == [
        8,
        plans.count(),
        plans.filter(status=PlanStatus.AGREED).count(),
    ]
    feedback_row = tables["feedback.by_team"]["rows"][0]
    assert feedback_row["values"][2] == received >= 1
    levels = tables["readiness.by_level"]["rows"]
    assert sum(row["values"][0] or 0 for row in levels if not row["hidden"]) <= placed
