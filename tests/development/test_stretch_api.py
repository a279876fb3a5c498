"""The stretch assignment API: the board with filters, posting, interest, choosing within
the seats, the outcome; bad input answered with the 400 envelope and nothing changed;
lists at a fixed query budget at two sizes."""

from datetime import timedelta

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from development.models import Goal, StretchAssignment
from development.services import stretch
from perfapp.timezones import local_today

from ..factories import MembershipFactory, TeamFactory
from ..helpers import org_url
from .test_stretch_services import state


def assert_refused(response, field, message):
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    where = error["fields"].get(field) if field else error.get("errors")
    assert where and message in where[0]["message"], error


def new_opportunity(world, **extra) -> dict:
    return {
        "title": "Own the release train",
        "description": "Cut and ship the next four releases.",
        "competencies": [world.framework.competency.pk],
        "commitment": "half",
        "duration_weeks": 8,
        **extra,
    }


def client_for(membership) -> APIClient:
    """A client of its own (``api_as`` reuses one client, so two people at once clash)."""
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=membership.user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_posting_interest_choosing_and_the_outcome(world_a):
    manager = client_for(world_a.manager)
    posted = manager.post(
        org_url("api:opportunity-list", org=world_a),
        new_opportunity(world_a, seats=1),
        format="json",
    )
    assert posted.status_code == 201, posted.content
    pk = posted.json()["id"]
    member = client_for(world_a.member)
    board = member.get(org_url("api:opportunity-list", org=world_a)).json()["results"]
    assert pk in [row["id"] for row in board]
    interest = member.post(
        org_url("api:stretch-interest-list", org=world_a),
        {"opportunity": pk, "note": "I shipped the last one."},
        format="json",
    )
    assert interest.status_code == 201 and interest.json()["status"] == "interested"
    seen = member.get(org_url("api:opportunity-detail", org=world_a, pk=pk)).json()
    assert seen["my_interest"] == {"id": interest.json()["id"], "status": "interested"}
    assert seen["owner_outcome"] is None
    listed = manager.get(org_url("api:opportunity-interests", org=world_a, pk=pk)).json()["results"]
    assert [row["note"] for row in listed] == ["I shipped the last one."]
    chosen = manager.post(
        org_url("api:opportunity-choose", org=world_a, pk=pk),
        {"interests": [interest.json()["id"]]},
        format="json",
    )
    assert chosen.status_code == 200 and chosen.json()[0]["status"] == "chosen"
    with world_a.scope():
        assert Goal.objects.filter(stretch_interest_id=interest.json()["id"]).exists()
    done = manager.post(
        org_url("api:opportunity-complete", org=world_a, pk=pk),
        {"outcome": "Four releases."},
        format="json",
    )
    assert done.json()["status"] == "completed" and done.json()["owner_outcome"] == (
        "Four releases."
    )
    mine = member.post(
        org_url("api:stretch-interest-outcome", org=world_a, pk=interest.json()["id"]),
        {"outcome": "I learned to plan."},
        format="json",
    )
    assert mine.json()["person_outcome"] == "I learned to plan."
    assert member.get(org_url("api:opportunity-detail", org=world_a, pk=pk)).json()[
        "owner_outcome"
    ] == ("Four releases.")


def test_bad_postings_get_the_envelope_and_change_nothing(world_a, world_b, api_as):
    manager = api_as(world_a.manager)
    yesterday = (local_today(world_a.manager) - timedelta(days=1)).isoformat()
    cases = [
        ({"title": ""}, "title", "short title"),
        ({"competencies": []}, "competencies", "at least one competency"),
        ({"competencies": [world_b.framework.competency.pk]}, "competencies", "does not exist"),
        ({"seats": 0}, "seats", "greater than or equal to 1"),
        ({"duration_weeks": 53}, "duration_weeks", "less than or equal to 52"),
        ({"audience": "teams"}, "teams", "Choose the teams"),
        ({"audience": "teams", "teams": [world_b.team.pk]}, "teams", "does not exist"),
        ({"closes_on": yesterday}, "closes_on", "today or a later date"),
        ({"commitment": "always"}, "commitment", "valid choice"),
    ]
    for change, field, message in cases:
        before = state(world_a)
        response = manager.post(
            org_url("api:opportunity-list", org=world_a),
            new_opportunity(world_a, **change),
            format="json",
        )
        assert_refused(response, field, message)
        assert state(world_a) == before


def test_bad_interest_gets_the_envelope_and_changes_nothing(world_a, api_as):
    sales = TeamFactory(organization=world_a.organization, name="Sales")
    with world_a.scope():
        hidden = stretch.post_opportunity(
            actor=world_a.hr,
            title="Sales only",
            description="x",
            competencies=[world_a.framework.competency],
            commitment="light",
            duration_weeks=2,
            audience="teams",
            teams=[sales],
        )
        closed = stretch.post_opportunity(
            actor=world_a.hr,
            title="Closed",
            description="x",
            competencies=[world_a.framework.competency],
            commitment="light",
            duration_weeks=2,
        )
        StretchAssignment.objects.filter(pk=closed.pk).update(
            closes_on=local_today(world_a.member) - timedelta(days=1)
        )
    opportunity = world_a.growth.opportunity.pk
    cases = [
        (world_a.member, hidden.pk, "Me", "opportunity", "does not exist"),
        (world_a.member, closed.pk, "Me", None, "no longer open for interest"),
        (world_a.manager, opportunity, "Me", None, "your own opportunity"),
        (world_a.report, opportunity, "Again", None, "already expressed interest"),
        (world_a.member, opportunity, "", "note", "Say in a sentence or two"),
    ]
    for who, pk, note, field, message in cases:
        before = state(world_a)
        response = api_as(who).post(
            org_url("api:stretch-interest-list", org=world_a),
            {"opportunity": pk, "note": note},
            format="json",
        )
        assert_refused(response, field, message)
        assert state(world_a) == before


def test_choosing_two_for_one_seat_gets_the_envelope_and_changes_nothing(world_a, api_as):
    opportunity = world_a.growth.opportunity
    with world_a.scope():
        second = stretch.express_interest(person=world_a.member, assignment=opportunity, note="Me")
    before = state(world_a)
    response = api_as(world_a.manager).post(
        org_url("api:opportunity-choose", org=world_a, pk=opportunity.pk),
        {"interests": [world_a.growth.interest.pk, second.pk]},
        format="json",
    )
    assert_refused(response, "interests", "has 1 seat: choose at most 1 person")
    foreign = api_as(world_a.manager).post(
        org_url("api:opportunity-choose", org=world_a, pk=opportunity.pk),
        {"interests": [999999]},
        format="json",
    )
    assert_refused(foreign, "interests", "Not an interest in this opportunity")
    assert state(world_a) == before


def test_board_filters_in_the_api(world_a, api_as):
    teamwork = world_a.framework.other_competency
    with world_a.scope():
        stretch.post_opportunity(
            actor=world_a.hr,
            title="Retro facilitation",
            description="x",
            competencies=[teamwork],
            commitment="full",
            duration_weeks=2,
        )
    client = api_as(world_a.report)  # focus: teamwork
    everything = client.get(org_url("api:opportunity-list", org=world_a)).json()["results"]
    assert everything[0]["title"] == "Retro facilitation" and everything[0]["matches_focus"]
    by_time = client.get(
        org_url("api:opportunity-list", org=world_a), {"commitment": "full"}
    ).json()
    assert [row["title"] for row in by_time["results"]] == ["Retro facilitation"]
    by_competency = client.get(
        org_url("api:opportunity-list", org=world_a),
        {"competency": world_a.framework.competency.pk},
    ).json()
    assert [row["id"] for row in by_competency["results"]] == [world_a.growth.opportunity.pk]
    posted = api_as(world_a.manager).get(
        org_url("api:opportunity-list", org=world_a), {"scope": "posted"}
    )
    assert [row["id"] for row in posted.json()["results"]] == [world_a.growth.opportunity.pk]
    assert_refused(
        client.get(org_url("api:opportunity-list", org=world_a), {"team": "x"}), "team", "id"
    )


# --- query budgets ----------------------------------------------------------------------------


def _grow(world, total):
    with world.scope():
        have = StretchAssignment.objects.count()
        for index in range(have, total):
            opportunity = stretch.post_opportunity(
                actor=world.hr if index % 2 else world.manager,
                title=f"Opportunity {index}",
                description="x",
                competencies=[world.framework.competency, world.framework.other_competency][
                    : 1 + index % 2
                ],
                commitment="light",
                duration_weeks=2,
                audience="teams" if index % 3 else "everyone",
                teams=[world.team] if index % 3 else [],
            )
            stretch.express_interest(person=world.report, assignment=opportunity, note="Me")
            if index % 3 == 0:
                stretch.express_interest(
                    person=MembershipFactory(organization=world.organization),
                    assignment=opportunity,
                    note="Me too",
                )


@pytest.mark.parametrize(
    ("name", "viewer", "params"),
    [
        ("opportunity-list", "report", {}),
        ("opportunity-list", "hr", {"scope": "posted"}),
        ("stretch-interest-list", "report", {}),
    ],
)
def test_lists_cost_the_same_number_of_queries_at_two_sizes(
    name, viewer, params, world_a, api_as, django_assert_max_num_queries
):
    client = api_as(getattr(world_a, viewer))
    used = []
    for size in (6, 60):
        _grow(world_a, size)
        with django_assert_max_num_queries(10) as captured:
            response = client.get(org_url(f"api:{name}", org=world_a), params)
        assert response.status_code == 200, response.content
        body = response.json()
        used.append((len(body["results"]), len(captured.captured_queries)))
        if body["next"]:
            with django_assert_max_num_queries(10):
                assert client.get(body["next"]).status_code == 200
    (small_rows, small), (large_rows, large) = used
    assert large_rows > small_rows >= 3
    assert small == large, used


def test_the_interests_of_an_opportunity_cost_the_same_at_two_sizes(
    world_a, api_as, django_assert_max_num_queries
):
    opportunity = world_a.growth.opportunity
    client = api_as(world_a.manager)
    used = []
    for size in (3, 40):
        with world_a.scope():
            for _ in range(opportunity.interests.count(), size):
                stretch.express_interest(
                    person=MembershipFactory(organization=world_a.organization),
                    assignment=opportunity,
                    note="Me",
                )
        with django_assert_max_num_queries(8) as captured:
            response = client.get(
                org_url("api:opportunity-interests", org=world_a, pk=opportunity.pk)
            )
        assert response.status_code == 200
        used.append(len(captured.captured_queries))
    assert used[0] == used[1], used
