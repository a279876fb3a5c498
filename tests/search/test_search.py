"""The header search: people, goals, stretch opportunities and the career framework of
the active organization, each found only by who may see it; another organization is
never searched; bad queries are a clear 400; a fixed query budget at two sizes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from development.models import Goal

from ..factories import MembershipFactory, UserFactory
from ..recognition.points_world import signed_in, url, words_of

API = "/api/v1/orgs/alpha/search/"


def found(client, q: str) -> str:
    response = client.get(url("web:search"), {"q": q})
    assert response.status_code == 200
    return words_of(response)


def test_the_header_has_a_search_box(world_a):
    body = signed_in(world_a.member).get(url("web:home")).content.decode()
    assert 'role="search"' in body and 'name="q"' in body


def test_people_are_found_in_the_active_organization_only(world_a, world_b):
    MembershipFactory(organization=world_a.organization, user=UserFactory(name="Zora Alpha"))
    MembershipFactory(organization=world_b.organization, user=UserFactory(name="Zora Beta"))
    text = found(signed_in(world_a.member), "zora")
    assert "Zora Alpha" in text and "Zora Beta" not in text


def test_only_hr_finds_people_by_email(world_a):
    email = world_a.report.user.email.split("@")[0]
    assert world_a.report.name in found(signed_in(world_a.hr), email)
    assert world_a.report.name not in found(signed_in(world_a.member), email)


def test_a_private_goal_is_found_only_by_its_plans_two_people(world_a):
    w = world_a
    title = "Private goal of alpha: run a design review"
    for who in (w.report, w.manager):
        assert title in found(signed_in(who), "design review")
    for who in (w.member, w.hr, w.owner):
        assert title not in found(signed_in(who), "design review")


def test_a_goal_shared_with_the_team_is_found_by_teammates(world_a):
    text = found(signed_in(world_a.member), "testing guide")
    assert "Shared goal of alpha: write the testing guide" in text


def test_another_organizations_goal_or_opportunity_is_never_found(world_a, world_b):
    text = found(signed_in(world_a.owner), "beta")
    assert "Shared goal of beta" not in text and "(beta)" not in text
    assert "Lead the incident review (alpha)" in found(signed_in(world_a.member), "incident")


def test_framework_text_of_the_published_version_is_found(world_a):
    with world_a.scope():
        from advancement.selectors import current_version

        snapshot = current_version().snapshot
    track = snapshot["tracks"][0]
    word = track["name"].split()[0]
    assert track["name"] in found(signed_in(world_a.member), word)


@pytest.mark.parametrize(
    ("q", "message"),
    [("a", "Type at least 2 letters or digits to search."), ("x" * 101, "under 100 characters")],
)
def test_a_query_too_short_or_too_long_is_a_clear_error(world_a, api_as, q, message):
    response = signed_in(world_a.member).get(url("web:search"), {"q": q})
    assert response.status_code == 400 and message in words_of(response)
    api = api_as(world_a.member).get(API, {"q": q})
    assert api.status_code == 400
    assert message in api.json()["error"]["fields"]["q"][0]["message"]


def test_the_api_groups_hits_by_source(world_a, api_as):
    data = api_as(world_a.report).get(API, {"q": "design review"}).json()
    goals = next(group for group in data if group["key"] == "goals")
    assert goals["label"] == "Goals"
    assert goals["hits"][0]["title"] == "Private goal of alpha: run a design review"
    assert api_as(world_a.report).get(API).json() == []


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert call().status_code == 200
    return len(ctx.captured_queries)


def test_search_costs_the_same_at_two_sizes(world_a, api_as, django_assert_num_queries):
    """More people and goals matching: the same number of queries (hits are capped)."""
    w = world_a
    client = api_as(w.report)
    small = _queries(lambda: client.get(API, {"q": "review"}))
    with w.scope():
        plan = w.plans.plan
        for index in range(12):
            MembershipFactory(
                organization=w.organization, user=UserFactory(name=f"Review Person {index}")
            )
            Goal.objects.create(
                organization=w.organization,
                plan=plan,
                title=f"Review number {index}",
                start_on=w.plans.goal.start_on,
                target_on=w.plans.goal.target_on,
            )
    with django_assert_num_queries(small):
        assert client.get(API, {"q": "review"}).status_code == 200


def test_without_postgres_every_word_must_appear_in_some_field(world_a, monkeypatch):
    """The SQLite fallback (``make run`` without DATABASE_URL): icontains per word."""
    from types import SimpleNamespace

    from perfapp import search

    monkeypatch.setattr(search, "connection", SimpleNamespace(vendor="sqlite"))
    with world_a.scope():
        found = search.matching(Goal.objects.all(), ["title", "why"], ["design", "review"])
        assert [goal.title for goal in found] == ["Private goal of alpha: run a design review"]
        assert not search.matching(Goal.objects.all(), ["title"], ["design", "nothing"]).exists()
