"""The people directory and the HR forms, as HR uses them in the browser."""

import pytest

from perfapp.audit.models import AuditEvent
from perfapp.orgs.models import Membership, Team
from perfapp.orgs.roles import Role
from perfapp.tenancy.scoping import scopes_disabled

from ..factories import MembershipFactory, UserFactory
from ..helpers import org_url


def test_directory_lists_people_invitations_and_filters(world_a, world_b, login):
    client = login(world_a.hr)
    page = client.get(org_url("orgs:people")).content.decode()
    assert world_a.report.user.email in page
    assert world_a.invitation.email in page  # waiting to join
    assert world_b.report.user.email not in page
    filtered = client.get(org_url("orgs:people"), {"manager": world_a.manager.pk}).content.decode()
    assert world_a.report.user.email in filtered
    assert world_a.member.user.email not in filtered
    searched = client.get(org_url("orgs:people"), {"q": world_a.member.user.name}).content.decode()
    assert world_a.member.user.email in searched and world_a.report.user.email not in searched


def test_directory_filters_answer_htmx_with_the_results_fragment(world_a, login):
    response = login(world_a.hr).get(
        org_url("orgs:people"), {"q": "nobody-here"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert 'id="results"' in html and "<header" not in html
    assert "Nobody matches" in html


def test_directory_shows_deactivated_people_when_asked(world_a, login):
    with scopes_disabled():
        Membership.objects.filter(pk=world_a.member.pk).update(is_active=False)
    client = login(world_a.hr)
    assert world_a.member.user.email not in client.get(org_url("orgs:people")).content.decode()
    inactive = client.get(org_url("orgs:people"), {"status": "inactive"}).content.decode()
    assert world_a.member.user.email in inactive and "Deactivated" in inactive


@pytest.mark.parametrize("size", [50, 5000])
def test_directory_query_budget_is_fixed(size, world_a, login, django_assert_max_num_queries):
    _add_people(world_a, size)
    client = login(world_a.hr)
    with django_assert_max_num_queries(10):
        response = client.get(org_url("orgs:people"))
    assert response.status_code == 200
    assert f"{size + 5} people" in response.content.decode()


def _add_people(world, count):
    users = UserFactory._meta.model.objects.bulk_create(
        UserFactory._meta.model(
            email=f"bulk{i}@{world.organization.slug}.test", name=f"Bulk {i:05}"
        )
        for i in range(count)
    )
    Membership.objects.bulk_create(
        Membership(
            organization=world.organization, user=user, manager=world.manager, team=world.team
        )
        for user in users
    )


def test_editing_a_person_saves_and_records_the_change(world_a, login):
    client = login(world_a.hr)
    response = client.post(
        org_url("orgs:person", pk=world_a.member.pk),
        {
            "role": Role.HR_ADMIN,
            "manager": world_a.manager.pk,
            "team": world_a.team.pk,
            "job_title": "Lead Designer",
            "time_zone": "",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        member = Membership.objects.get(pk=world_a.member.pk)
        assert AuditEvent.objects.filter(target_id=member.pk, action="member.updated").exists()
    assert (member.role, member.manager_id, member.job_title) == (
        Role.HR_ADMIN,
        world_a.manager.pk,
        "Lead Designer",
    )


def test_a_reporting_loop_is_a_form_error_and_changes_nothing(world_a, login):
    response = login(world_a.hr).post(
        org_url("orgs:person", pk=world_a.manager.pk),
        {
            "role": Role.MEMBER,
            "manager": world_a.report.pk,
            "team": "",
            "job_title": "EM",
            "time_zone": "",
        },
    )
    assert response.status_code == 400
    assert "loop" in response.content.decode()
    with scopes_disabled():
        assert Membership.objects.get(pk=world_a.manager.pk).manager_id == world_a.owner.pk


def test_a_foreign_manager_id_in_the_form_is_rejected(world_a, world_b, login):
    response = login(world_a.hr).post(
        org_url("orgs:person", pk=world_a.member.pk),
        {
            "role": Role.MEMBER,
            "manager": world_b.manager.pk,
            "team": "",
            "job_title": "x",
            "time_zone": "",
        },
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    with scopes_disabled():
        assert Membership.objects.get(pk=world_a.member.pk).manager_id is None


def test_an_unknown_time_zone_is_a_form_error(world_a, login):
    response = login(world_a.hr).post(
        org_url("orgs:person", pk=world_a.member.pk),
        {
            "role": Role.MEMBER,
            "manager": "",
            "team": "",
            "job_title": "x",
            "time_zone": "Mars/Base",
        },
    )
    assert response.status_code == 400


def test_deactivate_page_confirms_then_ends_access(world_a, login, client):
    hr = login(world_a.hr)
    confirm = hr.get(org_url("orgs:person_deactivate", pk=world_a.member.pk))
    assert "Deactivate" in confirm.content.decode() and "stay" in confirm.content.decode()
    assert hr.post(org_url("orgs:person_deactivate", pk=world_a.member.pk)).status_code == 302
    client.force_login(world_a.member.user)
    assert client.get(org_url("web:home")).status_code == 404


def test_teams_page_creates_renames_and_deletes(world_a, login):
    client = login(world_a.hr)
    assert (
        client.post(org_url("orgs:teams"), {"name": "Data", "description": ""}).status_code == 302
    )
    duplicate = client.post(org_url("orgs:teams"), {"name": "data", "description": ""})
    assert duplicate.status_code == 400 and "already a team" in duplicate.content.decode()
    empty = client.post(org_url("orgs:teams"), {"name": "", "description": ""})
    assert empty.status_code == 400
    with scopes_disabled():
        team = Team.objects.get(organization=world_a.organization, name="Data")
    client.post(org_url("orgs:team", pk=team.pk), {"name": "Data Science", "description": "ML"})
    client.post(org_url("orgs:team_delete", pk=world_a.team.pk))
    with scopes_disabled():
        names = set(
            Team.objects.filter(organization=world_a.organization).values_list("name", flat=True)
        )
        assert Membership.objects.get(pk=world_a.report.pk).team_id is None
    assert names == {"Data Science"}


def test_organization_settings_are_saved_and_audited(world_a, login):
    client = login(world_a.hr)
    response = client.post(
        org_url("orgs:settings"), {"name": "Alpha GmbH", "time_zone": "Asia/Tokyo"}
    )
    assert response.status_code == 302
    world_a.organization.refresh_from_db()
    assert world_a.organization.name == "Alpha GmbH"
    bad = client.post(org_url("orgs:settings"), {"name": "", "time_zone": "Nowhere/City"})
    assert bad.status_code == 400
    world_a.organization.refresh_from_db()
    assert world_a.organization.time_zone == "Asia/Tokyo"


def test_another_organizations_member_is_not_in_the_manager_choices(world_a, world_b, login):
    MembershipFactory(organization=world_b.organization)
    html = login(world_a.hr).get(org_url("orgs:invite")).content.decode()
    assert world_b.manager.user.name not in html
    assert world_a.manager.user.name in html
