"""Signing in with Django's model backend, and reading the signed-in user on every
request with a statement compiled once per process (``perfapp.compiled``).

Every signed-in request reads its user by primary key. The ORM took about two thirds of
that read writing the same ``SELECT … WHERE id = %s`` again; the floor of a signed-in
request is a few such reads, so this one is compiled once. Everything else is Django's:
which users may sign in (``user_can_authenticate``: active users only), and the session's
password hash, which ``django.contrib.auth.get_user`` checks after this.
"""

from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from perfapp.compiled import CompiledGet

# What sessions signed in before this backend existed name as their backend.
LEGACY_BACKEND = "django.contrib.auth.backends.ModelBackend"
BACKEND = "perfapp.accounts.backends.ModelBackend"

_user_by_id = CompiledGet(
    lambda user_id: get_user_model()._default_manager.filter(pk=user_id),
    params=("user_id",),
)


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id):
        user = _user_by_id(user_id=int(user_id))
        return user if user is not None and self.user_can_authenticate(user) else None


class LegacySessionBackendMiddleware:
    """Keeps sessions signed in before this backend replaced Django's own: Django signs out
    a session whose backend is no longer listed, so the old name is renamed to this one.
    Sessions last two weeks (``SESSION_COOKIE_AGE``); after a release that has run that
    long, this middleware can go."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if session.session_key and session.get(BACKEND_SESSION_KEY) == LEGACY_BACKEND:
            session[BACKEND_SESSION_KEY] = BACKEND
        return self.get_response(request)
