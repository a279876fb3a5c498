"""The remedies registry: what a person's development plan does about a readiness gap.

``advancement`` never imports the apps that hold goals, stretch assignments or
mentorships; ``development`` registers a source in its ``wiring.py``. A source
answers for one subject and a set of competencies, in a bounded number of queries, with
what is under way (not what is done: done work is evidence, see ``evidence.py``).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from perfapp.orgs.models import Membership
from perfapp.registry import Registry


@dataclass(frozen=True)
class Remedy:
    source: str  # the registering source's key
    kind: str  # "goal", "stretch", "mentor", ...
    title: str
    competency_ids: frozenset[int] = field(default_factory=frozenset)
    detail: str = ""
    url: str = ""


class RemedySource(Protocol):
    key: str
    label: str

    def remedies(self, *, subject: Membership, competency_ids: set[int]) -> Iterable[Remedy]: ...


SOURCES: Registry[RemedySource] = Registry("remedy source")


def remedies_for(subject: Membership, competency_ids: set[int]) -> dict[int, list[Remedy]]:
    """Remedies from every source, by competency id (an item growing two competencies is
    listed under both). Items about other competencies are dropped here."""
    wanted = frozenset(competency_ids)
    found: dict[int, list[Remedy]] = {pk: [] for pk in wanted}
    if not wanted:
        return found
    for source in SOURCES.all():
        for remedy in source.remedies(subject=subject, competency_ids=set(wanted)):
            for pk in remedy.competency_ids & wanted:
                found[pk].append(remedy)
    return found
