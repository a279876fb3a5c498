"""One mechanism for every place where apps plug into the core (or into ``advancement``).

The core never names a domain app. Where it needs what the apps know (home panels, the
navigation, search sources, notification kinds …) it owns a ``Registry`` and each app fills
it from its ``wiring.py``, which ``AppConfig.ready`` runs. Every registry reads the same
way::

    from perfapp.web.home import PANELS

    PANELS.register(HomePanel(...))   # in an app's wiring.py
    PANELS.all()                      # where the core uses them, in order
    PANELS.get("feedback.requests")   # one entry by key (KeyError when absent)
    PANELS.find("feedback.requests")  # the same, None when absent

An entry is known by its key, so registering twice under one key replaces the first: the
same wiring can run again (tests reload apps) without listing anything twice.
"""

from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any


def _key_attribute(entry: Any) -> Hashable:
    return entry.key


def _registration_order(entry: Any) -> int:
    return 0


class Registry[T]:
    """Entries of one kind, each known by ``key(entry)`` and listed by ``order(entry)``
    (then in the order they were registered)."""

    def __init__(
        self,
        name: str,
        *,
        key: Callable[[T], Hashable] = _key_attribute,
        order: Callable[[T], Any] = _registration_order,
        check: Callable[[T], None] | None = None,
    ) -> None:
        self.name = name
        self._key = key
        self._order = order
        self._check = check
        self._entries: dict[Hashable, T] = {}

    def __repr__(self) -> str:
        return f"<Registry {self.name}: {len(self._entries)} entries>"

    def register(self, entry: T) -> T:
        """Add ``entry`` (replacing one with the same key) and return it, so a function can
        be registered with ``@REGISTRY.register``."""
        if self._check is not None:
            self._check(entry)
        self._entries[self._key(entry)] = entry
        return entry

    def register_all(self, entries: Iterable[T]) -> None:
        for entry in entries:
            self.register(entry)

    def unregister(self, key: Hashable) -> None:
        self._entries.pop(key, None)

    def all(self) -> list[T]:
        # sorted() is stable: equal orders keep the order of registration.
        return sorted(self._entries.values(), key=self._order)

    def get(self, key: Hashable) -> T:
        try:
            return self._entries[key]
        except KeyError:
            raise KeyError(f"No {self.name} is registered under {key!r}.") from None

    def find(self, key: Hashable) -> T | None:
        return self._entries.get(key)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    @contextmanager
    def temporarily(self, *, empty: bool = False) -> Iterator["Registry[T]"]:
        """What is registered or unregistered within the block is undone afterwards (a test
        plugs in a fake source); ``empty=True`` starts the block with nothing registered."""
        saved = dict(self._entries)
        if empty:
            self._entries.clear()
        try:
            yield self
        finally:
            self._entries = saved
