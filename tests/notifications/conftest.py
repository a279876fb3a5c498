"""Helpers for the notifications tests: a reminder kind, queueing in scope, reading rows."""

from collections.abc import Iterator

import pytest

from perfapp.notifications import kinds, services
from perfapp.tenancy.scoping import organization_scope

from .helpers import NEWS, REMINDER, ScriptedBackend


@pytest.fixture
def reminder_kind() -> Iterator[kinds.NotificationKind]:
    """A reminder kind, registered for one test only (the registry is restored after)."""
    kind = kinds.NotificationKind(
        REMINDER, "Check-in due", "Your check-in is coming up.", is_reminder=True
    )
    with kinds.KINDS.temporarily():
        yield kinds.KINDS.register(kind)


@pytest.fixture
def queue():
    """``services.queue`` inside the recipient's organization scope, as a request runs it."""

    def _queue(recipient, kind: str = NEWS, occasion: str = "occasion-1", **fields):
        fields.setdefault("title", "Your role changed")
        with organization_scope(recipient.organization):
            return services.queue(recipient=recipient, kind=kind, occasion=occasion, **fields)

    return _queue


@pytest.fixture
def mailer(settings, mailoutbox, monkeypatch):
    """Deliver through ``ScriptedBackend``; call the fixture with a hook run before each
    email (raise to refuse it, ``None`` to accept again). Sent emails are in ``mailoutbox``."""
    settings.MAILERS = {"default": {"BACKEND": "tests.notifications.helpers.ScriptedBackend"}}

    def script(before_send) -> None:
        monkeypatch.setattr(ScriptedBackend, "before_send", staticmethod(before_send))

    return script
