"""The header search: people, goals, stretch opportunities and the career framework of
the active organization, each found only by who may see it; another organization is
never searched; bad queries are a clear 400; a fixed query budget at two sizes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from development.models import Goal

from ..factories import MembershipFactory, UserFactory
from ..helpers import org_url, signed_in_client, visible_text

API = "/api/v1/orgs/alpha/search/"


def found(client, q: str) -> str:
    response = client.get(org_url("web:search"), {"q": q})
    assert response.status_code == 200
    return visible_text(response)


def test_the_header_has_a_search_box(world_a):
    body = signed_in_client(world_a.member).get(org_url("web:home")).content.decode()
    assert 'role="search"' in body and 'name="q"' in body


def test_people_are_found_in_the_active_organization_only(world_a, world_b):
    MembershipFactory(organization=world_a.organization, user=UserFactory(name="Zora Alpha"))
    MembershipFactory(organization=world_b.organization, user=UserFactory(name="Zora Beta"))
    text = found(signed_in_client(world_a.member), "zora")
    assert "Zora Alpha" in text and "Zora Beta" not in text


def test_only_hr_finds_people_by_email(world_a):
    email = world_a.report.user.email.split("@")[0]
    assert world_a.report.name in found(signed_in_client(world_a.hr), email)
    assert world_a.report.name not in found(signed_in_client(world_a.member), email)


def test_a_private_goal_is_found_only_by_its_plans_two_people(world_a):
    w = world_a
    title = "Private goal of alpha: run a design review"
    for who in (w.report, w.manager):
        assert title in found(signed_in_client(who), "design review")
    for who in (w.member, w.hr, w.owner):
        assert title not in found(signed_in_client(who), "design review")


def test_a_goal_shared_with_the_team_is_found_by_teammates(world_a):
    text = found(signed_in_client(world_a.member), "testing guide")
    assert "Shared goal of alpha: write the testing guide" in text


def test_another_organizations_goal_or_opportunity_is_never_found(world_a, world_b):
    text = found(signed_in_client(world_a.owner), "beta")
    assert "Shared goal of beta" not in text and "(beta)" not in text
    assert "Lead the incident review (alpha)" in found(signed_in_client(world_a.member), "incident")


def test_framework_text_of_the_published_version_is_found(world_a):
    with world_a.scope():
        from advancement.selectors.framework import current_version

        snapshot = current_version().snapshot
    track = snapshot["tracks"][0]
    word = track["name"].split()[0]
    assert track["name"] in found(signed_in_client(world_a.member), word)


@pytest.mark.parametrize(
    ("q", "message"),
    [("a", "Type at least 2 letters or digits to search."), ("x" * 101, "under 100 characters")],
)
def test_a_query_too_short_or_too_long_is_a_clear_error(world_a, api_as, q, message):
    response = signed_in_client(world_a.member).get(org_url("web:search"), {"q": q})
    assert response.status_code == 400 and message in visible_text(response)
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


# --- matching and ranking: only rows that hold every term, best first ---------------------


def _groups(client, q: str) -> dict[str, list[str]]:
    response = client.get(API, {"q": q})
    assert response.status_code == 200
    return {group["key"]: [hit["title"] for hit in group["hits"]] for group in response.json()}


def _goals(world, *titles_and_whys) -> None:
    """Goals in the report's plan, in this order (so the later one has the higher id)."""
    with world.scope():
        for title, why in titles_and_whys:
            Goal.objects.create(
                organization=world.organization,
                plan=world.plans.plan,
                title=title,
                why=why,
                start_on=world.plans.goal.start_on,
                target_on=world.plans.goal.target_on,
            )


def test_two_words_find_only_what_holds_both(world_a, api_as):
    """Not every colleague, the other goals and the incident review with "review" only."""
    found = _groups(api_as(world_a.report), "design review")
    assert found.pop("goals") == ["Private goal of alpha: run a design review"]
    assert found.get("people") is None and found.get("opportunities") is None
    assert not any("design" not in title.lower() for titles in found.values() for title in titles)


def test_a_word_nobody_wrote_finds_nothing(world_a, api_as):
    assert _groups(api_as(world_a.hr), "design zebracorn") == {}


def test_a_hyphenated_word_is_found_whole_or_as_it_is_typed(world_a, api_as):
    _goals(
        world_a,
        ("Send the follow-up notes", ""),
        ("Follow the upgrade guide", ""),
        ("Write up what to follow", ""),
    )
    client = api_as(world_a.report)
    assert _groups(client, "follow-up")["goals"] == ["Send the follow-up notes"]
    assert _groups(client, "Follow-u")["goals"] == ["Send the follow-up notes"]
    assert _groups(client, "notes follow-up")["goals"] == ["Send the follow-up notes"]
    # Two separate words: every goal that holds both, hyphenated or not.
    assert sorted(_groups(client, "follow up")["goals"]) == [
        "Follow the upgrade guide",
        "Send the follow-up notes",
        "Write up what to follow",
    ]


def test_hr_finds_a_person_by_a_whole_or_partly_typed_email_address(world_a, api_as):
    org = world_a.organization
    MembershipFactory(organization=org, user=UserFactory(name="Sam Rivera", email="sam@acme.test"))
    MembershipFactory(
        organization=org, user=UserFactory(name="Samuel Ortiz", email="sam.ortiz@acme.test")
    )
    hr = api_as(world_a.hr)
    assert _groups(hr, "sam@acme.test")["people"] == ["Sam Rivera"]
    assert _groups(hr, "sam@acme.te")["people"] == ["Sam Rivera"]
    assert _groups(hr, "sam.ortiz@")["people"] == ["Samuel Ortiz"]
    assert sorted(_groups(hr, "sam")["people"]) == ["Sam Rivera", "Samuel Ortiz"]
    # A colleague does not find people by an address, and not by its parts either.
    assert "people" not in _groups(api_as(world_a.member), "sam@acme.test")


def test_the_last_word_is_matched_as_it_is_typed(world_a, api_as):
    client = api_as(world_a.report)
    for typed in ("design rev", "design r", "desi"):
        assert "Private goal of alpha: run a design review" in _groups(client, typed)["goals"]


def test_a_match_in_the_title_ranks_above_one_in_the_text(world_a, api_as):
    _goals(
        world_a,
        ("Learn the numbers", "So I can own the quarterly budget."),
        ("Own the quarterly budget", ""),
    )
    found = _groups(api_as(world_a.report), "quarterly budget")["goals"]
    assert found == ["Own the quarterly budget", "Learn the numbers"]


@pytest.mark.parametrize(
    ("raw", "terms"),
    [
        ("  Design   REVIEW ", ["design", "review"]),
        ("sam@acme.test", ["sam-acme-test"]),
        ("follow-up, (notes)", ["follow-up", "notes"]),
        ("a & b | !c :* 'x'", ["a", "b", "c", "x"]),
    ],
)
def test_a_query_is_read_as_words_and_nothing_typed_reaches_the_query_syntax(raw, terms):
    from perfapp import search

    assert search.terms_of(raw) == terms


def test_punctuation_alone_is_too_short(world_a, api_as):
    response = api_as(world_a.member).get(API, {"q": "-- @@ .."})
    assert response.status_code == 400
    assert "Type at least 2" in response.json()["error"]["fields"]["q"][0]["message"]


def test_framework_text_in_memory_follows_the_same_rule():
    from perfapp import search

    text = "Runs the follow-up review with sam@acme.test"
    for typed in ("follow-up", "review follow", "sam@acme.te", "RUN"):
        assert search.text_matches(text, search.terms_of(typed)), typed
    for typed in ("up-follow", "review zebra", "acme@sam"):
        assert not search.text_matches(text, search.terms_of(typed)), typed


def test_without_postgres_a_hyphenated_word_is_still_found(world_a, monkeypatch):
    from types import SimpleNamespace

    from perfapp import search

    _goals(world_a, ("Send the follow-up notes", ""))
    monkeypatch.setattr(search, "connection", SimpleNamespace(vendor="sqlite"))
    with world_a.scope():
        found = search.matching(Goal.objects.all(), ["title"], search.terms_of("follow-up"))
        assert [goal.title for goal in found] == ["Send the follow-up notes"]
