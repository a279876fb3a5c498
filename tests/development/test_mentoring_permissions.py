"""Who may open and change what in mentoring, person by person, through pages and the API.

A request and a mentorship belong to their two people (the world's report as mentee and
member as mentor): the mentee's manager, the skip-level manager, HR, a peer and anyone
of another organization get 404, and their writes change nothing. Finding a mentor and
offering to mentor are open to everyone. A new mentoring URL fails
``test_every_mentoring_url_is_in_the_matrix`` until it is added here.
"""

import pytest
from django.test import Client
from django.urls import get_resolver, reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from . import growth_roles
from .growth_roles import everyone, post_only
from .test_mentoring_services import state

PEOPLE = ("mentee", "mentor", "manager", "skip_level", "hr", "peer", "other_org")
PARTIES = {"mentee", "mentor"}


ROLES = {
    "mentee": "report",
    "mentor": "member",
    "manager": "manager",
    "skip_level": "owner",
    "hr": "hr",
}


def who(world_a, world_b, name: str):
    return growth_roles.person(world_a, world_b, name, ROLES)


def parties_only(name):
    return 200 if name in PARTIES else 404


def mine_only(name):
    return 200 if name == "mentor" else 404


# name -> (path kwargs, query, expected GET status for a person)
PAGES = {
    "mentoring": (None, None, everyone),
    "mentor_find": (None, lambda w: {"competency": w.framework.competency.pk}, everyone),
    "mentor_offer": (None, None, everyone),
    "mentor_ask": (
        None,
        lambda w: {"mentor": w.member.pk, "competency": w.framework.competency.pk},
        everyone,
    ),
    "mentor_request": (lambda w: {"pk": w.growth.request.pk}, None, parties_only),
    "mentor_request_accept": (lambda w: {"pk": w.growth.request.pk}, None, post_only),
    "mentor_request_decline": (lambda w: {"pk": w.growth.request.pk}, None, post_only),
    "mentor_request_withdraw": (lambda w: {"pk": w.growth.request.pk}, None, post_only),
    "mentorship": (lambda w: {"pk": w.growth.mentorship.pk}, None, parties_only),
    "mentorship_session": (lambda w: {"pk": w.growth.mentorship.pk}, None, post_only),
    "mentorship_goals": (lambda w: {"pk": w.growth.mentorship.pk}, None, post_only),
    "mentorship_close": (lambda w: {"pk": w.growth.mentorship.pk}, None, post_only),
}

# name -> (form data, who may write: the rest get 404 and change nothing)
WRITES = {
    "mentor_request_accept": ({"goals": "Sneaky", "cadence": "weekly"}, {"mentor"}),
    "mentor_request_decline": ({"note": "Sneaky"}, {"mentor"}),
    "mentor_request_withdraw": ({}, {"mentee"}),
    "mentorship_session": ({"held_on": "2020-01-01", "notes": "Sneaky"}, PARTIES),
    "mentorship_goals": ({"goals": "Sneaky", "cadence": "weekly"}, PARTIES),
    "mentorship_close": ({"reflection": "Sneaky"}, PARTIES),
}

API = {
    "mentor-profile-list": (None, lambda w: {"competency": w.framework.competency.pk}, everyone),
    "mentor-profile-detail": (lambda w: {"pk": w.growth.profile.pk}, None, everyone),
    "mentor-profile-mine": (None, None, mine_only),
    "mentorship-request-list": (None, None, everyone),
    "mentorship-request-detail": (lambda w: {"pk": w.growth.request.pk}, None, parties_only),
    "mentorship-request-accept": (lambda w: {"pk": w.growth.request.pk}, None, post_only),
    "mentorship-request-decline": (lambda w: {"pk": w.growth.request.pk}, None, post_only),
    "mentorship-request-withdraw": (lambda w: {"pk": w.growth.request.pk}, None, post_only),
    "mentorship-list": (None, None, everyone),
    "mentorship-detail": (lambda w: {"pk": w.growth.mentorship.pk}, None, parties_only),
    "mentorship-sessions": (lambda w: {"pk": w.growth.mentorship.pk}, None, parties_only),
    "mentorship-close": (lambda w: {"pk": w.growth.mentorship.pk}, None, post_only),
}

API_WRITES = {
    "mentorship-request-accept": ("post", {"goals": "Sneaky"}, {"mentor"}),
    "mentorship-request-decline": ("post", {"note": "Sneaky"}, {"mentor"}),
    "mentorship-request-withdraw": ("post", {}, {"mentee"}),
    "mentorship-sessions": ("post", {"held_on": "2020-01-01"}, PARTIES),
    "mentorship-close": ("post", {"reflection": "Sneaky"}, PARTIES),
    "mentorship-detail": ("patch", {"goals": "Sneaky", "cadence": "weekly"}, PARTIES),
}


def page_url(world, name):
    kwargs, _, _ = PAGES[name]
    return reverse(
        f"development:{name}",
        kwargs={"org_slug": world.organization.slug, **(kwargs(world) if kwargs else {})},
    )


def api_url(world, name):
    kwargs, _, _ = API[name]
    return reverse(
        f"api:{name}",
        kwargs={"org_slug": world.organization.slug, **(kwargs(world) if kwargs else {})},
    )


def test_every_mentoring_url_is_in_the_matrix():
    pages = {
        pattern.name
        for pattern in get_resolver("development.urls").url_patterns
        if pattern.name and pattern.name.startswith("mentor")
    }
    assert pages == set(PAGES)
    api = {
        pattern.name
        for pattern in get_resolver("perfapp.api.urls").url_patterns[-1].url_patterns
        if pattern.name and pattern.name.startswith(("mentor-profile", "mentorship"))
    }
    assert api == set(API)


@pytest.mark.parametrize("person", PEOPLE)
def test_mentoring_pages_by_person(person, world_a, world_b):
    client = Client()
    client.force_login(who(world_a, world_b, person).user)
    got, expected = {}, {}
    for name, (_, query, rule) in PAGES.items():
        got[name] = client.get(page_url(world_a, name), query(world_a) if query else None)
        got[name] = got[name].status_code
        expected[name] = rule(person)
    assert got == expected


@pytest.mark.parametrize("person", PEOPLE)
def test_only_the_right_person_writes(person, world_a, world_b):
    client = Client()
    client.force_login(who(world_a, world_b, person).user)
    for name, (data, writers) in WRITES.items():
        if person in writers:
            continue
        before = state(world_a)
        response = client.post(page_url(world_a, name), data)
        assert response.status_code == 404, (name, response.status_code)
        assert state(world_a) == before, name


def _api_client(membership) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=membership.user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.mark.parametrize("person", PEOPLE)
def test_mentoring_api_by_person(person, world_a, world_b):
    client = _api_client(who(world_a, world_b, person))
    got, expected = {}, {}
    for name, (_, query, rule) in API.items():
        got[name] = client.get(api_url(world_a, name), query(world_a) if query else None)
        got[name] = got[name].status_code
        expected[name] = rule(person)
    assert got == expected


@pytest.mark.parametrize("person", PEOPLE)
def test_only_the_right_person_writes_through_the_api(person, world_a, world_b):
    client = _api_client(who(world_a, world_b, person))
    for name, (method, data, writers) in API_WRITES.items():
        if person in writers:
            continue
        before = state(world_a)
        response = getattr(client, method)(api_url(world_a, name), data, format="json")
        assert response.status_code == 404, (name, response.status_code)
        assert response.json()["error"]["code"] == "not_found"
        assert state(world_a) == before, name
