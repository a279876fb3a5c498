"""Organization B can neither read nor change organization A's objects, through any page,
htmx partial or API endpoint. Every URL pattern must be classified in routes.py."""

import pytest
from django.apps import apps
from django.db import connection, models
from django.urls import reverse

from perfapp.orgs.models import Membership, Organization
from perfapp.tenancy.scoping import scopes_disabled

from .routes import ORG_API, ORG_LOCAL_KEYS, ORG_PAGES, PUBLIC, PUBLIC_PREFIXES, iter_routes

WRITE_METHODS = ("post", "patch", "put", "delete")


def test_every_url_pattern_is_classified():
    unclassified = []
    for route in iter_routes():
        if route.route.startswith(PUBLIC_PREFIXES) or route.name in PUBLIC:
            continue
        if "<slug:org_slug>" in route.route:
            if route.name not in ORG_PAGES and route.name not in ORG_API:
                unclassified.append(f"{route.name or '(unnamed)'}: {route.route}")
            continue
        unclassified.append(f"{route.name or '(unnamed)'}: {route.route}")
    assert not unclassified, (
        "Classify these URLs in tests/isolation/routes.py so the sweep covers them:\n"
        + "\n".join(unclassified)
    )


def test_every_classified_route_still_exists():
    names = {route.name for route in iter_routes()}
    stale = (set(ORG_PAGES) | set(ORG_API) | PUBLIC) - names
    assert not stale


def _tenant_models() -> list[type[models.Model]]:
    """Every model that carries an ``organization``: new apps join the snapshot on their own."""
    return [
        model
        for model in apps.get_models()
        if any(
            field.name == "organization"
            and field.is_relation
            and field.related_model is Organization
            for field in model._meta.concrete_fields
        )
    ]


def snapshot_of(world) -> dict:
    """A fingerprint of every row of every tenant model of the world's organization, every
    column, plus the organization itself: any change B manages to make to A shows up as a
    difference, named by the table it happened in. One query (Postgres), however many
    apps there are."""
    tables = [model._meta.db_table for model in _tenant_models()]
    parts = [
        f"SELECT %s, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
        f'FROM "{table}" t WHERE t.organization_id = %s'
        for table in tables
    ]
    params = []
    for table in tables:
        params += [table, world.organization.pk]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = dict(cursor.fetchall())
        cursor.execute(
            "SELECT name, time_zone, slug FROM orgs_organization WHERE id = %s",
            [world.organization.pk],
        )
        rows["org"] = cursor.fetchone()
    return rows


def test_the_snapshot_covers_every_tenant_model_and_sees_a_change(world_a):
    labels = {model._meta.label for model in _tenant_models()}
    for expected in ("orgs.Membership", "recognition.PointsEntry", "advancement.Case"):
        assert expected in labels
    before = snapshot_of(world_a)
    with scopes_disabled():
        Membership.objects.filter(pk=world_a.member.pk).update(job_title="Changed")
    assert snapshot_of(world_a) != before


def _url(name, world, kwargs_for, slug_world=None):
    kwargs = {"org_slug": (slug_world or world).organization.slug}
    if kwargs_for is not None:
        kwargs.update(kwargs_for(world))
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("name", sorted(ORG_PAGES))
def test_pages_of_another_organization_answer_404(name, world_a, world_b, login):
    client = login(world_b.owner)  # B's most powerful person
    # The URL first: building it may create the object (lazy parts of the world).
    url = _url(name, world_a, ORG_PAGES[name])
    before = snapshot_of(world_a)
    for headers in ({}, {"HX-Request": "true"}):
        assert client.get(url, headers=headers).status_code == 404
    for method in WRITE_METHODS:
        assert getattr(client, method)(url, {"name": "Hacked", "role": "owner"}).status_code == 404
    assert snapshot_of(world_a) == before


@pytest.mark.parametrize(
    "name", sorted(n for n, kw in ORG_PAGES.items() if kw is not None and n not in ORG_LOCAL_KEYS)
)
def test_a_foreign_object_id_under_ones_own_slug_answers_404(name, world_a, world_b, login):
    client = login(world_b.owner)
    # The URL first: building it may create the object (lazy parts of the world).
    url = _url(name, world_a, ORG_PAGES[name], slug_world=world_b)
    before = snapshot_of(world_a)
    assert client.get(url).status_code in (404, 405)  # 405: a POST-only action
    assert client.post(url, {"name": "Hacked", "role": "owner"}).status_code in (404, 405)
    assert snapshot_of(world_a) == before


@pytest.mark.parametrize("name", sorted(ORG_PAGES))
def test_the_sweep_urls_are_real_for_their_own_organization(name, world_a, client):
    """Guards the sweep itself: someone of A reaches every page (private things only open
    to the people involved), so B's 404 really means isolation."""
    url = _url(name, world_a, ORG_PAGES[name])
    statuses = []
    for person in (world_a.owner, world_a.hr, world_a.manager, world_a.report, world_a.member):
        client.force_login(person.user)
        statuses.append(client.get(url).status_code)
    assert any(status in (200, 302, 405) for status in statuses), statuses


@pytest.mark.parametrize("name", sorted(ORG_API))
def test_api_of_another_organization_answers_404(name, world_a, world_b, api_as):
    client = api_as(world_b.owner)
    # The URL first: building it may create the object (lazy parts of the world).
    url = _url(name, world_a, ORG_API[name])
    before = snapshot_of(world_a)
    assert client.get(url).status_code == 404
    for method in WRITE_METHODS:
        response = getattr(client, method)(url, {"name": "Hacked", "role": "owner"}, format="json")
        assert response.status_code in (404, 405), (method, response.status_code)
        if response.status_code == 404:
            assert response.json()["error"]["code"] == "not_found"
    assert snapshot_of(world_a) == before


@pytest.mark.parametrize(
    "name", sorted(n for n, kw in ORG_API.items() if kw is not None and n not in ORG_LOCAL_KEYS)
)
def test_api_foreign_object_id_under_ones_own_slug_answers_404(name, world_a, world_b, api_as):
    client = api_as(world_b.owner)
    # The URL first: building it may create the object (lazy parts of the world).
    url = _url(name, world_a, ORG_API[name], slug_world=world_b)
    before = snapshot_of(world_a)
    assert client.get(url).status_code in (404, 405)
    for method in WRITE_METHODS:
        response = getattr(client, method)(url, {"name": "Hacked"}, format="json")
        assert response.status_code in (404, 405)
    assert snapshot_of(world_a) == before


@pytest.mark.parametrize("name", sorted(ORG_API))
def test_the_api_sweep_urls_are_real_for_their_own_organization(name, world_a, api_as):
    """Someone of A reaches every endpoint (private ones only open to those involved)."""
    url = _url(name, world_a, ORG_API[name])
    statuses = [
        api_as(person).get(url).status_code
        for person in (world_a.owner, world_a.hr, world_a.manager, world_a.report, world_a.member)
    ]
    # 409: results of a cycle that is still open exist, but are not ready yet.
    assert any(status in (200, 405, 409) for status in statuses), statuses


def test_a_deactivated_member_loses_access_at_once(world_a, login, api_as):
    client = login(world_a.member)
    home = reverse("web:home", kwargs={"org_slug": "alpha"})
    assert client.get(home).status_code == 200
    with scopes_disabled():
        Membership.objects.filter(pk=world_a.member.pk).update(is_active=False)
    assert client.get(home).status_code == 404
    members = reverse("api:member-list", kwargs={"org_slug": "alpha"})
    assert api_as(world_a.member).get(members).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in_and_the_api_asks_for_credentials(world_a, client):
    response = client.get(reverse("orgs:people", kwargs={"org_slug": "alpha"}))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    api = client.get(reverse("api:member-list", kwargs={"org_slug": "alpha"}))
    assert api.status_code in (401, 403)
    assert api.json()["error"]["code"] in ("not_authenticated", "authentication_failed")


@pytest.mark.parametrize(
    ("name", "param", "pick"),
    [
        ("advancement:proposal_new", "criterion", lambda w: w.framework.criterion.pk),
        ("advancement:proposal_new", "level", lambda w: w.framework.level.pk),
        ("advancement:proposal_new", "competency", lambda w: w.framework.competency.pk),
        ("advancement:next_level", "person", lambda w: w.report.pk),
        ("development:mentor_ask", "mentor", lambda w: w.member.pk),
        ("development:mentor_ask", "competency", lambda w: w.framework.competency.pk),
    ],
)
def test_foreign_ids_in_the_query_string_answer_404(name, param, pick, world_a, world_b, login):
    client = login(world_b.owner)
    before = snapshot_of(world_a)
    url = reverse(name, kwargs={"org_slug": "beta"})
    assert client.get(url, {param: pick(world_a)}).status_code == 404
    posted = client.post(url, {param: pick(world_a), "proposed_text": "x", "rationale": "y"})
    assert posted.status_code in (404, 405)
    assert snapshot_of(world_a) == before
