"""One place to enter and leave a tenant's scope."""

from collections.abc import Iterator
from contextlib import contextmanager

from django_scopes import scope, scopes_disabled

__all__ = ["organization_scope", "scopes_disabled"]


@contextmanager
def organization_scope(organization) -> Iterator[None]:
    """Activate one organization's scope. Refuses ``None``, which django-scopes would read
    as "no filter" and so as every organization at once."""
    if organization is None:
        raise ValueError("An organization scope needs an organization.")
    with scope(organization=organization):
        yield


def get_active_organization_id() -> int | None:
    """The organization id of the active scope, if any (for logs and assertions)."""
    from django_scopes import get_scope

    value = get_scope().get("organization")
    return getattr(value, "pk", value)
