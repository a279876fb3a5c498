"""Which database serves what, through real requests: the rules of perfapp/replicas.py."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from feedback.tasks import checkin_housekeeping
from perfapp import replicas
from perfapp.accounts.models import User
from perfapp.notifications.models import Notification
from perfapp.orgs.models import Invitation, Membership, Organization
from perfapp.replicas import PRIMARY, REPLICA
from perfapp.tenancy.resolution import _statement
from recognition.models import RecognitionSettings

from ..helpers import org_url

pytestmark = pytest.mark.django_db(databases=[PRIMARY, REPLICA])


def signed_in(membership: Membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def token_client(membership: Membership) -> tuple[APIClient, str]:
    token, _ = Token.objects.get_or_create(user=membership.user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client, token.key


def later(seconds: float):
    return time_machine.travel(timezone.now() + timedelta(seconds=seconds), tick=False)


def test_an_anonymous_page_reads_the_replica(world_a, served, client):
    response = client.get(reverse("invitation", kwargs={"token": world_a.invitation.token}))
    assert response.status_code == 200
    assert world_a.invitation.email in response.text
    assert served.readers_of(Invitation) == {REPLICA}


def test_a_signed_in_page_reads_the_replica_and_who_may_see_it_from_the_primary(world_a, served):
    client = signed_in(world_a.report)
    served.clear()
    response = client.get(org_url("notifications:inbox"))
    assert response.status_code == 200
    assert "Hello from alpha" in response.text  # the page's content, read from the replica
    assert served.readers_of(Notification) == {REPLICA}
    # The session, its user, and the membership with its role and active flag: a replica's
    # lag must not keep a deactivated person in, or a demoted one in their old role.
    assert served.readers_of(Session) == {PRIMARY}
    assert served.readers_of(User) == {PRIMARY}
    assert served.aliases_of(_statement().sql) == {PRIMARY}


def test_a_deactivated_person_is_refused_on_their_next_request(world_a, served):
    client = signed_in(world_a.member)
    assert client.get(org_url("notifications:inbox")).status_code == 200
    with world_a.scope():
        Membership.objects.filter(pk=world_a.member.pk).update(is_active=False)
    served.clear()
    assert client.get(org_url("notifications:inbox")).status_code == 404
    assert served.aliases_of(_statement().sql) == {PRIMARY}
    assert served.by(REPLICA) == []


def test_a_change_pins_its_person_to_the_primary_for_the_window(world_a, served, settings):
    client = signed_in(world_a.report)
    served.clear()
    assert client.post(org_url("notifications:read_all")).status_code == 302
    assert served.by(REPLICA) == []  # an unsafe request reads and writes the primary
    served.clear()
    page = client.get(org_url("notifications:inbox"))
    assert page.status_code == 200 and "Hello from alpha" in page.text
    assert served.by(REPLICA) == []  # their next page shows what they just did
    with later(settings.REPLICA_PIN_SECONDS - 1):
        served.clear()
        client.get(org_url("notifications:inbox"))
        assert served.by(REPLICA) == []
    with later(settings.REPLICA_PIN_SECONDS + 1):
        served.clear()
        client.get(org_url("notifications:inbox"))
        assert served.readers_of(Notification) == {REPLICA}


def test_another_persons_change_pins_only_them(world_a, served):
    changer, reader = signed_in(world_a.report), signed_in(world_a.member)
    assert changer.post(org_url("notifications:read_all")).status_code == 302
    served.clear()
    assert reader.get(org_url("notifications:inbox")).status_code == 200
    assert served.readers_of(Notification) == {REPLICA}


def test_an_api_client_is_pinned_by_its_token_without_a_cookie(world_a, served, settings):
    hr, hr_token = token_client(world_a.hr)
    other, _ = token_client(world_a.member)
    detail = org_url("api:member-detail", pk=world_a.member.pk)
    served.clear()
    changed = hr.patch(detail, {"job_title": "Staff Designer"}, format="json")
    assert changed.status_code == 200
    assert served.by(REPLICA) == []
    assert not hr.cookies.get(settings.SESSION_COOKIE_NAME)  # nothing but the token to go by
    # The pin is kept under a keyed hash: no token (nor session key) is a cache key.
    pins = [key for key in cache._cache if "replica-pin:" in key]  # type: ignore[attr-defined]
    assert pins and not [key for key in pins if hr_token in key]

    served.clear()
    assert hr.get(detail).json()["job_title"] == "Staff Designer"
    assert served.by(REPLICA) == []
    served.clear()
    assert other.get(org_url("api:member-list")).status_code == 200
    assert served.readers_of(Membership) >= {REPLICA}
    assert served.readers_of(Token) == {PRIMARY}  # a revoked token stops working at once
    with later(settings.REPLICA_PIN_SECONDS + 1):
        served.clear()
        assert hr.get(detail).status_code == 200
        assert served.readers_of(Membership) >= {REPLICA}


def test_a_get_that_writes_reads_its_own_write_and_pins_nobody(world_a, served):
    with world_a.scope():
        RecognitionSettings.objects.filter(organization=world_a.organization).delete()
    client = signed_in(world_a.hr)
    served.clear()
    # The settings page makes the organization's row with its defaults on first read.
    assert client.get(org_url("recognition:settings")).status_code == 200
    insert = f'INSERT INTO "{RecognitionSettings._meta.db_table}"'
    aliases = [alias for alias, _ in served.statements]
    write = next(i for i, (_, sql) in enumerate(served.statements) if sql.startswith(insert))
    assert served.statements[write][0] == PRIMARY
    assert REPLICA in aliases[:write]  # it read the replica until it wrote
    assert REPLICA not in aliases[write:]  # and its own write from the primary after
    served.clear()
    assert client.get(org_url("recognition:settings")).status_code == 200
    assert served.readers_of(RecognitionSettings) == {REPLICA}


def test_a_read_inside_a_transaction_reads_the_primary(world_a, served, settings, client):
    settings.ROOT_URLCONF = "tests.replicas.urls"
    served.clear()
    assert client.get("/replica-probe/transaction/").status_code == 200
    assert [
        alias for alias, sql in served.statements if f'FROM "{Organization._meta.db_table}"' in sql
    ] == [REPLICA, PRIMARY, REPLICA]


def test_work_outside_a_request_reads_the_primary(world_a, served):
    checkin_housekeeping.apply()  # a Celery task, as a worker runs it
    Organization.objects.count()  # a management command, a shell
    assert served.by(PRIMARY) and served.by(REPLICA) == []


def test_a_failed_request_leaves_its_decision_behind(world_a, served, settings, client):
    settings.ROOT_URLCONF = "tests.replicas.urls"
    with pytest.raises(RuntimeError):
        client.get("/replica-probe/fails/")
    assert replicas._current.get() is None
    served.clear()
    Organization.objects.count()
    assert served.by(REPLICA) == [] and served.by(PRIMARY)
