"""Counts compiled once per process answer exactly what the ORM answers."""

import pytest
from django.db.models import Q
from django.utils import timezone

from perfapp.compiled import CompiledCount
from perfapp.notifications.models import Notification
from perfapp.tenancy.scoping import scopes_disabled
from tests.factories import NotificationFactory

unread = CompiledCount(
    lambda organization_id, recipient_id: Notification.objects.filter(
        organization_id=organization_id, recipient_id=recipient_id, read_at__isnull=True
    ),
    params=("organization_id", "recipient_id"),
)


def orm_unread(organization_id, recipient_id) -> int:
    with scopes_disabled():
        return Notification.objects.filter(
            organization_id=organization_id, recipient_id=recipient_id, read_at__isnull=True
        ).count()


def test_the_count_is_the_orms_for_every_person_and_call(world_a, world_b):
    for _ in range(3):
        NotificationFactory(recipient=world_a.manager)
    NotificationFactory(recipient=world_a.manager, read_at=timezone.now())
    NotificationFactory(recipient=world_b.manager)

    for world in (world_a, world_b):
        for person in (world.owner, world.hr, world.manager, world.report, world.member):
            found = unread(organization_id=world.organization.pk, recipient_id=person.pk)
            assert found == orm_unread(world.organization.pk, person.pk)
    assert unread(organization_id=world_a.organization.pk, recipient_id=world_a.manager.pk) == 3


def test_another_organizations_id_finds_nothing_of_this_one(world_a, world_b):
    """The organization is a parameter like the others: a person's notifications are not
    counted under another organization's id."""
    NotificationFactory(recipient=world_a.manager)

    assert unread(organization_id=world_b.organization.pk, recipient_id=world_a.manager.pk) == 0


def test_a_new_notification_counts_on_the_next_call(world_a):
    before = unread(organization_id=world_a.organization.pk, recipient_id=world_a.member.pk)
    NotificationFactory(recipient=world_a.member)

    after = unread(organization_id=world_a.organization.pk, recipient_id=world_a.member.pk)
    assert after == before + 1


def test_a_call_must_name_exactly_the_parameters(world_a):
    with pytest.raises(TypeError, match="organization_id"):
        unread(organization_id=world_a.organization.pk)
    with pytest.raises(TypeError):
        unread(organization_id=1, recipient_id=2, kind=3)


@pytest.mark.parametrize(
    "build",
    [
        # Not used at all: the statement could not change with it.
        lambda organization_id, recipient_id: Notification.objects.filter(
            organization_id=organization_id
        ),
        # Used twice: which position to bind would be a guess.
        lambda organization_id, recipient_id: Notification.objects.filter(
            Q(recipient_id=recipient_id) | Q(pk=recipient_id), organization_id=organization_id
        ),
    ],
    ids=["unused", "twice"],
)
def test_a_parameter_must_appear_exactly_once(world_a, build):
    count = CompiledCount(build, params=("organization_id", "recipient_id"))
    with pytest.raises(ValueError, match="recipient_id"):
        count(organization_id=world_a.organization.pk, recipient_id=world_a.member.pk)
