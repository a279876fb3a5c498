"""Coaching signals: what other apps know that is worth raising in a 1:1.

The manager's meeting page shows a short "Suggested for <name>" list beside the coaching
prompt bank: the report's next-level criteria with no evidence yet (``advancement``), no
feedback in a month (``feedback``), no recognition in 60 days (``recognition``)... The
check-in app asks this registry, so it never imports the apps that know these things.

An app registers a provider in its ``wiring.py``::

    from perfapp.coaching import PROVIDERS, Provider
    PROVIDERS.register(Provider("recognition.quiet", quiet_recognition, order=30))

A provider's ``suggest`` is called as ``suggest(subject=<the report>, viewer=<the
manager>)`` and returns a list of ``Suggestion``s (usually zero to three). It must answer
in a bounded number of queries whatever the size of the organization, only from what the
viewer may see, and never reveal private content in ``reason`` (say "no feedback you can
read in 30 days", not what a private piece of feedback says).
"""

from collections.abc import Callable
from dataclasses import dataclass

from perfapp.links import LinkRef, reading
from perfapp.registry import Registry

__all__ = ["PROVIDERS", "THEMES", "Provider", "Suggestion", "suggestions_for"]

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


@dataclass(frozen=True)
class Provider:
    key: str
    suggest: Callable[..., list[Suggestion]]  # suggest(subject=…, viewer=…)
    order: int = 50


PROVIDERS: Registry[Provider] = Registry("coaching provider", order=lambda p: p.order)


def suggestions_for(*, subject, viewer) -> list[Suggestion]:
    """Every provider's suggestions, by ``order`` (then registration); a suggestion whose
    key an earlier provider already gave is dropped, and each provider gives at most
    ``MAX_PER_PROVIDER``. Providers share reads through ``perfapp.links.memo``."""
    seen: set[str] = set()
    gathered: list[Suggestion] = []
    with reading():
        for provider in PROVIDERS.all():
            found = list(provider.suggest(subject=subject, viewer=viewer))[:MAX_PER_PROVIDER]
            for suggestion in found:
                if suggestion.key in seen:
                    continue
                seen.add(suggestion.key)
                gathered.append(suggestion)
    return gathered
