"""Counts compiled once per process answer exactly what the ORM answers."""

import pytest
from django.db.models import Q
from django.utils import timezone

from perfapp.compiled import CompiledCount, CompiledGet
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


def test_a_compiled_get_builds_the_row_as_the_orm_does(world_a):
    get = CompiledGet(
        lambda organization_id, notification_id: Notification.objects.filter(
            organization_id=organization_id, pk=notification_id
        ),
        params=("organization_id", "notification_id"),
    )
    item = NotificationFactory(recipient=world_a.member)
    found = get(organization_id=world_a.organization.pk, notification_id=item.pk)
    with scopes_disabled():
        expected = Notification.objects.get(pk=item.pk)
    assert {f.attname: getattr(found, f.attname) for f in Notification._meta.concrete_fields} == {
        f.attname: getattr(expected, f.attname) for f in Notification._meta.concrete_fields
    }
    assert get(organization_id=world_a.organization.pk + 1000, notification_id=item.pk) is None


def test_a_compiled_get_refuses_related_objects():
    get = CompiledGet(
        lambda notification_id: Notification.objects.select_related("recipient").filter(
            pk=notification_id
        ),
        params=("notification_id",),
    )
    with pytest.raises(ValueError, match="own fields"):
        get(notification_id=1)
