"""Counts compiled once per process answer exactly what the ORM answers."""

import dataclasses
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from perfapp import compiled
from perfapp.compiled import CompiledCount, CompiledGet, CompiledQuery
from perfapp.notifications.models import Notification
from perfapp.orgs.models import Membership
from perfapp.tenancy.scoping import organization_scope, scopes_disabled
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


def test_a_parameter_must_reach_the_statement(world_a):
    """Not used at all: the statement could not change with it."""
    count = CompiledCount(
        lambda organization_id, recipient_id: Notification.objects.filter(
            organization_id=organization_id
        ),
        params=("organization_id", "recipient_id"),
    )
    with pytest.raises(ValueError, match="recipient_id"):
        count(organization_id=world_a.organization.pk, recipient_id=world_a.member.pk)


def test_a_parameter_used_twice_is_bound_in_both_places(world_a, world_b):
    count = CompiledCount(
        lambda organization_id, recipient_id: Notification.objects.filter(
            Q(recipient_id=recipient_id) | Q(recipient__manager_id=recipient_id),
            organization_id=organization_id,
        ),
        params=("organization_id", "recipient_id"),
    )
    NotificationFactory(recipient=world_a.member)
    NotificationFactory(recipient=world_a.member)
    NotificationFactory(recipient=world_a.report)  # the manager's report: the second place
    org = world_a.organization.pk
    for person in (world_a.member, world_a.manager):
        with scopes_disabled():
            expected = Notification.objects.filter(
                Q(recipient=person) | Q(recipient__manager=person), organization_id=org
            ).count()
        assert count(organization_id=org, recipient_id=person.pk) == expected
    # The manager has none of their own: what is counted came through the second place.
    assert count(organization_id=org, recipient_id=world_a.manager.pk) > 0


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


def _recent(organization_id, recipient_ids, since, me):
    """Notifications of some people since a time, the reader's first, with their
    recipient and user, an annotation from a parameter and a count: the kinds of query
    the home panels compile."""
    return (
        Notification.objects.filter(
            organization_id=organization_id, recipient_id__in=recipient_ids, created_at__gte=since
        )
        .select_related("recipient__user")
        .annotate(
            mine=Case(
                When(recipient_id=me, then=Value(0)), default=Value(1), output_field=IntegerField()
            ),
            siblings=Count("recipient__notifications"),
        )
        .order_by("mine", "-created_at", "-id")
    )


recent = CompiledQuery(_recent, params=("organization_id", "recipient_ids", "since", "me"))


def _same(found, expected):
    def row(n):
        fields = {f.attname: getattr(n, f.attname) for f in Notification._meta.concrete_fields}
        return fields, n.mine, n.siblings, n.recipient.pk, n.recipient.user.email

    assert [row(n) for n in found] == [row(n) for n in expected]


def test_a_compiled_query_builds_the_rows_as_the_orm_does(
    world_a, world_b, django_assert_num_queries
):
    now = timezone.now()
    for person in (world_a.member, world_a.manager, world_a.report, world_b.member):
        NotificationFactory(recipient=person)
        NotificationFactory(recipient=person, created_at=now - timedelta(days=10))
    org = world_a.organization.pk
    for ids, since, me in (
        ([world_a.member.pk, world_a.manager.pk], now - timedelta(days=1), world_a.manager.pk),
        (
            [world_a.member.pk, world_a.manager.pk, world_a.report.pk],
            now - timedelta(days=30),
            world_a.report.pk,
        ),
        ([world_a.report.pk, world_a.report.pk], now - timedelta(days=30), world_a.member.pk),
        ([world_b.member.pk], now - timedelta(days=30), world_b.member.pk),  # another tenant's
    ):
        with django_assert_num_queries(1):  # the related objects come with the rows
            found = recent(organization_id=org, recipient_ids=ids, since=since, me=me)
            [(n.recipient.user.email, n.mine) for n in found]
        with scopes_disabled():
            _same(found, list(_recent(org, ids, since, me)))
    assert (
        len(
            recent(
                organization_id=org,
                recipient_ids=[world_a.member.pk, world_a.manager.pk],
                since=now - timedelta(days=30),
                me=0,
            )
        )
        == 4
    )


def test_an_empty_list_finds_nothing_without_a_query(world_a, django_assert_num_queries):
    NotificationFactory(recipient=world_a.member)
    with django_assert_num_queries(0):
        assert (
            recent(
                organization_id=world_a.organization.pk,
                recipient_ids=[],
                since=timezone.now(),
                me=1,
            )
            == []
        )


def test_values_and_flat_values_and_prefetches_are_the_orms(world_a, django_assert_num_queries):
    NotificationFactory(recipient=world_a.member, title="First")
    NotificationFactory(recipient=world_a.member, title="Second")

    def mine(organization_id, recipient_id):
        return Notification.objects.filter(
            organization_id=organization_id, recipient_id=recipient_id
        ).order_by("title")

    org, me = world_a.organization.pk, world_a.member.pk
    values = CompiledQuery(
        lambda **p: mine(**p).values("id", "title"), params=("organization_id", "recipient_id")
    )
    flat = CompiledQuery(
        lambda **p: mine(**p).values_list("title", flat=True),
        params=("organization_id", "recipient_id"),
    )
    prefetched = CompiledQuery(
        lambda **p: mine(**p).prefetch_related("recipient__direct_reports"),
        params=("organization_id", "recipient_id"),
    )
    with scopes_disabled():
        assert values(organization_id=org, recipient_id=me) == list(
            mine(org, me).values("id", "title")
        )
    assert flat(organization_id=org, recipient_id=me) == ["First", "Second"]
    # The prefetches are ordinary querysets, in the request's scope as the ORM runs them.
    with organization_scope(world_a.organization), django_assert_num_queries(3):
        rows = prefetched(organization_id=org, recipient_id=me)
        assert [list(n.recipient.direct_reports.all()) for n in rows] == [[], []]


def test_a_tenant_query_must_name_its_organization(world_a):
    unscoped = CompiledQuery(
        lambda recipient_id: Notification.objects.filter(recipient_id=recipient_id),
        params=("recipient_id",),
    )
    with pytest.raises(ValueError, match="organization_id"):
        unscoped(recipient_id=world_a.member.pk)


def test_a_call_inside_another_organizations_scope_is_refused(world_a, world_b):
    with organization_scope(world_b.organization), pytest.raises(ValueError, match="scope"):
        recent(
            organization_id=world_a.organization.pk,
            recipient_ids=[world_a.member.pk],
            since=timezone.now(),
            me=1,
        )


def test_values_of_the_wrong_kind_are_refused(world_a):
    with pytest.raises(TypeError, match="since"):
        recent(organization_id=world_a.organization.pk, recipient_ids=[1], since="yesterday", me=1)
    with pytest.raises(TypeError, match="aware"):
        recent(
            organization_id=world_a.organization.pk,
            recipient_ids=[1],
            since=timezone.now().replace(tzinfo=None),
            me=1,
        )


# --- prepared on Postgres ---------------------------------------------------------------


def _mine_unread(world):
    return unread(organization_id=world.organization.pk, recipient_id=world.member.pk)


def test_a_compiled_read_runs_as_a_prepared_statement(world_a, world_b, settings):
    NotificationFactory(recipient=world_a.member)
    settings.DATABASE_PREPARED_STATEMENTS = False
    with CaptureQueriesContext(connection) as plain:
        expected = _mine_unread(world_a)
    settings.DATABASE_PREPARED_STATEMENTS = True
    with CaptureQueriesContext(connection) as prepared:
        assert _mine_unread(world_a) == expected == 1
    assert plain.captured_queries[0]["sql"].startswith("SELECT COUNT(*)")
    [sent] = prepared.captured_queries
    assert sent["sql"].startswith("EXECUTE perfapp_")
    # One statement per organization, its id written in (so Postgres plans with that
    # organization's size); the other values travel as the statement's parameters.
    assert sent["sql"].endswith(f"_{world_a.organization.pk}({world_a.member.pk})")
    with CaptureQueriesContext(connection) as other:
        _mine_unread(world_b)
    assert other.captured_queries[0]["sql"].endswith(
        f"_{world_b.organization.pk}({world_b.member.pk})"
    )


def test_a_connection_keeps_a_bounded_number_of_prepared_statements(world_a, world_b, monkeypatch):
    """The least recently used are deallocated on the server, and prepared again when
    needed."""
    monkeypatch.setattr(compiled, "PREPARED_PER_CONNECTION", 1)
    read = CompiledCount(
        lambda organization_id, recipient_id: Notification.objects.filter(
            organization_id=organization_id, recipient_id=recipient_id, title__gt=""
        ),
        params=("organization_id", "recipient_id"),
    )
    NotificationFactory(recipient=world_a.member)
    for _ in range(2):  # a, b, a, b: each evicts the other
        assert read(organization_id=world_a.organization.pk, recipient_id=world_a.member.pk) == 1
        assert read(organization_id=world_b.organization.pk, recipient_id=world_b.member.pk) == 0
    with connection.connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements WHERE name LIKE 'perfapp_%%'")
        assert [name for (name,) in cursor.fetchall()] == [
            compiled._prepared_form(read._statement((("int", 0), ("int", 0)))).name
            + f"_{world_b.organization.pk}"
        ]


def test_a_new_connection_prepares_again(world_a):
    """Prepared statements end with their server connection; on the next one (another
    backend) perfapp prepares them again rather than executing what is not there."""
    NotificationFactory(recipient=world_a.member)
    assert _mine_unread(world_a) == 1  # prepared on this connection
    with connection.connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # what a new server connection has: nothing
    connections["default"].__dict__["_perfapp_prepared"]["backend"] = ("another", 0)
    assert _mine_unread(world_a) == 1


def test_a_statement_postgres_refuses_to_prepare_runs_as_written(world_a, monkeypatch):
    """Should a statement ever not prepare, it runs as the ORM wrote it, and the caller's
    transaction goes on (the attempt had a savepoint of its own)."""
    NotificationFactory(recipient=world_a.member)
    count = CompiledCount(
        lambda organization_id, recipient_id: Notification.objects.filter(
            organization_id=organization_id, recipient_id=recipient_id, kind__startswith="people"
        ),
        params=("organization_id", "recipient_id"),
    )
    real = compiled._prepared_form

    def broken(statement):
        form = real(statement)
        return dataclasses.replace(form, head=form.head.replace("SELECT", "SELEC", 1))

    monkeypatch.setattr(compiled, "_prepared_form", broken)
    with CaptureQueriesContext(connection) as queries:
        assert count(organization_id=world_a.organization.pk, recipient_id=world_a.member.pk) == 1
        assert count(organization_id=world_a.organization.pk, recipient_id=world_a.member.pk) == 1
    assert all(q["sql"].startswith("SELECT COUNT(*)") for q in queries.captured_queries)
    with scopes_disabled():  # the transaction lives on: an aborted one would refuse this
        assert Notification.objects.filter(recipient=world_a.member).count() == 1


def test_the_tenant_querysets_inside_a_compiled_read_name_the_organization(world_a, settings):
    """A selector's subquery is scoped as in a request: its organization's condition is in
    the statement, bound to each call's organization."""
    settings.DATABASE_PREPARED_STATEMENTS = False
    read = CompiledQuery(
        lambda organization_id, manager_id: Notification.objects.filter(
            organization_id=organization_id,
            recipient__in=Membership.objects.filter(manager_id=manager_id).values("pk"),
        ),
        params=("organization_id", "manager_id"),
    )
    NotificationFactory(recipient=world_a.report)
    with CaptureQueriesContext(connection) as queries:
        found = read(organization_id=world_a.organization.pk, manager_id=world_a.manager.pk)
    with organization_scope(world_a.organization):
        expected = Notification.objects.filter(recipient__manager=world_a.manager)
        assert sorted(n.pk for n in found) == sorted(n.pk for n in expected)
    assert world_a.report.pk in {n.recipient_id for n in found}
    [sql] = [q["sql"] for q in queries.captured_queries]
    assert f'"U0"."organization_id" = {world_a.organization.pk}' in sql
