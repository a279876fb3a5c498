"""The home page is assembled from panels that apps register (``PANELS``, in their
``wiring.py``).

A panel answers for one person through ``context(request)``; it returns None when it has
nothing to show, so the page only carries what needs the reader now. Each panel reads in
a fixed number of queries (a few, whatever the size of the organization), so the home
page's cost is the sum of a known list.

Several panels need the same people (a manager's reports: My team and Career list them,
Growth looks for their plans): they read them through ``direct_reports(request)``, once
per request for all of them.

A panel that is also part of the API (``GET /api/v1/orgs/<slug>/home/``) gives ``data``:
a function from its context to plain JSON values (no model instances).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

from perfapp.compiled import CompiledQuery
from perfapp.orgs import selectors as org_selectors
from perfapp.orgs.models import Membership
from perfapp.registry import Registry

REPORTS_SHOWN = 12  # a manager's reports a panel lists before "and more"

# A manager's home reads them on every visit: compiled once (perfapp/compiled.py).
_reports = CompiledQuery(
    lambda organization_id, manager_id: org_selectors.direct_reports(
        Membership(pk=manager_id, organization_id=organization_id)
    ).filter(organization_id=organization_id),
    params=("organization_id", "manager_id"),
)


@dataclass(frozen=True)
class HomePanel:
    key: str
    order: int
    template: str
    context: Callable[[HttpRequest], dict | None]
    data: Callable[[dict], dict] | None = None


PANELS: Registry[HomePanel] = Registry("home panel", order=lambda panel: panel.order)


def panels_for(request: HttpRequest) -> list[dict]:
    rendered = []
    for panel in PANELS.all():
        context = panel.context(request)
        if context is not None:
            rendered.append({"key": panel.key, "template": panel.template, **context})
    return rendered


def data_for(request: HttpRequest) -> list[dict]:
    """The API's home: ``[{"key": …, "data": {…}}]`` for the panels that give data."""
    found = []
    for panel in PANELS.all():
        if panel.data is None:
            continue
        context = panel.context(request)
        if context is not None:
            found.append({"key": panel.key, "data": panel.data(context)})
    return found


def direct_reports(request: HttpRequest) -> list[Membership]:
    """The reader's active direct reports by name, with their user and team; read once per
    request for every panel, and not at all for a reader nobody reports to (known from the
    tenant's own query). All of them, not a page: a panel lists ``REPORTS_SHOWN`` and says
    there are more, another needs every id, and a team is a dozen people."""
    found = getattr(request, "_home_reports", None)
    if found is None:
        membership = request.membership
        found = (
            _reports(organization_id=membership.organization_id, manager_id=membership.pk)
            if membership.is_manager
            else []
        )
        request._home_reports = found
    return found
