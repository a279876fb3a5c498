"""Links between apps: a talking point or an action item of a 1:1 can point at a piece of
feedback, a criterion of the career framework, a goal or a recognition, without the app
that holds the link importing the app that holds the object.

The link itself is stored as a generic reference (a content type and an id, see
``feedback.models.checkins.Linkable``). What may be linked, how it reads and who may see
it is answered by *link sources* that apps register in their ``wiring.py``::

    from perfapp import links
    links.SOURCES.register(GoalLinks())

A source is any object with:

- ``key`` — a short, stable name used by forms and the API (``"feedback"``, ``"criterion"``);
- ``label`` — what the group is called in a picker (``"Feedback"``);
- ``model`` — the model whose content type the stored link carries;
- ``load(ids)`` — the active organization's objects with these ids, as ``{id: object}``,
  in a bounded number of queries (through the tenant-scoped manager, so another
  organization's object is simply not found); objects need a ``pk``;
- ``candidates(subject=, viewer=)`` — a short list of objects the viewer may pick in a
  conversation about ``subject`` (in a 1:1 the subject is the report), newest or most
  relevant first, in a bounded number of queries;
- ``describe(obj, viewer=)`` — ``(label, url)`` of an object the viewer may see;
- ``can_see(obj, viewer=)`` — whether the viewer may see the object, answered without a
  query for objects that ``load`` returned.

``show(items, viewer)`` renders the links of many rows at once with one ``load`` per
source present, so a page or an API list costs the same however many rows link to
something. A link the viewer may not see reads "A linked item you cannot see" and
carries neither its title, its URL, its source nor its id.

Sources that read the same thing for ``load``, ``candidates`` and a coaching signal (the
current framework version, a placement) share it through ``memo(key, compute)`` inside a
``reading()`` block: a page that shows links, offers a picker and lists suggestions
enters one block and reads each of those once.
"""

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Protocol

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models

from perfapp.registry import Registry

__all__ = [
    "HIDDEN_LABEL",
    "MISSING_LABEL",
    "SOURCES",
    "LinkRef",
    "LinkSource",
    "ShownLink",
    "choices_for",
    "find",
    "memo",
    "parse",
    "reading",
    "ref_of",
    "show",
    "show_refs",
    "store",
]

HIDDEN_LABEL = "A linked item you cannot see"
MISSING_LABEL = "A linked item that is no longer available"
NOT_LINKABLE = "There is nothing you can link to with this id."
UNKNOWN_SOURCE = "This is not something a talking point or an action item can link to."


@dataclass(frozen=True)
class LinkRef:
    """What a form or an API body names: a source key and an id."""

    source: str
    id: int

    @property
    def value(self) -> str:
        """The form value of this link, e.g. ``"feedback:12"``."""
        return f"{self.source}:{self.id}"


@dataclass(frozen=True)
class ShownLink:
    """A link as one viewer may see it. When ``visible`` is false only the label is set."""

    label: str
    visible: bool
    source: str | None = None
    source_label: str = ""
    id: int | None = None
    url: str = ""

    @property
    def ref(self) -> LinkRef | None:
        return LinkRef(self.source, self.id) if self.visible and self.source else None


class LinkSource(Protocol):
    key: str
    label: str
    model: type[models.Model]

    def load(self, ids: Collection[int]) -> dict[int, Any]: ...

    def candidates(self, *, subject, viewer) -> Iterable[Any]: ...

    def describe(self, obj, *, viewer) -> tuple[str, str]: ...

    def can_see(self, obj, *, viewer) -> bool: ...


SOURCES: Registry[LinkSource] = Registry("link source")


def _type_id(link_source: LinkSource) -> int:
    # ContentType's manager caches: after the first lookup this costs no query.
    return ContentType.objects.get_for_model(link_source.model).pk


def _source_of_type(type_id: int) -> LinkSource | None:
    for candidate in SOURCES.all():
        if _type_id(candidate) == type_id:
            return candidate
    return None


# --- shared reads within one page ------------------------------------------------------------

_MEMO: ContextVar[dict | None] = ContextVar("perfapp_links_memo", default=None)


@contextmanager
def reading() -> Iterator[None]:
    """A block whose ``memo`` reads are shared (a nested block shares its parent's). Enter
    it for one request's work only: what it remembers is not refreshed."""
    if _MEMO.get() is not None:
        yield
        return
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def memo(key: tuple, compute: Callable[[], Any]) -> Any:
    """``compute()`` once per ``key`` inside a ``reading()`` block; every time outside."""
    store = _MEMO.get()
    if store is None:
        return compute()
    if key not in store:
        store[key] = compute()
    return store[key]


# --- reading what people submit -------------------------------------------------------------


def parse(raw: str) -> LinkRef | None:
    """``"feedback:12"`` → ``LinkRef("feedback", 12)``; an empty value → None. Anything
    else raises ValidationError."""
    raw = (raw or "").strip()
    if not raw:
        return None
    key, _, number = raw.partition(":")
    if not (number.isascii() and number.isdigit()) or len(number) > 18:
        raise ValidationError(NOT_LINKABLE, code="invalid")
    return LinkRef(key, int(number))


def find(ref: LinkRef, *, viewer) -> Any:
    """The object ``ref`` names, if the viewer may link to it; otherwise ValidationError.

    An unknown source, an id that does not exist in the active organization, and an object
    the viewer may not see all give the same answer for the id, so the error never tells
    whether something exists."""
    link_source = SOURCES.find(ref.source)
    if link_source is None:
        raise ValidationError(UNKNOWN_SOURCE, code="unknown_source")
    if ref.id <= 0:
        raise ValidationError(NOT_LINKABLE, code="does_not_exist")
    found = link_source.load([ref.id]).get(ref.id)
    if found is None or not link_source.can_see(found, viewer=viewer):
        raise ValidationError(NOT_LINKABLE, code="does_not_exist")
    return found


def store(ref: LinkRef | None) -> tuple[ContentType | None, int | None]:
    """The (content type, id) to save for a link already checked with ``find``."""
    if ref is None:
        return None, None
    return ContentType.objects.get_for_model(SOURCES.get(ref.source).model), ref.id


def ref_of(item) -> LinkRef | None:
    """The link stored on a row (``link_type_id``/``link_id``), if its source is known."""
    if not item.link_type_id or item.link_id is None:
        return None
    link_source = _source_of_type(item.link_type_id)
    return LinkRef(link_source.key, item.link_id) if link_source else None


# --- showing links ----------------------------------------------------------------------------


def show(items: Iterable, viewer, attr: str = "shown_link") -> None:
    """Set ``attr`` on every row to its ``ShownLink`` (or None without a link): one
    ``load`` per source present among the rows, nothing per row."""
    with reading():
        _show(list(items), viewer, attr)


def _show(rows: list, viewer, attr: str) -> None:
    wanted: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        if row.link_type_id and row.link_id is not None:
            wanted[row.link_type_id].add(row.link_id)
    loaded: dict[int, tuple[LinkSource | None, dict]] = {}
    for type_id, ids in wanted.items():
        link_source = _source_of_type(type_id)
        loaded[type_id] = (link_source, link_source.load(ids) if link_source else {})
    for row in rows:
        shown = None
        if row.link_type_id in loaded and row.link_id is not None:
            link_source, objects = loaded[row.link_type_id]
            shown = _shown(link_source, objects.get(row.link_id), row.link_id, viewer)
        setattr(row, attr, shown)


def show_refs(refs: Iterable[LinkRef], viewer) -> dict[LinkRef, ShownLink]:
    """``ShownLink``s for links not stored yet (e.g. what a suggestion would link to):
    one ``load`` per source named."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for ref in refs:
        wanted[ref.source].add(ref.id)
    shown = {}
    with reading():
        for key, ids in wanted.items():
            link_source = SOURCES.find(key)
            objects = link_source.load(ids) if link_source else {}
            for pk in ids:
                shown[LinkRef(key, pk)] = _shown(link_source, objects.get(pk), pk, viewer)
    return shown


def _shown(link_source: LinkSource | None, obj, pk: int, viewer) -> ShownLink:
    if link_source is None or obj is None:
        return ShownLink(label=MISSING_LABEL, visible=False)
    if not link_source.can_see(obj, viewer=viewer):
        return ShownLink(label=HIDDEN_LABEL, visible=False)
    label, url = link_source.describe(obj, viewer=viewer)
    return ShownLink(
        label=label,
        visible=True,
        source=link_source.key,
        source_label=link_source.label,
        id=pk,
        url=url,
    )


def choices_for(*, subject, viewer) -> list[tuple[str, list[tuple[str, str]]]]:
    """What a picker offers: ``[(source label, [(value, label), ...]), ...]``, only the
    sources with something to pick, each from its own ``candidates``."""
    groups = []
    with reading():
        for link_source in SOURCES.all():
            options = []
            for obj in link_source.candidates(subject=subject, viewer=viewer):
                if link_source.can_see(obj, viewer=viewer):
                    label, _url = link_source.describe(obj, viewer=viewer)
                    options.append((LinkRef(link_source.key, obj.pk).value, label))
            if options:
                groups.append((link_source.label, options))
    return groups
