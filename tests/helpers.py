"""Small helpers the test modules share: an address inside an organization, what a page
says (its HTML, or the text a reader sees), the error of an API answer, a new member, and
a person signed in (to Django's test client, or to a real browser).

Plain functions, not fixtures: import what a module needs, e.g.
``from ..helpers import html_of, org_url, signed_in_client``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

from django.test import Client
from django.urls import reverse

from perfapp.orgs.models import Membership, Organization

from .factories import PASSWORD, MembershipFactory

if TYPE_CHECKING:
    from django.http import HttpResponse
    from playwright.sync_api import Browser, Page


class InOrganization(Protocol):
    """Anything that knows its organization, e.g. the ``OrgWorld`` of ``world_a``."""

    organization: Organization


def org_url(
    name: str,
    /,
    *,
    org: str | InOrganization = "alpha",
    query: Mapping[str, object] | None = None,
    **kwargs: object,
) -> str:
    """The address of the view called ``name`` (with its namespace, e.g. ``"api:give"``) in
    one organization: ``org`` is its slug or a world; the other keywords are the URL's own.

    ``query`` is appended as ``?key=value&…``, as written (values are not quoted).
    """
    slug = org if isinstance(org, str) else org.organization.slug
    path = reverse(name, kwargs={"org_slug": slug, **kwargs})
    if query:
        path += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return path


def html_of(response: HttpResponse, *, status: int | None = None) -> str:
    """The response's body, decoded, with HTML entities unescaped (tags are kept).

    With ``status``, first asserts the response has that status code.
    """
    if status is not None:
        assert response.status_code == status, response.status_code
    return html.unescape(response.content.decode())


_TAG = re.compile(r"<[^>]+>")


def visible_text(response: HttpResponse, *, join_full_stops: bool = False) -> str:
    """What a reader sees of the page: tags removed (each leaves a space), then HTML
    entities unescaped, white space collapsed to single spaces and trimmed.

    With ``join_full_stops``, the space a closing tag leaves before a full stop goes
    (``<b>Nova</b>.`` reads ``Nova.``).
    """
    text = " ".join(html.unescape(_TAG.sub(" ", response.content.decode())).split())
    return text.replace(" .", ".") if join_full_stops else text


def signed_in_client(membership: Membership) -> Client:
    """A test client of its own, signed in as the membership's user (so messages and
    session of one person never reach another, unlike the shared ``client`` fixture)."""
    client = Client()
    client.force_login(membership.user)
    return client


def signed_in_page(
    browser: Browser,
    live_server,
    membership: Membership,
    *,
    viewport: tuple[int, int] | None = None,
    accept_dialogs: bool = True,
) -> Page:
    """A new browser page signed in through the login form as the membership's user.

    ``viewport`` is the page's (width, height) (Playwright's default without it);
    ``accept_dialogs`` answers every confirm() with OK, as before destructive acts.
    """
    from playwright.sync_api import expect

    if viewport:
        width, height = viewport
        context = browser.new_context(viewport={"width": width, "height": height})
    else:
        context = browser.new_context()
    page = context.new_page()
    if accept_dialogs:
        page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(membership.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Good to see you")
    return page


def api_error(response: HttpResponse, *, status: int = 400) -> dict:
    """The ``error`` object of an API answer, after asserting its status code (400 unless
    told otherwise)."""
    assert response.status_code == status, (response.status_code, response.content)
    return response.json()["error"]


def new_member(world: InOrganization, **extra: object) -> Membership:
    """A new membership of the world's organization (a member, unless ``extra`` says
    otherwise: role, manager, team, …)."""
    return MembershipFactory(organization=world.organization, **extra)
