"""Edits that must not overwrite someone else's: the refusal a service raises.

A form or API call carries the version of the object it was shown (models name that
field ``version``, ``notes_version`` or ``lock_version``); a service that finds the
object moved on refuses with ``StaleEdit`` and hands over what is there now, so the page
or the API can show it (the API's 409 envelope, ``perfapp.api.errors``) instead of
silently overwriting.
"""

from django.core.exceptions import ValidationError

CHANGED_MEANWHILE = "This changed meanwhile. Here is the latest version; apply your edit again."


class StaleEdit(ValidationError):
    """Someone else changed this meanwhile; ``fresh`` is what is there now (None when it
    is gone)."""

    def __init__(self, fresh, message: str = ""):
        super().__init__(message or CHANGED_MEANWHILE)
        self.fresh = fresh
