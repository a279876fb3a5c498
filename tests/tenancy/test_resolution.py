"""Resolving the tenant: the one statement perfapp/tenancy/resolution.py writes itself must
answer exactly what the ORM query it replaced answers, in every case that matters."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from perfapp.orgs.models import Membership
from perfapp.orgs.selectors import with_manager_flag
from perfapp.tenancy.resolution import active_membership_for
from perfapp.tenancy.scoping import scopes_disabled

from ..factories import MembershipFactory


def by_the_orm(user, slug) -> Membership | None:
    with scopes_disabled():
        return (
            with_manager_flag(Membership.objects.select_related("organization", "team"))
            .filter(organization__slug=slug, user=user, is_active=True)
            .first()
        )


def same(found: Membership, expected: Membership) -> None:
    fields = [f.attname for f in Membership._meta.concrete_fields]
    assert [getattr(found, f) for f in fields] == [getattr(expected, f) for f in fields]
    org_fields = [f.attname for f in found.organization._meta.concrete_fields]
    assert [getattr(found.organization, f) for f in org_fields] == [
        getattr(expected.organization, f) for f in org_fields
    ]
    if expected.team is None:
        assert found.team is None
    else:
        team_fields = [f.attname for f in found.team._meta.concrete_fields]
        assert [getattr(found.team, f) for f in team_fields] == [
            getattr(expected.team, f) for f in team_fields
        ]
    assert found.has_reports is expected.has_reports
    assert found.is_manager is expected.has_reports


@pytest.mark.parametrize("who", ["owner", "hr", "manager", "report", "member"])
def test_each_person_resolves_as_the_orm_reads_them_in_one_query(who, world_a):
    person = getattr(world_a, who)
    with CaptureQueriesContext(connection) as queries:
        found = active_membership_for(person.user, "alpha")
    assert len(queries) == 1
    same(found, by_the_orm(person.user, "alpha"))
    assert found.user is person.user  # the session's user, not read again
    with CaptureQueriesContext(connection) as queries:
        assert found.organization.slug == "alpha" and found.name == person.name
        found.team  # noqa: B018  (read with the membership, costs nothing)
    assert len(queries) == 0


@pytest.mark.parametrize("prepared", [True, False])
def test_the_query_is_prepared_once_per_connection_and_answers_the_same(
    prepared, world_a, world_b, settings
):
    """Prepared on Postgres (the slug and the user as its parameters), or run as written
    behind pgbouncer: the same answers, another organization's slug included."""
    settings.DATABASE_PREPARED_STATEMENTS = prepared
    for person, slug in ((world_a.manager, "alpha"), (world_b.member, "beta")):
        with CaptureQueriesContext(connection) as queries:
            found = active_membership_for(person.user, slug)
        same(found, by_the_orm(person.user, slug))
        [sent] = queries.captured_queries
        assert sent["sql"].startswith("EXECUTE perfapp_" if prepared else "SELECT m.")
        assert f"'{slug}'" in sent["sql"]
    with pytest.raises(Http404):
        active_membership_for(world_a.member.user, "beta")


def test_a_manager_whose_only_report_left_has_no_reports(world_a):
    with scopes_disabled():
        Membership.objects.filter(manager=world_a.manager).update(is_active=False)
    found = active_membership_for(world_a.manager.user, "alpha")
    assert found.has_reports is False and found.is_manager is False
    same(found, by_the_orm(world_a.manager.user, "alpha"))


def test_a_person_without_a_team_resolves_with_none(world_a):
    with scopes_disabled():
        Membership.objects.filter(pk=world_a.member.pk).update(team=None)
    found = active_membership_for(world_a.member.user, "alpha")
    assert found.team is None and found.team_id is None


def test_a_deactivated_membership_answers_404_on_the_next_request(world_a):
    assert active_membership_for(world_a.member.user, "alpha").pk == world_a.member.pk
    with scopes_disabled():
        Membership.objects.filter(pk=world_a.member.pk).update(is_active=False)
    with pytest.raises(Http404):
        active_membership_for(world_a.member.user, "alpha")


def test_a_changed_role_is_read_on_the_next_request(world_a):
    with scopes_disabled():
        Membership.objects.filter(pk=world_a.member.pk).update(role="hr_admin")
    assert active_membership_for(world_a.member.user, "alpha").role == "hr_admin"


def test_another_organization_an_unknown_slug_and_no_user_all_answer_404(world_a, world_b):
    for user, slug in (
        (world_a.member.user, "beta"),  # a member of alpha, not of beta
        (world_a.member.user, "no-such-org"),
        (AnonymousUser(), "alpha"),
    ):
        with pytest.raises(Http404):
            active_membership_for(user, slug)


def test_the_same_person_in_two_organizations_gets_each_membership(world_a, world_b):
    second = MembershipFactory(organization=world_b.organization, user=world_a.member.user)
    assert active_membership_for(world_a.member.user, "alpha").pk == world_a.member.pk
    found = active_membership_for(world_a.member.user, "beta")
    assert found.pk == second.pk and found.organization_id == world_b.organization.pk
