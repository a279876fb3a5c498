import pytest
from django_scopes import ScopeError

from perfapp.orgs.models import Membership, Team
from perfapp.tenancy.scoping import organization_scope, scopes_disabled


def test_queries_outside_a_scope_fail_closed(world_a):
    with pytest.raises(ScopeError):
        list(Membership.objects.all())
    with pytest.raises(ScopeError):
        Team.objects.filter(name="x").exists()


def test_a_scope_shows_only_its_own_organization(world_a, world_b):
    with world_a.scope():
        people = set(Membership.objects.values_list("organization_id", flat=True))
        assert people == {world_a.organization.pk}
        assert not Team.objects.filter(pk=world_b.team.pk).exists()


def test_a_scope_of_none_is_refused_rather_than_meaning_every_organization(world_a):
    with pytest.raises(ValueError), organization_scope(None):
        pass


def test_crossing_tenants_needs_the_explicit_bypass(world_a, world_b):
    with scopes_disabled():
        assert Membership.objects.count() == 10
