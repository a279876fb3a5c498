"""The points, rewards, redemptions and insights API: what each person reads, what HR
changes, the 400 envelope on bad input (nothing changed), and query budgets at two sizes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from recognition.models import PointsEntry, Redemption, RedemptionStatus, Reward
from recognition.services import rewards
from recognition.services import settings as settings_service

from ..helpers import api_error, org_url
from .points_world import balance, fund, grow_people, recognize, reward, settle_in


def field_codes(response, field: str) -> set[str]:
    return {item["code"] for item in api_error(response)["fields"][field]}


# --- balances and the ledger ----------------------------------------------------------------


def test_a_person_reads_their_own_balance_and_hr_reads_everyones(world_a, api_as):
    recognize(world_a, world_a.member, [world_a.report], points_each=25)
    mine = api_as(world_a.report).get(org_url("api:points-balance-list")).json()["results"]
    assert mine == [
        {
            "member": {"id": world_a.report.pk, "name": world_a.report.name},
            "points_enabled": True,
            "balance": 25,
            "monthly_allowance": 100,
            "allowance_left": 100,
        }
    ]
    everyone = api_as(world_a.hr).get(org_url("api:points-balance-list")).json()["results"]
    assert len(everyone) == 5
    giver = next(row for row in everyone if row["member"]["id"] == world_a.member.pk)
    assert giver["allowance_left"] == 75 and giver["balance"] == 0
    detail = api_as(world_a.hr).get(org_url("api:points-balance-detail", pk=world_a.report.pk))
    assert detail.json()["balance"] == 25


@pytest.mark.parametrize("who", ["manager", "member"])
def test_nobody_else_reads_a_balance_or_a_ledger(world_a, api_as, who):
    client = api_as(getattr(world_a, who))
    assert client.get(org_url("api:points-balance-detail", pk=world_a.report.pk)).status_code == 404
    entries = client.get(org_url("api:points-entry-list"), {"member": world_a.report.pk})
    assert entries.status_code == 404


def test_with_points_off_nothing_is_left_to_give(world_a, api_as):
    with world_a.scope():
        settings_service.save_settings(actor=world_a.hr, points_enabled=False)
    row = api_as(world_a.report).get(org_url("api:points-balance-list")).json()["results"][0]
    assert row["points_enabled"] is False and row["allowance_left"] is None


def test_the_ledger_newest_first(world_a, api_as):
    recognize(world_a, world_a.member, [world_a.report], points_each=10)
    fund(world_a, world_a.report, 5)
    rows = api_as(world_a.report).get(org_url("api:points-entry-list")).json()["results"]
    assert [(row["delta"], row["reason"]) for row in rows] == [(5, "adjusted"), (10, "received")]
    theirs = api_as(world_a.hr).get(org_url("api:points-entry-list"), {"member": world_a.report.pk})
    assert len(theirs.json()["results"]) == 2
    bad = api_as(world_a.hr).get(org_url("api:points-entry-list"), {"member": "abc"})
    assert "member" in api_error(bad)["fields"]


# --- rewards --------------------------------------------------------------------------------


def test_hr_keeps_the_catalogue_through_the_api(world_a, api_as):
    client = api_as(world_a.hr)
    created = client.post(
        org_url("api:reward-list"), {"name": "Team lunch", "cost": 80, "stock": 3}, format="json"
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    changed = client.patch(org_url("api:reward-detail", pk=pk), {"stock": None}, format="json")
    assert changed.json()["stock"] is None and changed.json()["cost"] == 80
    assert client.post(org_url("api:reward-archive", pk=pk)).json()["archived"] is True
    assert api_as(world_a.report).get(org_url("api:reward-list")).json()["results"] == []
    assert api_as(world_a.report).get(org_url("api:reward-detail", pk=pk)).status_code == 404
    client = api_as(world_a.hr)  # one client: api_as switches its credentials
    listed = client.get(org_url("api:reward-list"), {"archived": "true"}).json()["results"]
    assert [row["name"] for row in listed] == ["Team lunch"]
    assert client.post(org_url("api:reward-restore", pk=pk)).json()["archived"] is False


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Mug", "cost": 0}, "cost"),
        ({"name": "Mug", "cost": 5, "stock": -2}, "stock"),
        ({"name": "", "cost": 5}, "name"),
        ({"name": "Book of your choice", "cost": 5}, "name"),
        ({"cost": 5}, "name"),
    ],
)
def test_bad_rewards_get_the_error_envelope(world_a, api_as, body, field):
    reward(world_a)
    response = api_as(world_a.hr).post(org_url("api:reward-list"), body, format="json")
    assert field in api_error(response)["fields"]
    with world_a.scope():
        assert Reward.objects.count() == 1


@pytest.mark.parametrize("who", ["manager", "report", "member"])
def test_only_hr_writes_rewards(world_a, api_as, who):
    item = reward(world_a)
    client = api_as(getattr(world_a, who))
    assert client.post(org_url("api:reward-list"), {"name": "X", "cost": 1}).status_code == 404
    patched = client.patch(org_url("api:reward-detail", pk=item.pk), {"cost": 1}, format="json")
    assert patched.status_code in (404, 405)
    assert client.post(org_url("api:reward-archive", pk=item.pk)).status_code == 404
    with world_a.scope():
        item.refresh_from_db()
    assert item.cost == 50 and item.archived_at is None


# --- redemptions ------------------------------------------------------------------------------


def test_redeeming_and_deciding_through_the_api(world_a, api_as):
    fund(world_a, world_a.report, 100)
    item = reward(world_a, cost=60, stock=2)
    made = api_as(world_a.report).post(
        org_url("api:redemption-list"), {"reward": item.pk}, format="json"
    )
    assert made.status_code == 201
    body = made.json()
    assert body["status"] == "pending" and body["cost"] == 60
    assert balance(world_a, world_a.report) == 40
    queue = api_as(world_a.hr).get(
        org_url("api:redemption-list"), {"scope": "all", "status": "pending"}
    )
    assert [row["id"] for row in queue.json()["results"]] == [body["id"]]
    rejected = api_as(world_a.hr).post(
        org_url("api:redemption-reject", pk=body["id"]), {"note": "Not this quarter"}, format="json"
    )
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["decided_by"]["id"] == world_a.hr.pk
    assert balance(world_a, world_a.report) == 100
    again = api_as(world_a.hr).post(org_url("api:redemption-approve", pk=body["id"]))
    assert "already rejected" in api_error(again)["message"]


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        ("poor", "not_enough_points"),
        ("out_of_stock", "out_of_stock"),
        ("archived", "reward_archived"),
        ("other_org", "does_not_exist"),
    ],
)
def test_redemptions_that_cannot_be_made_get_the_envelope(world_a, world_b, api_as, setup, code):
    fund(world_a, world_a.report, 10 if setup == "poor" else 500)
    item = reward(world_a, cost=50, stock=0 if setup == "out_of_stock" else None)
    if setup == "archived":
        with world_a.scope():
            Reward.objects.filter(pk=item.pk).update(archived_at=timezone.now())
    if setup == "other_org":
        item = reward(world_b)
    response = api_as(world_a.report).post(
        org_url("api:redemption-list"), {"reward": item.pk}, format="json"
    )
    assert code in field_codes(response, "reward")
    with world_a.scope():
        assert not Redemption.objects.exists()
        assert PointsEntry.objects.filter(reason="redeemed").count() == 0


def test_redeeming_with_points_off_is_refused(world_a, api_as):
    fund(world_a, world_a.report, 100)
    item = reward(world_a)
    with world_a.scope():
        settings_service.save_settings(actor=world_a.hr, points_enabled=False)
    response = api_as(world_a.report).post(
        org_url("api:redemption-list"), {"reward": item.pk}, format="json"
    )
    error = api_error(response)
    assert "turned off" in error["message"] and error["errors"][0]["code"] == "points_off"


def _pending(world):
    fund(world, world.report, 50)
    with world.scope():
        return rewards.redeem(member=world.report, reward=reward(world))


def test_rejecting_needs_a_reason_and_only_hr_decides(world_a, api_as):
    row = _pending(world_a)
    no_reason = api_as(world_a.hr).post(org_url("api:redemption-reject", pk=row.pk))
    assert "note" in api_error(no_reason)["fields"]
    for who in ("manager", "report", "member"):
        client = api_as(getattr(world_a, who))
        assert client.post(org_url("api:redemption-approve", pk=row.pk)).status_code == 404
    assert (
        api_as(world_a.member).get(org_url("api:redemption-detail", pk=row.pk)).status_code == 404
    )
    assert (
        api_as(world_a.report).get(org_url("api:redemption-detail", pk=row.pk)).status_code == 200
    )
    with world_a.scope():
        row.refresh_from_db()
    assert row.status == RedemptionStatus.PENDING


def test_hr_deciding_their_own_request_is_a_clear_400(world_a, api_as):
    fund(world_a, world_a.hr, 50)
    with world_a.scope():
        row = rewards.redeem(member=world_a.hr, reward=reward(world_a))
    response = api_as(world_a.hr).post(org_url("api:redemption-approve", pk=row.pk))
    assert "Someone else in HR" in api_error(response)["message"]


def test_list_parameters_are_checked(world_a, api_as):
    client = api_as(world_a.report)
    assert client.get(org_url("api:redemption-list"), {"scope": "all"}).status_code == 404
    assert (
        "scope" in api_error(client.get(org_url("api:redemption-list"), {"scope": "x"}))["fields"]
    )
    hr = api_as(world_a.hr)
    assert (
        "status" in api_error(hr.get(org_url("api:redemption-list"), {"status": "lost"}))["fields"]
    )
    assert (
        "archived" in api_error(hr.get(org_url("api:reward-list"), {"archived": "maybe"}))["fields"]
    )


# --- insights ---------------------------------------------------------------------------------


def test_insights_for_a_manager(world_a, api_as):
    settle_in(world_a)
    client = api_as(world_a.manager)
    quiet = client.get(org_url("api:recognition-insights-quiet")).json()["results"]
    assert [row["member"]["id"] for row in quiet] == [world_a.report.pk]
    assert quiet[0]["last_recognized"] is None and quiet[0]["manager"]["id"] == world_a.manager.pk
    recognize(world_a, world_a.member, [world_a.report], kind_name="Mentorship")
    spread = client.get(org_url("api:recognition-insights-spread"), {"days": 30}).json()
    assert spread["days"] == 30
    assert {row["name"]: row["count"] for row in spread["kinds"]} == {"Mentorship": 1}
    givers = client.get(org_url("api:recognition-insights-givers")).json()
    assert givers["receive_only"] == 1 and givers["people"] == 1
    trend = client.get(org_url("api:recognition-insights-trend"), {"weeks": 26}).json()["weeks"]
    assert len(trend) == 26 and trend[-1]["recognitions"] == 1


@pytest.mark.parametrize(
    ("name", "params", "field"),
    [
        ("quiet", {"days": 3}, "days"),
        ("quiet", {"days": "x"}, "days"),
        ("spread", {"days": 400}, "days"),
        ("trend", {"weeks": 8}, "weeks"),
        ("givers", {"scope": "everyone"}, "scope"),
    ],
)
def test_insight_parameters_out_of_bounds_are_a_400(world_a, api_as, name, params, field):
    response = api_as(world_a.hr).get(org_url(f"api:recognition-insights-{name}"), params)
    assert field in api_error(response)["fields"]


@pytest.mark.parametrize("who", ["report", "member"])
def test_insights_are_not_for_people_without_reports(world_a, api_as, who):
    client = api_as(getattr(world_a, who))
    for name in ("quiet", "spread", "givers", "trend"):
        assert client.get(org_url(f"api:recognition-insights-{name}")).status_code == 404


# --- performance ------------------------------------------------------------------------------


def _grow(world, size: int) -> None:
    people = grow_people(world, size, manager=world.manager, team=world.team)
    for index, person in enumerate(people):
        recognize(world, people[index - 1], [person], points_each=2, when=timezone.now())
    with world.scope():
        item = Reward.objects.create(organization=world.organization, name=f"R{size}", cost=1)
        Redemption.objects.bulk_create(
            Redemption(organization=world.organization, reward=item, member=person, cost=1)
            for person in people
        )
        PointsEntry.objects.bulk_create(
            PointsEntry(
                organization=world.organization, member=world.report, delta=1, reason="adjusted"
            )
            for _ in range(size)
        )
    settle_in(world)
    with world.scope():
        Redemption.objects.update(created_at=timezone.now() - timedelta(days=1))


@pytest.mark.parametrize(
    ("name", "viewer", "params", "budget"),
    [
        ("api:points-balance-list", "hr", {}, 8),
        ("api:points-entry-list", "report", {}, 6),
        ("api:redemption-list", "hr", {"scope": "all"}, 5),
        ("api:reward-list", "report", {}, 5),
        ("api:recognition-insights-quiet", "hr", {}, 6),
        ("api:recognition-insights-spread", "manager", {}, 9),
        ("api:recognition-insights-givers", "hr", {}, 9),
        ("api:recognition-insights-trend", "hr", {}, 6),
    ],
)
def test_api_reads_cost_the_same_at_two_sizes(
    world_a, api_as, django_assert_max_num_queries, name, viewer, params, budget
):
    client = api_as(getattr(world_a, viewer))
    assert client.get(org_url(name), params).status_code == 200  # settings exist now
    used = []
    for size in (6, 80):
        _grow(world_a, size)
        with django_assert_max_num_queries(budget) as captured:
            response = client.get(org_url(name), params)
        assert response.status_code == 200, response.content
        used.append(len(captured.captured_queries))
    assert used[0] == used[1], used
