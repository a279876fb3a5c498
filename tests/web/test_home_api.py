"""API: GET home/ and team-dashboard/, who may call them, bad input, and query budgets."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from perfapp.orgs.models import Membership

from ..factories import MembershipFactory
from ..helpers import org_url

ROLES = ("owner", "hr", "manager", "report", "member")


def test_home_gives_the_panels_as_plain_data(world_a, api_as):
    response = api_as(world_a.report).get(org_url("api:home-list", org=world_a))
    assert response.status_code == 200
    panels = {panel["key"]: panel["data"] for panel in response.json()["panels"]}
    assert {"checkins", "recent_feedback", "growth", "career", "recognition"} <= set(panels)
    assert panels["checkins"]["next"]["with"] == world_a.manager.name
    assert [item["text"] for item in panels["checkins"]["next"]["agenda"]] == ["Promotion timeline"]
    assert panels["checkins"]["actions"][0]["text"] == "Draft the RFC"
    assert panels["recent_feedback"]["items"][0]["from"] == world_a.member.name
    assert panels["career"]["level"]["code"] == world_a.framework.level.code
    assert panels["growth"]["status"] == "agreed"


def test_home_gives_the_core_panels_too(world_a, api_as):
    report = api_as(world_a.report).get(org_url("api:home-list", org=world_a)).json()
    panels = {panel["key"]: panel["data"] for panel in report["panels"]}
    assert panels["place"]["manager"] == {"id": world_a.manager.pk, "name": world_a.manager.name}
    assert panels["notifications"]["unread"][0]["title"] == "Hello from alpha"
    manager = api_as(world_a.manager).get(org_url("api:home-list", org=world_a)).json()
    panels = {panel["key"]: panel["data"] for panel in manager["panels"]}
    assert [person["id"] for person in panels["team"]["reports"]] == [world_a.report.pk]


def test_home_shows_requests_waiting_for_the_member(world_a, api_as):
    response = api_as(world_a.member).get(org_url("api:home-list", org=world_a))
    panels = {panel["key"]: panel["data"] for panel in response.json()["panels"]}
    assert panels["waiting"]["requests"][0]["topic"] == "The billing migration"


def test_team_dashboard_gives_rows_columns_and_attention(world_a, api_as):
    MembershipFactory(
        organization=world_a.organization,
        manager=world_a.manager,
        user__name="Quinn Quiet",
        joined_at=timezone.now() - timedelta(days=90),
    )
    response = api_as(world_a.manager).get(
        org_url("api:team-dashboard-list", org=world_a), {"sort": "-feedback_received"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["manager"]["id"] == world_a.manager.pk and body["sort"] == "-feedback_received"
    assert "checkin_last" in [column["key"] for column in body["columns"]]
    assert [row["member"]["name"] for row in body["rows"]] == [world_a.report.name, "Quinn Quiet"]
    report = body["rows"][0]
    assert report["cells"]["actions_open"]["value"] == 1
    assert report["cells"]["feedback_received"]["text"] == "1"
    (quiet,) = body["attention"]
    assert quiet["member"]["name"] == "Quinn Quiet"
    assert {reason["key"] for reason in quiet["attention"]} >= {
        "checkin.none",
        "feedback.quiet",
        "recognition.quiet",
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [({"sort": "salary"}, "sort"), ({"include": "everyone"}, "include")],
)
def test_bad_input_is_a_400_in_the_envelope(params, field, world_a, api_as):
    response = api_as(world_a.manager).get(org_url("api:team-dashboard-list", org=world_a), params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error" and field in error["fields"]
    assert error["fields"][field][0]["message"]


@pytest.mark.parametrize("role", ROLES)
def test_everyone_may_read_their_home_and_their_own_team(role, world_a, api_as):
    client = api_as(getattr(world_a, role))
    assert client.get(org_url("api:home-list", org=world_a)).status_code == 200
    response = client.get(org_url("api:team-dashboard-list", org=world_a))
    assert response.status_code == 200
    assert bool(response.json()["rows"]) == (role in ("owner", "manager"))


@pytest.mark.parametrize(
    ("role", "status"),
    [("owner", 200), ("hr", 200), ("manager", 404), ("report", 404), ("member", 404)],
)
def test_only_hr_reads_another_managers_team(role, status, world_a, api_as):
    response = api_as(getattr(world_a, role)).get(
        org_url("api:team-dashboard-list", org=world_a), {"manager": world_a.owner.pk}
    )
    assert response.status_code == status


def test_a_manager_of_another_organization_is_not_found(world_a, world_b, api_as):
    response = api_as(world_a.hr).get(
        org_url("api:team-dashboard-list", org=world_a), {"manager": world_b.manager.pk}
    )
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_another_organizations_member_is_not_found(world_a, world_b, api_as):
    client = api_as(world_b.owner)
    assert client.get(org_url("api:home-list", org=world_a)).status_code == 404
    assert client.get(org_url("api:team-dashboard-list", org=world_a)).status_code == 404


def _queries(client, path) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_team_dashboard_api_costs_the_same_for_5_and_50_reports(world_a, api_as):
    client = api_as(world_a.manager)
    path = org_url("api:team-dashboard-list", org=world_a)

    def grow_to(n):
        with world_a.scope():
            have = Membership.objects.filter(manager=world_a.manager).count()
        for _ in range(have, n):
            MembershipFactory(organization=world_a.organization, manager=world_a.manager)

    grow_to(5)
    small = _queries(client, path)
    grow_to(50)
    large = _queries(client, path)
    assert small == large, (small, large)


def test_home_api_costs_the_same_with_more_to_show(world_a, api_as):
    from feedback.services import giving as feedback_services

    client = api_as(world_a.report)
    path = org_url("api:home-list", org=world_a)
    small = _queries(client, path)
    with world_a.scope():
        for i in range(6):
            feedback_services.give_feedback(
                author=world_a.member,
                recipient=world_a.report,
                kind="praise",
                situation=f"In demo {i} on Friday the walkthrough was clear.",
                impact="Sales used it the same day.",
            )
    assert _queries(client, path) == small
