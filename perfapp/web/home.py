"""The home page is assembled from panels that apps register (``AppConfig.ready``).

A panel answers for one person through ``context(request)``; it returns None when it has
nothing to show, so the page only carries what needs the reader now.
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


_PANELS: dict[str, HomePanel] = {}


def register(panel: HomePanel) -> None:
    _PANELS[panel.key] = panel


def panels_for(request: HttpRequest) -> list[dict]:
    rendered = []
    for panel in sorted(_PANELS.values(), key=lambda p: p.order):
        context = panel.context(request)
        if context is not None:
            rendered.append({"key": panel.key, "template": panel.template, **context})
    return rendered
