"""The base of every organization page: a decorator that owns tenancy and permission."""

from collections.abc import Callable
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from perfapp.orgs.roles import Permission
from perfapp.timezones import zone_of
from perfapp.web.helpers import is_partial


def org_view(permission: Permission | None = None, *, reader_time_zone: bool = False) -> Callable:
    """Mark a view as an organization page.

    The middleware has already resolved ``request.organization`` and
    ``request.membership`` and entered the tenant scope; this checks it really did (so a
    page wired outside /o/<slug>/ fails loudly) and that the member holds ``permission``.
    Forbidden answers 404, exactly like missing.

    ``reader_time_zone``: the page shows dates and times in the reader's own time zone
    (``timezone.localdate()``, template ``|date`` and the like), not the organization's or
    the server's, so "today" and "9:00" mean what the person reading expects.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, org_slug: str, **kwargs) -> HttpResponse:
            membership = getattr(request, "membership", None)
            if membership is None or membership.organization.slug != org_slug:
                raise RuntimeError("org_view pages must live under /o/<org_slug>/.")
            if permission is not None and not membership.has_perm(permission):
                raise Http404
            if reader_time_zone:
                with timezone.override(zone_of(membership)):
                    return view(request, *args, **kwargs)
            return view(request, *args, **kwargs)

        wrapped.org_permission = permission
        return wrapped

    return decorator


def render_htmx(
    request: HttpRequest, template: str, context: dict, fragment: str | None = None, **kwargs
) -> HttpResponse:
    """Render the whole page, or only ``fragment`` (a partialdef) for an htmx request."""
    if fragment and is_partial(request):
        template = f"{template}#{fragment}"
    return render(request, template, context, **kwargs)
