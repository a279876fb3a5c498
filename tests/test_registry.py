"""The one registry mechanism every app plugs into (perfapp/registry.py)."""

from dataclasses import dataclass

import pytest

from perfapp.registry import Registry


@dataclass(frozen=True)
class Entry:
    key: str
    order: int = 0


def test_entries_are_listed_by_order_then_as_registered():
    registry: Registry[Entry] = Registry("test entry", order=lambda e: e.order)
    registry.register_all((Entry("b", 2), Entry("a", 1), Entry("c", 1)))
    assert [e.key for e in registry.all()] == ["a", "c", "b"]


def test_registering_a_key_again_replaces_the_entry_in_its_place():
    registry: Registry[Entry] = Registry("test entry")
    registry.register(Entry("a"))
    registry.register(Entry("b"))
    registry.register(Entry("a", order=5))
    assert registry.all() == [Entry("a", 5), Entry("b")]
    assert len(registry) == 2


def test_a_missing_key_names_the_registry_or_reads_as_none():
    registry: Registry[Entry] = Registry("test entry")
    with pytest.raises(KeyError, match="No test entry is registered under 'nope'"):
        registry.get("nope")
    assert registry.find("nope") is None
    registry.unregister("nope")  # harmless


def test_a_check_refuses_an_entry_before_it_is_listed():
    def only_lowercase(entry: Entry) -> None:
        if entry.key != entry.key.lower():
            raise ValueError("keys are lowercase")

    registry: Registry[Entry] = Registry("test entry", check=only_lowercase)
    with pytest.raises(ValueError, match="lowercase"):
        registry.register(Entry("Loud"))
    assert "Loud" not in registry


def test_temporarily_undoes_what_the_block_changed():
    registry: Registry[Entry] = Registry("test entry")
    registry.register(Entry("kept"))
    with registry.temporarily(empty=True):
        assert registry.all() == []
        registry.register(Entry("fake"))
    assert registry.all() == [Entry("kept")]
    with pytest.raises(RuntimeError), registry.temporarily():
        registry.unregister("kept")
        raise RuntimeError
    assert "kept" in registry


def test_functions_are_registered_by_identity_when_the_key_is_the_entry():
    handlers: Registry = Registry("handler", key=lambda handler: handler)

    @handlers.register
    def on_decision() -> None: ...

    handlers.register(on_decision)
    assert handlers.all() == [on_decision]
