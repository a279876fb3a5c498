"""The REST API integrators use: members, teams, invitations and /me/."""

import pytest
from django.urls import reverse

from perfapp.orgs.models import Invitation, Membership, Team
from perfapp.orgs.roles import Role
from perfapp.tenancy.scoping import scopes_disabled

from ..factories import MembershipFactory, UserFactory
from ..helpers import org_url


def test_members_list_shows_one_organization_with_their_lines(world_a, world_b, api_as):
    body = api_as(world_a.member).get(org_url("api:member-list")).json()
    ids = {row["id"] for row in body["results"]}
    assert world_a.report.pk in ids and world_b.report.pk not in ids
    report = next(r for r in body["results"] if r["id"] == world_a.report.pk)
    assert report["manager"] == {"id": world_a.manager.pk, "name": world_a.manager.name}
    assert report["team"]["name"] == world_a.team.name
    manager = next(r for r in body["results"] if r["id"] == world_a.manager.pk)
    assert manager["is_manager"] is True and report["is_manager"] is False


def _add_people(world, count):
    users = UserFactory._meta.model.objects.bulk_create(
        UserFactory._meta.model(email=f"api{i}@{world.organization.slug}.test", name=f"Api {i}")
        for i in range(count)
    )
    Membership.objects.bulk_create(
        Membership(organization=world.organization, user=u, manager=world.manager, team=world.team)
        for u in users
    )


@pytest.mark.parametrize("size", [50, 5000])
def test_members_list_has_a_fixed_query_budget_and_stable_cursor_pages(
    size, world_a, api_as, django_assert_max_num_queries
):
    _add_people(world_a, size)
    client = api_as(world_a.hr)
    with django_assert_max_num_queries(6):
        first = client.get(org_url("api:member-list"), {"page_size": 20}).json()
    assert len(first["results"]) == 20 and first["next"]
    with django_assert_max_num_queries(6):
        second = client.get(first["next"]).json()
    first_ids = [row["id"] for row in first["results"]]
    second_ids = [row["id"] for row in second["results"]]
    assert first_ids == sorted(first_ids) and second_ids[0] > first_ids[-1]


def test_page_size_is_capped(world_a, api_as):
    _add_people(world_a, 300)
    body = api_as(world_a.hr).get(org_url("api:member-list"), {"page_size": 1000}).json()
    assert len(body["results"]) == 200


def test_members_filter_by_manager_and_rejects_a_malformed_filter(world_a, api_as):
    client = api_as(world_a.hr)
    rows = client.get(org_url("api:member-list"), {"manager": world_a.manager.pk}).json()["results"]
    assert [row["id"] for row in rows] == [world_a.report.pk]
    bad = client.get(org_url("api:member-list"), {"manager": "x"})
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"]["manager"][0]["message"] == "Give a numeric id."


def test_hr_changes_a_person_through_the_api(world_a, api_as):
    response = api_as(world_a.hr).patch(
        org_url("api:member-detail", pk=world_a.member.pk),
        {"manager": world_a.manager.pk, "job_title": "Staff Designer"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["manager"]["id"] == world_a.manager.pk
    assert response.json()["job_title"] == "Staff Designer"


@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        ({"role": "emperor"}, "role", "invalid_choice"),
        ({"manager": 999999}, "manager", "does_not_exist"),
        ({"time_zone": "Mars/Base"}, "time_zone", "invalid"),
        ({"job_title": "x" * 200}, "job_title", "max_length"),
    ],
)
def test_bad_member_changes_get_the_error_envelope_and_change_nothing(
    world_a, api_as, payload, field, code
):
    response = api_as(world_a.hr).patch(
        org_url("api:member-detail", pk=world_a.member.pk), payload, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["fields"][field][0]["code"] == code
    with scopes_disabled():
        member = Membership.objects.get(pk=world_a.member.pk)
    assert (member.role, member.manager_id, member.job_title) == (Role.MEMBER, None, "Designer")


def test_a_manager_id_from_another_organization_is_does_not_exist(world_a, world_b, api_as):
    response = api_as(world_a.hr).patch(
        org_url("api:member-detail", pk=world_a.member.pk),
        {"manager": world_b.manager.pk},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["manager"][0]["code"] == "does_not_exist"


def test_a_reporting_loop_through_the_api_is_a_400(world_a, api_as):
    response = api_as(world_a.hr).patch(
        org_url("api:member-detail", pk=world_a.manager.pk),
        {"manager": world_a.report.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "loop" in response.json()["error"]["fields"]["manager"][0]["message"]


def test_deactivate_and_reactivate_through_the_api(world_a, api_as):
    client = api_as(world_a.hr)
    assert (
        client.post(org_url("api:member-deactivate", pk=world_a.member.pk)).json()["is_active"]
        is False
    )
    again = client.post(org_url("api:member-deactivate", pk=world_a.member.pk))
    assert again.status_code == 400 and "already deactivated" in again.json()["error"]["message"]
    assert (
        client.post(org_url("api:member-reactivate", pk=world_a.member.pk)).json()["is_active"]
        is True
    )


def test_teams_crud_and_duplicate_names(world_a, api_as):
    client = api_as(world_a.hr)
    created = client.post(org_url("api:team-list"), {"name": "Data"}, format="json")
    assert created.status_code == 201 and created.json()["member_count"] == 0
    duplicate = client.post(org_url("api:team-list"), {"name": "DATA"}, format="json")
    assert duplicate.status_code == 400
    assert "already a team" in duplicate.json()["error"]["fields"]["name"][0]["message"]
    team_id = created.json()["id"]
    renamed = client.patch(
        org_url("api:team-detail", pk=team_id), {"name": "Data Science"}, format="json"
    )
    assert renamed.json()["name"] == "Data Science"
    assert client.delete(org_url("api:team-detail", pk=team_id)).status_code == 204
    with scopes_disabled():
        assert not Team.objects.filter(pk=team_id).exists()


def test_invitations_through_the_api(
    world_a, api_as, mailoutbox, django_capture_on_commit_callbacks
):
    client = api_as(world_a.hr)
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            org_url("api:invitation-list"),
            {"email": "New.Person@Example.com", "role": "member", "manager": world_a.manager.pk},
            format="json",
        )
    assert created.status_code == 201 and created.json()["status"] == "pending"
    assert mailoutbox[-1].to == ["new.person@example.com"]
    duplicate = client.post(
        org_url("api:invitation-list"), {"email": "new.person@example.com"}, format="json"
    )
    assert duplicate.status_code == 400
    member = client.post(
        org_url("api:invitation-list"), {"email": world_a.member.user.email}, format="json"
    )
    assert "already a member" in member.json()["error"]["fields"]["email"][0]["message"]
    revoked = client.post(org_url("api:invitation-revoke", pk=created.json()["id"]))
    assert revoked.json()["status"] == "revoked"
    with scopes_disabled():
        assert Invitation.objects.filter(email="new.person@example.com").count() == 1


def test_me_says_who_i_am_and_where_else_i_belong(world_a, world_b, api_as):
    from ..factories import MembershipFactory

    MembershipFactory(organization=world_b.organization, user=world_a.manager.user)
    body = api_as(world_a.manager).get(org_url("api:me-list")).json()
    assert body["member"]["id"] == world_a.manager.pk
    assert body["member"]["is_manager"] is True
    assert body["organization"]["slug"] == "alpha"
    assert {o["slug"] for o in body["organizations"]} == {"alpha", "beta"}
    assert body["permissions"] == []


def test_malformed_json_is_a_400_with_the_envelope(world_a, api_as):
    response = api_as(world_a.hr).generic(
        "PATCH",
        org_url("api:member-detail", pk=world_a.member.pk),
        "{not json",
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_request"


def test_a_bad_token_is_refused_with_the_envelope(world_a, api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token nope")
    response = api_client.get(org_url("api:member-list"))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_session_authentication_works_for_the_browser(world_a, client):
    client.force_login(world_a.member.user)
    assert client.get(org_url("api:me-list")).status_code == 200


def test_openapi_schema_and_docs_are_served_locally(client):
    schema = client.get(reverse("api:schema"))
    assert schema.status_code == 200
    assert b"/api/v1/orgs/{org_slug}/members/" in schema.content
    docs = client.get(reverse("api:docs"))
    html = docs.content.decode()
    assert docs.status_code == 200
    assert "cdn" not in html.lower() and "/static/drf_spectacular_sidecar/" in html
    nonce = docs["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in html


def test_every_file_the_docs_page_asks_for_is_served_and_from_here(client):
    """The icon included: nothing the page names answers 404 or lives elsewhere."""
    import re

    html = client.get(reverse("api:docs")).content.decode()
    assets = re.findall(r'(?:href|src)="([^"]+)"', html)
    assert any("favicon" in asset for asset in assets)
    for asset in assets:
        assert asset.startswith("/"), asset
        assert client.get(asset).status_code == 200, asset


def test_favicon_ico_leads_to_the_products_icon(client):
    """Browsers ask /favicon.ico where a page names no icon (the schema's JSON)."""
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")
    assert client.get(response["Location"]).status_code == 200


def test_there_is_no_redoc_page(client):
    """ReDoc needs inline styles and fonts from elsewhere, which the policy refuses."""
    assert client.get("/api/redoc/").status_code == 404


def test_the_openapi_schema_is_valid_and_has_no_warnings(db, tmp_path):
    from django.core.management import call_command

    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert "/api/v1/orgs/{org_slug}/invitations/{id}/revoke/" in target.read_text()


# --- email addresses: "Only you and HR see your email address" -----------------------------


def _emails(client, **params) -> dict[int, str | None]:
    rows = client.get(org_url("api:member-list"), params).json()["results"]
    return {row["id"]: row["email"] for row in rows}


@pytest.mark.parametrize("role", ["member", "report", "manager"])
def test_a_colleague_or_manager_reads_no_email_but_their_own(role, world_a, api_as):
    """Not a peer, not the manager of the people listed: only the reader's own address."""
    viewer = getattr(world_a, role)
    client = api_as(viewer)
    emails = _emails(client)
    assert emails.pop(viewer.pk) == viewer.user.email
    assert len(emails) >= 4 and set(emails.values()) == {None}
    report = client.get(org_url("api:member-detail", pk=world_a.report.pk)).json()
    assert report["email"] == (world_a.report.user.email if role == "report" else None)
    me = client.get(org_url("api:me-list")).json()
    assert me["member"]["email"] == viewer.user.email


@pytest.mark.parametrize("role", ["hr", "owner"])
def test_hr_and_the_owner_read_every_email(role, world_a, world_b, api_as):
    client = api_as(getattr(world_a, role))
    emails = _emails(client, include_inactive="1")
    assert emails[world_a.report.pk] == world_a.report.user.email
    assert None not in emails.values() and world_b.report.user.email not in emails.values()
    detail = client.get(org_url("api:member-detail", pk=world_a.member.pk)).json()
    assert detail["email"] == world_a.member.user.email


def test_a_change_by_hr_answers_with_the_email_and_a_member_of_both_reads_only_their_own(
    world_a, world_b, api_as
):
    changed = api_as(world_a.hr).patch(
        org_url("api:member-detail", pk=world_a.member.pk), {"job_title": "Lead"}, format="json"
    )
    assert changed.json()["email"] == world_a.member.user.email
    # HR in one organization is a colleague in another: no one's address there.
    both = MembershipFactory(organization=world_b.organization, user=world_a.hr.user)
    emails = (
        api_as(both).get(reverse("api:member-list", kwargs={"org_slug": "beta"})).json()["results"]
    )
    assert {row["email"] for row in emails if row["id"] != both.pk} == {None}


def test_people_search_finds_by_email_only_for_hr_and_never_shows_one(world_a, api_as):
    address = world_a.report.user.email
    search = reverse("api:search-list", kwargs={"org_slug": "alpha"})
    for who in (world_a.member, world_a.manager, world_a.hr):
        groups = api_as(who).get(search, {"q": address}).json()
        assert address not in str(groups)
    people = [hit["title"] for g in groups if g["key"] == "people" for hit in g["hits"]]
    assert world_a.report.name in people  # HR, the last one asking
