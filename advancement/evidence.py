"""The evidence registry: how feedback, recognition, goals and stretch assignments become
evidence for a criterion without ``advancement`` importing the apps that hold them.

Each leaf app registers a source in its ``AppConfig.ready``. A source answers for one
person, a set of competencies and a period, in a bounded number of queries.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from django.urls import reverse

from perfapp.orgs.models import Membership

_ANY_ID = 987654321987  # stands for the id in the one reversed URL of ``urls_of``


@dataclass(frozen=True)
class EvidenceItem:
    source: str  # the registering source's key, e.g. "feedback"
    kind: str  # e.g. "praise", "recognition", "goal"
    title: str
    occurred_at: datetime
    competency_ids: frozenset[int] = field(default_factory=frozenset)
    summary: str = ""
    url: str = ""
    # Stable reference of the underlying record ("feedback:42"): what the subject pins,
    # hides or attaches in their readiness view, across periods and versions.
    ref: str = ""


class EvidenceSource(Protocol):
    key: str
    label: str

    def items(
        self,
        *,
        subject: Membership,
        competency_ids: set[int],
        since: datetime,
        until: datetime,
    ) -> Iterable[EvidenceItem]: ...


class AttachableSource(Protocol):
    """A source that also holds items readiness never shows unless the subject attaches
    them (private feedback). Optional: ``attachable`` is looked up with ``getattr``."""

    key: str

    def attachable(
        self, *, subject: Membership, competency_ids: set[int], since: datetime, until: datetime
    ) -> Iterable[EvidenceItem]: ...


def urls_of(url_name: str, org_slug: str) -> Callable[[int], str]:
    """The detail URL of any item by id, reversed once: a source lists hundreds of items,
    and a ``reverse()`` per item was a visible part of a readiness view."""
    template = reverse(url_name, kwargs={"org_slug": org_slug, "pk": _ANY_ID})
    return lambda pk: template.replace(str(_ANY_ID), str(pk))


def competencies_by_item(pairs: Iterable[tuple[int, int]]) -> dict[int, set[int]]:
    """``(item id, competency id)`` rows, as each item's competencies."""
    found: dict[int, set[int]] = defaultdict(set)
    for item_id, competency_id in pairs:
        found[item_id].add(competency_id)
    return found


_SOURCES: dict[str, EvidenceSource] = {}


def register(source: EvidenceSource) -> None:
    _SOURCES[source.key] = source


def unregister(key: str) -> None:
    _SOURCES.pop(key, None)


def registered_sources() -> list[EvidenceSource]:
    return list(_SOURCES.values())


def evidence_for(
    subject: Membership, competency_ids: set[int], since: datetime, until: datetime
) -> list[EvidenceItem]:
    """Evidence from every registered source about ``subject`` for any of the competencies,
    within [since, until], newest first. Sources must only return what the subject's own
    organization holds; items outside the period or the competencies are dropped here too,
    so a careless source cannot widen the answer."""
    wanted = frozenset(competency_ids)  # frozen: one source cannot change what the next sees
    gathered = []
    for source in list(_SOURCES.values()):
        for item in source.items(
            subject=subject, competency_ids=set(wanted), since=since, until=until
        ):
            if since <= item.occurred_at <= until and not wanted.isdisjoint(item.competency_ids):
                gathered.append(item)
    return sorted(gathered, key=lambda item: item.occurred_at, reverse=True)


def attachable_for(
    subject: Membership, competency_ids: set[int], since: datetime, until: datetime
) -> list[EvidenceItem]:
    """Items only the subject sees and may choose to attach as evidence (not yet attached),
    from every source that has such items, newest first."""
    wanted = frozenset(competency_ids)
    gathered = []
    for source in list(_SOURCES.values()):
        attachable = getattr(source, "attachable", None)
        if attachable is None:
            continue
        for item in attachable(
            subject=subject, competency_ids=set(wanted), since=since, until=until
        ):
            if since <= item.occurred_at <= until and not wanted.isdisjoint(item.competency_ids):
                gathered.append(item)
    return sorted(gathered, key=lambda item: item.occurred_at, reverse=True)
