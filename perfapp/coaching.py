"""Coaching signals: what other apps know that is worth raising in a 1:1.

The manager's meeting page shows a short "Suggested for <name>" list beside the coaching
prompt bank: the report's next-level criteria with no evidence yet (``advancement``), no
feedback in a month (``feedback``), no recognition in 60 days (``recognition``)... The
check-in app asks this registry, so it never imports the apps that know these things.

An app registers a provider from its ``AppConfig.ready``::

    from perfapp import coaching
    coaching.register("recognition.quiet", quiet_recognition, order=30)

A provider is called as ``provider(subject=<the report>, viewer=<the manager>)`` and
returns a list of ``Suggestion``s (usually zero to three). It must answer in a bounded
number of queries whatever the size of the organization, only from what the viewer may
see, and never reveal private content in ``reason`` (say "no feedback you can read in 30
days", not what a private piece of feedback says).
"""

from collections.abc import Callable
from dataclasses import dataclass

from perfapp.links import LinkRef, reading

__all__ = ["THEMES", "Suggestion", "register", "suggestions_for", "unregister"]

# The themes of the coaching prompt bank; a suggestion names one of them.
THEMES = ("growth", "blockers", "career", "wellbeing", "manager")
MAX_PER_PROVIDER = 5


@dataclass(frozen=True)
class Suggestion:
    key: str  # stable across requests, e.g. "career.gap:41"; names it when it is added
    theme: str  # one of THEMES
    text: str  # the talking point it becomes, at most 500 characters
    reason: str  # why it is suggested now, in one sentence, for the manager only
    link: LinkRef | None = None  # what the talking point links to, if anything


Provider = Callable[..., list[Suggestion]]

_PROVIDERS: dict[str, tuple[int, Provider]] = {}


def register(key: str, provider: Provider, order: int = 50) -> None:
    _PROVIDERS[key] = (order, provider)


def unregister(key: str) -> None:
    _PROVIDERS.pop(key, None)


def suggestions_for(*, subject, viewer) -> list[Suggestion]:
    """Every provider's suggestions, by ``order`` (then registration); a suggestion whose
    key an earlier provider already gave is dropped, and each provider gives at most
    ``MAX_PER_PROVIDER``. Providers share reads through ``perfapp.links.memo``."""
    seen: set[str] = set()
    gathered: list[Suggestion] = []
    with reading():
        for _order, provider in sorted(_PROVIDERS.values(), key=lambda entry: entry[0]):
            found = list(provider(subject=subject, viewer=viewer))[:MAX_PER_PROVIDER]
            for suggestion in found:
                if suggestion.key in seen:
                    continue
                seen.add(suggestion.key)
                gathered.append(suggestion)
    return gathered
