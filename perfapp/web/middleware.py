"""Middleware of the web pages.

- ``LastOrganizationMiddleware``: remembers, in this browser, the organization last opened,
  so the picker after signing in can mark it (a cookie, not the session: signing out
  clears the session).
- ``MethodNotAllowedMiddleware``: a page address that only takes a form never answers
  with a blank page.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve

LAST_ORGANIZATION_COOKIE = "perfapp_last_org"
ONE_YEAR = 365 * 24 * 3600


class LastOrganizationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        membership = getattr(request, "membership", None)
        if membership is None or response.status_code >= 400:
            return response
        slug = membership.organization.slug
        if request.COOKIES.get(LAST_ORGANIZATION_COOKIE) != slug:
            response.set_cookie(
                LAST_ORGANIZATION_COOKIE,
                slug,
                max_age=ONE_YEAR,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


API_PREFIX = "/api/"


def owning_page(path: str) -> str | None:
    """The nearest address above ``path`` that the site knows, from the address alone
    (``/o/acme/people/7/deactivate/`` → ``/o/acme/people/7/``), or None."""
    parts = [part for part in path.split("/") if part]
    while len(parts) > 1:
        parts.pop()
        candidate = "/" + "/".join(parts) + "/"
        try:
            resolve(candidate)
        except Resolver404:
            continue
        return candidate
    return None


class MethodNotAllowedMiddleware:
    """A page address that only takes a form never answers with a blank page.

    Reloading a page after a form was sent with errors, or opening an address copied from
    the browser bar, asks with GET for an address that only takes POST (``require_POST``,
    or a view that answers 405 itself). Django answers 405 with an empty body. Here the
    browser's navigation to such an address (``Sec-Fetch-Mode: navigate``, which browsers
    send when a person opens an address) goes to the page it belongs to: the nearest address
    above it that is a page. Any other 405 on a page (a script's GET, another method; not the
    API, which has its own error envelope) is a page that says what happened and links to
    where to go, with the 405 status kept for what is not a person.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or request.path_info.startswith(API_PREFIX):
            return response
        page = owning_page(request.path_info)
        navigation = request.headers.get("Sec-Fetch-Mode") == "navigate"
        if request.method in ("GET", "HEAD") and page and navigation:
            return redirect(page)
        allowed = response["Allow"] if response.has_header("Allow") else ""
        methods = set(allowed.replace(" ", "").split(","))
        context = {
            "page": page,
            "form_only": "GET" not in methods,
            "shows_only": "POST" not in methods,
        }
        friendly = render(request, "405.html", context, status=405)
        if allowed:
            friendly["Allow"] = allowed
        return friendly
