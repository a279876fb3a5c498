"""The evidence registry: how feedback, recognition, goals and stretch assignments become
evidence for a criterion without ``advancement`` importing the apps that hold them.

Each leaf app registers a source in its ``wiring.py``. A source answers for one
person, a set of competencies and a period, in a bounded number of queries.

Evidence is read by more people than most of its records: the person, their manager
chain, HR, a round's calibration group. So every item carries its **audience**, who may
read the record itself (feedback shared "with the recipient and their manager": those
two and its writer), and ``read_by`` is the one place where an item meets its reader:
inside the audience it is the item, outside it a placeholder that says the item exists,
when, for which competencies and who may read it, without its words, its author or its
link. The live readiness view and a promotion case's frozen packet (read back through
``EvidenceItem.from_packet``) both go through it, so a packet frozen with text is still
a placeholder for readers outside the audience.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property
from typing import NamedTuple, Protocol

from django.urls import reverse

from perfapp.orgs.models import Membership
from perfapp.registry import Registry

_ANY_ID = 987654321987  # stands for the id in the one reversed URL of ``urls_of``
MAX_CHAIN = 50  # how far up a reporting line is walked (as the permissions do)


@dataclass(frozen=True)
class Audience:
    """Who may read an evidence item in full, as relations to its subject that are read
    when the evidence is read: "their manager" is the subject's manager today, as for the
    record itself, also for a packet frozen months ago."""

    everyone: bool = False  # anyone who may read the subject's evidence
    subject: bool = False
    manager: bool = False  # the subject's direct manager
    chain: bool = False  # anyone above the subject in the reporting line
    team: bool = False  # the subject's teammates
    permission: str = ""  # anyone holding this named permission (HR)
    member_ids: frozenset[int] = frozenset()  # named people, e.g. whoever wrote it
    members_label: str = ""  # how the named people are described ("its owner"); "": unsaid

    def admits(self, reader: "Reader") -> bool:
        if self.everyone or reader.viewer.pk in self.member_ids:
            return True
        if self.subject and reader.is_subject:
            return True
        if self.manager and reader.is_manager:
            return True
        if self.permission and reader.viewer.has_perm(self.permission):
            return True
        if self.team and reader.is_teammate:
            return True
        return self.chain and reader.in_chain

    def describe(self, subject_name: str, *, to_subject: bool = False) -> str:
        """Who reads it, in words: "Sam and their manager", "only Sam" ("you and your
        manager", "only you" for the subject). Empty when anyone who reads the evidence
        may read it."""
        if self.everyone:
            return ""
        their = "your" if to_subject else "their"
        parts = [
            *(["you" if to_subject else subject_name] if self.subject else []),
            *([f"{their} manager"] if self.manager and not self.chain else []),
            *([f"{their} reporting line"] if self.chain else []),
            *([f"{their} team"] if self.team else []),
            *([self.members_label] if self.members_label else []),
            *(["HR"] if self.permission else []),
        ]
        if len(parts) < 2:
            return f"only {parts[0]}" if parts else "nobody else"
        return f"{', '.join(parts[:-1])} and {parts[-1]}"

    def as_data(self) -> dict:
        """Plain JSON for a frozen packet (only what is set)."""
        data: dict = {
            key: True
            for key in ("everyone", "subject", "manager", "chain", "team")
            if getattr(self, key)
        }
        if self.permission:
            data["permission"] = self.permission
        if self.member_ids:
            data["member_ids"] = sorted(self.member_ids)
        if self.members_label:
            data["members_label"] = self.members_label
        return data

    @classmethod
    def from_data(cls, data: dict) -> "Audience":
        flags = ("everyone", "subject", "manager", "chain", "team")
        return cls(
            **{key: bool(data.get(key)) for key in flags},
            permission=str(data.get("permission") or ""),
            member_ids=frozenset(int(pk) for pk in data.get("member_ids") or ()),
            members_label=str(data.get("members_label") or ""),
        )


EVERYONE = Audience(everyone=True)
# What an item says about its audience when its source says nothing: only the subject,
# so that a source that forgets fails closed.
ONLY_SUBJECT = Audience(subject=True)


class Placeholder(NamedTuple):
    """What a reader outside an item's audience sees instead of it."""

    kind: str
    title: str


GENERIC_PLACEHOLDER = "An item of evidence"


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
    audience: Audience = ONLY_SUBJECT  # who may read it in full (see ``read_by``)
    redacted: bool = False  # a placeholder, as ``read_by`` gives it outside the audience

    def as_packet(self) -> dict:
        """The item itself with its audience, as a promotion case freezes it. Never shown
        as it is: read it back with ``from_packet`` and give it to ``read_by``."""
        return {
            "ref": self.ref,
            "source": self.source,
            "kind": self.kind,
            "title": self.title,
            "occurred_at": self.occurred_at.isoformat(),
            "summary": self.summary,
            "url": self.url,
            "audience": self.audience.as_data(),
        }

    @classmethod
    def from_packet(cls, data: dict) -> "EvidenceItem":
        """An item frozen in a packet. One frozen before items carried their audience
        gets the audience its source declares for such items (``frozen_audience``),
        else only the subject's."""
        source = data.get("source", "")
        if "audience" in data:
            audience = Audience.from_data(data["audience"])
        else:
            audience = getattr(SOURCES.find(source), "frozen_audience", ONLY_SUBJECT)
        return cls(
            source=source,
            kind=data.get("kind", ""),
            title=data.get("title", ""),
            occurred_at=datetime.fromisoformat(data["occurred_at"]),
            summary=data.get("summary", ""),
            url=data.get("url", ""),
            ref=data.get("ref", ""),
            audience=audience,
        )


class Reader:
    """Someone reading a subject's evidence, and how they stand to the subject. The walk
    up the reporting line happens only when an item's audience asks about it."""

    def __init__(self, viewer: Membership, subject: Membership):
        self.viewer, self.subject = viewer, subject
        self.is_subject = viewer.pk == subject.pk
        self.is_manager = subject.manager_id is not None and subject.manager_id == viewer.pk
        self.is_teammate = subject.team_id is not None and subject.team_id == viewer.team_id

    @cached_property
    def in_chain(self) -> bool:
        current, steps = self.subject, 0
        while current.manager_id is not None and steps < MAX_CHAIN:
            if current.manager_id == self.viewer.pk:
                return True
            current = current.manager
            steps += 1
        return False


def read_by(item: EvidenceItem, reader: Reader) -> EvidenceItem:
    """The item as ``reader`` may read it: itself inside its audience; outside it, its
    source's placeholder with who may read it ("Feedback from a colleague, shared with Sam
    and their manager"), its date, competencies and ref, and no text, author or link."""
    if item.audience.admits(reader):
        return item
    placeholder = placeholder_of(item)
    return replace(
        item,
        kind=placeholder.kind,
        title=f"{placeholder.title}, {shared_phrase(item.audience.describe(reader.subject.name))}",
        summary="",
        url="",
        # Named people (a writer) do not travel with a placeholder, not even as ids.
        audience=replace(item.audience, member_ids=frozenset()),
        redacted=True,
    )


def shared_phrase(who: str) -> str:
    """The phrase for a title: "shared only with Sam", "shared with Sam and their manager"."""
    if who.startswith("only "):
        return f"shared only with {who.removeprefix('only ')}"
    return f"shared with {who}"


def shared_with(item: EvidenceItem, reader: Reader) -> str:
    """Who may read the item in full, in words for this reader ("you and your manager"),
    or empty when everyone who reads the evidence may."""
    return item.audience.describe(reader.subject.name, to_subject=reader.is_subject)


def placeholder_of(item: EvidenceItem) -> Placeholder:
    """The item's source says what stands in for it (``placeholder(item)``); a source that
    says nothing, or is gone, gets a generic line."""
    source = SOURCES.find(item.source)
    make = getattr(source, "placeholder", None)
    return make(item) if make is not None else Placeholder(item.source, GENERIC_PLACEHOLDER)


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


SOURCES: Registry[EvidenceSource] = Registry("evidence source")


def evidence_for(
    subject: Membership, competency_ids: set[int], since: datetime, until: datetime
) -> list[EvidenceItem]:
    """Evidence from every registered source about ``subject`` for any of the competencies,
    within [since, until], newest first. Sources must only return what the subject's own
    organization holds; items outside the period or the competencies are dropped here too,
    so a careless source cannot widen the answer."""
    wanted = frozenset(competency_ids)  # frozen: one source cannot change what the next sees
    gathered = []
    for source in SOURCES.all():
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
    for source in SOURCES.all():
        attachable = getattr(source, "attachable", None)
        if attachable is None:
            continue
        for item in attachable(
            subject=subject, competency_ids=set(wanted), since=since, until=until
        ):
            if since <= item.occurred_at <= until and not wanted.isdisjoint(item.competency_ids):
                gathered.append(item)
    return sorted(gathered, key=lambda item: item.occurred_at, reverse=True)
