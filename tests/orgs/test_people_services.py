"""Reporting lines, roles and deactivation: the rules HR relies on."""

import pytest
from django.core.exceptions import ValidationError

from perfapp.audit.models import AuditAction, AuditEvent
from perfapp.notifications.models import OutboxMessage
from perfapp.orgs import services
from perfapp.orgs.models import Membership, Organization
from perfapp.orgs.roles import Role
from perfapp.tenancy.scoping import scopes_disabled

from ..factories import MembershipFactory, UserFactory


def fresh(membership):
    with scopes_disabled():
        return Membership.objects.get(pk=membership.pk)


def test_changing_a_manager_is_audited_and_both_people_are_told(world_a):
    with world_a.scope():
        services.update_membership(
            actor=world_a.hr, membership=world_a.member, manager=world_a.manager
        )
        event = AuditEvent.objects.get(
            action=AuditAction.MEMBER_UPDATED, target_id=world_a.member.pk
        )
        told = set(OutboxMessage.objects.values_list("recipient_id", "kind"))
    assert fresh(world_a.member).manager == world_a.manager
    assert event.actor == world_a.hr
    assert event.changes["manager"] == [None, world_a.manager.name]
    assert (world_a.member.pk, "people.role_changed") in told
    assert (world_a.manager.pk, "people.new_report") in told


@pytest.mark.parametrize(
    ("person", "new_manager", "message"),
    [
        ("manager", "manager", "own manager"),
        ("manager", "report", "loop"),  # report → manager → report
        ("owner", "report", "loop"),  # report → manager → owner → report
    ],
)
def test_reporting_loops_and_self_management_are_refused(world_a, person, new_manager, message):
    before = fresh(getattr(world_a, person)).manager_id
    with world_a.scope(), pytest.raises(ValidationError, match=message):
        services.update_membership(
            actor=world_a.owner,
            membership=getattr(world_a, person),
            manager=getattr(world_a, new_manager),
        )
    assert fresh(getattr(world_a, person)).manager_id == before


def test_a_manager_from_another_organization_is_refused(world_a, world_b):
    with world_a.scope(), pytest.raises(ValidationError, match="same organization"):
        services.validate_manager(world_a.member, world_b.manager)


def test_only_owners_make_owners_and_the_last_owner_stays(world_a):
    with world_a.scope():
        with pytest.raises(ValidationError, match="Only an owner"):
            services.update_membership(actor=world_a.hr, membership=world_a.member, role=Role.OWNER)
        with pytest.raises(ValidationError, match="at least one active owner"):
            services.update_membership(
                actor=world_a.owner, membership=world_a.owner, role=Role.MEMBER
            )
        services.update_membership(actor=world_a.owner, membership=world_a.member, role=Role.OWNER)
        new_owner = fresh(world_a.member)
        services.update_membership(actor=new_owner, membership=world_a.owner, role=Role.MEMBER)
    assert fresh(world_a.owner).role == Role.MEMBER
    assert fresh(world_a.member).role == Role.OWNER


def test_deactivation_keeps_data_moves_reports_up_and_can_be_undone(world_a):
    with world_a.scope():
        services.deactivate_membership(actor=world_a.hr, membership=world_a.manager)
        report = fresh(world_a.report)
        assert report.manager == world_a.owner  # moved up to the manager's manager
        manager = fresh(world_a.manager)
        assert not manager.is_active and manager.deactivated_at is not None
        assert AuditEvent.objects.filter(action=AuditAction.MEMBER_DEACTIVATED).count() == 1
        services.reactivate_membership(actor=world_a.hr, membership=world_a.manager)
    assert fresh(world_a.manager).is_active


def test_you_cannot_deactivate_yourself_or_the_last_owner(world_a):
    with world_a.scope():
        with pytest.raises(ValidationError, match="yourself"):
            services.deactivate_membership(actor=world_a.hr, membership=world_a.hr)
        with pytest.raises(ValidationError, match="Only an owner"):
            services.deactivate_membership(actor=world_a.hr, membership=world_a.owner)
    assert fresh(world_a.owner).is_active and fresh(world_a.hr).is_active


def test_sign_up_creates_an_organization_owned_by_its_creator(db):
    user = UserFactory()
    organization = services.create_organization(owner=user, name="Acme Robotics")
    assert organization.slug == "acme-robotics"
    with scopes_disabled():
        membership = Membership.objects.get(organization=organization)
    assert membership.user == user and membership.role == Role.OWNER
    second = services.create_organization(owner=UserFactory(), name="Acme Robotics")
    assert second.slug == "acme-robotics-2"
    assert Organization.objects.count() == 2


def test_teams_have_unique_names_per_organization_only(world_a, world_b):
    with world_a.scope():
        with pytest.raises(ValidationError, match="already a team"):
            services.create_team(actor=world_a.hr, name=world_a.team.name.upper())
        services.create_team(actor=world_a.hr, name=world_b.team.name)


def test_a_user_may_belong_to_several_organizations(world_a, world_b):
    user = world_a.member.user
    MembershipFactory(organization=world_b.organization, user=user)
    from perfapp.orgs.selectors import organizations_of

    assert {o.slug for o in organizations_of(user)} == {"alpha", "beta"}
