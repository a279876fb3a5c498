"""What the mentoring and stretch assignment pages share: the page decorator (the reader's
time zone), the page size and reading an id from a form. Names, initials and messages are
in perfapp.web.helpers."""

from functools import wraps
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

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


def id_from(raw: str | None) -> int | None:
    if raw and raw.isascii() and raw.isdigit() and 0 < int(raw) <= MAX_ID:
        return int(raw)
    return None
