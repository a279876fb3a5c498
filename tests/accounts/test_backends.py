"""The signed-in user, read with a compiled statement, is the one Django would read, and
nobody is signed in who should not be, nor signed out by the change of backend name."""

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.test import Client
from django.urls import reverse

from perfapp.accounts.backends import BACKEND, LEGACY_BACKEND, ModelBackend
from perfapp.accounts.models import User
from tests.factories import UserFactory


def home(world) -> str:
    return reverse("web:home", kwargs={"org_slug": world.organization.slug})


def session_client(user, backend: str) -> Client:
    """A browser holding a session as ``login()`` stores it, under ``backend``."""
    client = Client()
    session = client.session
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = backend
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    client.cookies["sessionid"] = session.session_key
    return client


def test_the_user_read_is_the_orms(db):
    user = UserFactory(name="Ada", time_zone="Asia/Tokyo")
    found = ModelBackend().get_user(str(user.pk))
    expected = User.objects.get(pk=user.pk)
    assert found == expected
    assert {f.attname: getattr(found, f.attname) for f in User._meta.concrete_fields} == {
        f.attname: getattr(expected, f.attname) for f in User._meta.concrete_fields
    }
    assert found._state.adding is False  # saved rows, as the ORM builds them


def test_a_missing_or_deactivated_user_is_nobody(db):
    user = UserFactory(is_active=False)
    assert ModelBackend().get_user(str(user.pk)) is None
    assert ModelBackend().get_user("987654321") is None


def test_signing_in_stores_this_backend_and_a_page_opens(world_a, client):
    user = world_a.member.user
    user.set_password("a long enough passphrase")
    user.save()
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "a long enough passphrase"}
    )
    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == BACKEND
    assert client.get(home(world_a)).status_code == 200


def test_a_session_from_before_the_change_stays_signed_in(world_a):
    client = session_client(world_a.member.user, LEGACY_BACKEND)

    assert client.get(home(world_a)).status_code == 200
    assert client.session[BACKEND_SESSION_KEY] == BACKEND  # renamed once


def test_a_deactivated_or_changed_password_user_is_signed_out_on_the_next_request(world_a):
    user = world_a.member.user
    client = session_client(user, BACKEND)
    assert client.get(home(world_a)).status_code == 200

    user.set_password("another long passphrase")
    user.save()
    assert client.get(home(world_a)).status_code == 302  # to the sign-in page

    other = session_client(world_a.report.user, BACKEND)
    User.objects.filter(pk=world_a.report.user.pk).update(is_active=False)
    assert other.get(home(world_a)).status_code == 302
