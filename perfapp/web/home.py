"""The home page is assembled from panels that apps register (``PANELS``, in their
``wiring.py``).

A panel answers for one person through ``context(request)``; it returns None when it has
nothing to show, so the page only carries what needs the reader now. Each panel reads in
a fixed number of queries (a few, whatever the size of the organization), so the home
page's cost is the sum of a known list.

A panel that is also part of the API (``GET /api/v1/orgs/<slug>/home/``) gives ``data``:
a function from its context to plain JSON values (no model instances).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

from perfapp.registry import Registry


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
