"""Small helpers every app's pages use: written once here so that pages agree on how a
person's initials look, how a refused write reads, and what counts as an htmx fragment."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from perfapp.api.params import is_id

if TYPE_CHECKING:
    from perfapp.orgs.models import Membership


def id_from(raw: str | None) -> int | None:
    """An id from a form or query string, or None: ASCII digits only ("²".isdigit() is
    true but int("²") fails) and small enough for a bigint, so a bad value is "nothing
    chosen", never a server error."""
    return int(raw) if raw and is_id(raw) else None


def is_partial(request: HttpRequest) -> bool:
    """An htmx request that swaps a fragment. A boosted link or form is a whole-page
    navigation, so it gets the whole page."""
    return bool(getattr(request, "htmx", False)) and not request.htmx.boosted


def initials(name: str) -> str:
    """One or two letters for an avatar: the first and last words that start with a
    letter (so "(Contractor)" or "3rd" do not count), else the name's first character."""
    parts = [part for part in name.split() if part[:1].isalpha()]
    if not parts:
        return (name[:1] or "?").upper()
    return (parts[0][0] + (parts[-1][0] if len(parts) > 1 else "")).upper()


def first_name(person: Membership) -> str:
    return person.user.get_short_name() or person.name


def message_of(error: ValidationError) -> str:
    """A service's refusal as one sentence for a flash message or an inline error."""
    return " ".join(error.messages)


def go(request: HttpRequest, name: str, **kwargs) -> HttpResponse:
    """Redirect to a page of the same organization."""
    return redirect(name, org_slug=request.organization.slug, **kwargs)
