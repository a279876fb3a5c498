"""What the mentoring and stretch assignment pages share: the page decorator (the reader's
time zone), small helpers for ids, names and initials."""

from functools import wraps
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from perfapp.orgs.models import Membership
from perfapp.tenancy.views import org_view

MAX_ID = 2**63 - 1
PAGE_SIZE = 20


def page(view):
    """An organization page shown in the reader's own time zone."""

    @org_view()
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        with timezone.override(ZoneInfo(request.membership.effective_time_zone)):
            return view(request, *args, **kwargs)

    return wrapped


def go(request: HttpRequest, name: str, **kwargs) -> HttpResponse:
    return redirect(name, org_slug=request.organization.slug, **kwargs)


def id_from(raw: str | None) -> int | None:
    if raw and raw.isascii() and raw.isdigit() and 0 < int(raw) <= MAX_ID:
        return int(raw)
    return None


def initials(name: str) -> str:
    parts = [part for part in name.split() if part[:1].isalpha()]
    if not parts:
        return (name[:1] or "?").upper()
    return (parts[0][0] + (parts[-1][0] if len(parts) > 1 else "")).upper()


def first_name(person: Membership) -> str:
    return person.user.get_short_name() or person.name


def message_of(error: ValidationError) -> str:
    return " ".join(error.messages)


def is_partial(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False)) and not request.htmx.boosted
