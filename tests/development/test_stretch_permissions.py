"""Who may open and change what in stretch assignments, person by person, through pages
and the API.

The world's opportunity is posted by the manager and open to everyone; the report is
interested. Posting is for managers and HR; managing (editing, choosing, completing,
cancelling, reading who is interested) for the owner and HR; an interest is the person's
own. Anyone of another organization gets 404. A new stretch URL fails
``test_every_stretch_url_is_in_the_matrix`` until it is added here.
"""

import pytest
from django.test import Client
from django.urls import get_resolver, reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from ..factories import MembershipFactory
from . import growth_roles
from .growth_roles import everyone, post_only
from .test_stretch_services import state

# The owner of the organization is the manager's manager (skip-level) and, as an owner,
# holds HR's growth permission too.
PEOPLE = ("owner_of_it", "interested", "skip_level", "hr", "peer", "other_org")
MANAGERS = {"owner_of_it", "skip_level", "hr"}


ROLES = {
    "owner_of_it": "manager",
    "interested": "report",
    "skip_level": "owner",
    "hr": "hr",
}


def who(world_a, world_b, name: str):
    return growth_roles.person(world_a, world_b, name, ROLES)


def managers(name):
    return 200 if name in MANAGERS else 404


def interest_readers(name):
    return 200 if name in MANAGERS | {"interested"} else 404


OPPORTUNITY = lambda w: {"pk": w.growth.opportunity.pk}  # noqa: E731
INTEREST = lambda w: {"pk": w.growth.interest.pk}  # noqa: E731

PAGES = {
    "opportunities": (None, everyone),
    "opportunities_mine": (None, everyone),
    "opportunities_posted": (None, everyone),
    "opportunity_new": (None, managers),
    "opportunity": (OPPORTUNITY, everyone),
    "opportunity_edit": (OPPORTUNITY, managers),
    "opportunity_interest": (OPPORTUNITY, post_only),
    "opportunity_choose": (OPPORTUNITY, post_only),
    "opportunity_complete": (OPPORTUNITY, post_only),
    "opportunity_cancel": (OPPORTUNITY, post_only),
    "interest_withdraw": (INTEREST, post_only),
    "interest_outcome": (INTEREST, post_only),
}

# name -> (form data, who may write; everyone else gets 404 and changes nothing)
WRITES = {
    "opportunity_new": (
        lambda w: {
            "title": "Sneaky",
            "description": "x",
            "competencies": [w.framework.competency.pk],
            "commitment": "light",
            "duration_weeks": "2",
            "seats": "1",
            "audience": "everyone",
        },
        MANAGERS,
    ),
    "opportunity_edit": (lambda w: {"title": "Sneaky"}, MANAGERS),
    "opportunity_choose": (lambda w: {"interests": [w.growth.interest.pk]}, MANAGERS),
    "opportunity_complete": (lambda w: {"outcome": "Sneaky"}, MANAGERS),
    "opportunity_cancel": (lambda w: {}, MANAGERS),
    "interest_withdraw": (lambda w: {}, {"interested"}),
    "interest_outcome": (lambda w: {"outcome": "Sneaky"}, {"interested"}),
}

API = {
    "opportunity-list": (None, everyone),
    "opportunity-detail": (OPPORTUNITY, everyone),
    "opportunity-interests": (OPPORTUNITY, managers),
    "opportunity-choose": (OPPORTUNITY, post_only),
    "opportunity-complete": (OPPORTUNITY, post_only),
    "opportunity-cancel": (OPPORTUNITY, post_only),
    "stretch-interest-list": (None, everyone),
    "stretch-interest-detail": (INTEREST, interest_readers),
    "stretch-interest-withdraw": (INTEREST, post_only),
    "stretch-interest-outcome": (INTEREST, post_only),
}

API_WRITES = {
    "opportunity-list": (
        "post",
        lambda w: {
            "title": "Sneaky",
            "description": "x",
            "competencies": [w.framework.competency.pk],
            "commitment": "light",
            "duration_weeks": 2,
        },
        MANAGERS,
    ),
    "opportunity-detail": ("patch", lambda w: {"title": "Sneaky"}, MANAGERS),
    "opportunity-choose": ("post", lambda w: {"interests": [w.growth.interest.pk]}, MANAGERS),
    "opportunity-complete": ("post", lambda w: {"outcome": "Sneaky"}, MANAGERS),
    "opportunity-cancel": ("post", lambda w: {}, MANAGERS),
    "stretch-interest-withdraw": ("post", lambda w: {}, {"interested"}),
    "stretch-interest-outcome": ("post", lambda w: {"outcome": "Sneaky"}, {"interested"}),
}


def _url(namespace, table, world, name):
    kwargs = table[name][0]
    return reverse(
        f"{namespace}:{name}",
        kwargs={"org_slug": world.organization.slug, **(kwargs(world) if kwargs else {})},
    )


def test_every_stretch_url_is_in_the_matrix():
    pages = {
        pattern.name
        for pattern in get_resolver("development.urls").url_patterns
        if pattern.name and pattern.name.startswith(("opportunit", "interest"))
    }
    assert pages == set(PAGES)
    api = {
        pattern.name
        for pattern in get_resolver("perfapp.api.urls").url_patterns[-1].url_patterns
        if pattern.name and pattern.name.startswith(("opportunity", "stretch-interest"))
    }
    assert api == set(API)


@pytest.mark.parametrize("person", PEOPLE)
def test_stretch_pages_by_person(person, world_a, world_b):
    client = Client()
    client.force_login(who(world_a, world_b, person).user)
    got = {
        name: client.get(_url("development", PAGES, world_a, name)).status_code for name in PAGES
    }
    assert got == {name: rule(person) for name, (_, rule) in PAGES.items()}


@pytest.mark.parametrize("person", PEOPLE)
def test_only_the_right_person_writes(person, world_a, world_b):
    client = Client()
    client.force_login(who(world_a, world_b, person).user)
    for name, (data, writers) in WRITES.items():
        if person in writers:
            continue
        before = state(world_a)
        response = client.post(_url("development", PAGES, world_a, name), data(world_a))
        assert response.status_code == 404, (name, response.status_code)
        assert state(world_a) == before, name


def _api_client(membership) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=membership.user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.mark.parametrize("person", PEOPLE)
def test_stretch_api_by_person(person, world_a, world_b):
    client = _api_client(who(world_a, world_b, person))
    got = {name: client.get(_url("api", API, world_a, name)).status_code for name in API}
    assert got == {name: rule(person) for name, (_, rule) in API.items()}


@pytest.mark.parametrize("person", PEOPLE)
def test_only_the_right_person_writes_through_the_api(person, world_a, world_b):
    client = _api_client(who(world_a, world_b, person))
    for name, (method, data, writers) in API_WRITES.items():
        if person in writers:
            continue
        before = state(world_a)
        response = getattr(client, method)(
            _url("api", API, world_a, name), data(world_a), format="json"
        )
        assert response.status_code == 404, (name, response.status_code)
        assert response.json()["error"]["code"] == "not_found"
        assert state(world_a) == before, name


def test_an_opportunity_for_another_team_is_hidden_from_everyone_else(world_a, world_b):
    from development.services import stretch

    from ..factories import TeamFactory

    sales = TeamFactory(organization=world_a.organization, name="Sales")
    seller = MembershipFactory(organization=world_a.organization, team=sales)
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
    page = reverse("development:opportunity", kwargs={"org_slug": "alpha", "pk": hidden.pk})
    api = reverse("api:opportunity-detail", kwargs={"org_slug": "alpha", "pk": hidden.pk})
    for person, status in (
        (seller, 200),
        (world_a.hr, 200),
        (world_a.owner, 200),
        (world_a.manager, 404),
        (world_a.report, 404),
    ):
        client = Client()
        client.force_login(person.user)
        assert client.get(page).status_code == status, person
        assert _api_client(person).get(api).status_code == status, person
