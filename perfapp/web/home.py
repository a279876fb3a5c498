"""The home page is assembled from panels that apps register (``AppConfig.ready``).

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


@dataclass(frozen=True)
class HomePanel:
    key: str
    order: int
    template: str
    context: Callable[[HttpRequest], dict | None]
    data: Callable[[dict], dict] | None = None


_PANELS: dict[str, HomePanel] = {}


def register(panel: HomePanel) -> None:
    """Register a panel; a panel registered under an existing key replaces it."""
    _PANELS[panel.key] = panel


def unregister(key: str) -> None:
    _PANELS.pop(key, None)


def panels() -> list[HomePanel]:
    return sorted(_PANELS.values(), key=lambda p: p.order)


def panels_for(request: HttpRequest) -> list[dict]:
    rendered = []
    for panel in panels():
        context = panel.context(request)
        if context is not None:
            rendered.append({"key": panel.key, "template": panel.template, **context})
    return rendered


def data_for(request: HttpRequest) -> list[dict]:
    """The API's home: ``[{"key": …, "data": {…}}]`` for the panels that give data."""
    found = []
    for panel in panels():
        if panel.data is None:
            continue
        context = panel.context(request)
        if context is not None:
            found.append({"key": panel.key, "data": panel.data(context)})
    return found
