"""The evidence registry: leaf apps register sources; ``evidence_for`` gathers from all."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from advancement import evidence
from advancement.evidence import EvidenceItem

SINCE = datetime(2025, 1, 1, tzinfo=UTC)
UNTIL = datetime(2025, 6, 30, 23, 59, tzinfo=UTC)


def at(month: int, day: int = 1) -> datetime:
    return datetime(2025, month, day, 12, tzinfo=UTC)


@dataclass
class FakeSource:
    key: str
    label: str
    answer: list = field(default_factory=list)
    calls: list = field(default_factory=list)

    def items(self, *, subject, competency_ids, since, until):
        self.calls.append(
            {
                "subject": subject,
                "competency_ids": set(competency_ids),
                "since": since,
                "until": until,
            }
        )
        competency_ids.clear()  # a careless source must not change what others are asked
        return iter(self.answer)


@pytest.fixture
def sources():
    """Two fake sources, alone in the registry (the leaf apps' real sources are set aside
    for the test and come back afterwards)."""
    feedback = FakeSource("test-feedback", "Feedback")
    goals = FakeSource("test-goals", "Goals")
    with evidence.SOURCES.temporarily(empty=True):
        evidence.SOURCES.register(feedback)
        evidence.SOURCES.register(goals)
        yield feedback, goals
        evidence.SOURCES.unregister("test-feedback")
        evidence.SOURCES.unregister("test-goals")
        assert evidence.SOURCES.all() == []


def item(source: str, when: datetime, *competencies: int, title: str = "") -> EvidenceItem:
    return EvidenceItem(
        source=source,
        kind="praise",
        title=title or f"{source} {when:%m-%d}",
        occurred_at=when,
        competency_ids=frozenset(competencies),
    )


def test_sources_are_registered_and_unregistered(sources):
    keys = [source.key for source in evidence.SOURCES.all()]
    assert keys == ["test-feedback", "test-goals"]
    evidence.SOURCES.unregister("test-goals")
    assert "test-goals" not in [source.key for source in evidence.SOURCES.all()]
    evidence.SOURCES.unregister("never-registered")  # harmless


def test_registering_the_same_key_again_replaces_the_source(sources):
    feedback, _ = sources
    newer = FakeSource("test-feedback", "Feedback v2", answer=[item("test-feedback", at(2), 1)])
    evidence.SOURCES.register(newer)
    found = evidence.evidence_for(object(), {1}, SINCE, UNTIL)
    assert [i.title for i in found] == ["test-feedback 02-01"]
    assert feedback.calls == []


def test_evidence_from_all_sources_is_merged_newest_first(sources, world_a):
    feedback, goals = sources
    feedback.answer = [item("test-feedback", at(1, 10), 1), item("test-feedback", at(5), 2)]
    goals.answer = [item("test-goals", at(3), 1, 2), item("test-goals", at(6, 30), 2)]
    found = evidence.evidence_for(world_a.report, {1, 2}, SINCE, UNTIL)
    assert [i.title for i in found] == [
        "test-goals 06-30",
        "test-feedback 05-01",
        "test-goals 03-01",
        "test-feedback 01-10",
    ]


def test_items_outside_the_period_or_the_competencies_are_dropped(sources, world_a):
    feedback, goals = sources
    feedback.answer = [
        item("test-feedback", datetime(2024, 12, 31, 23, 59, tzinfo=UTC), 1, title="too early"),
        item("test-feedback", SINCE, 1, title="first moment"),
        item("test-feedback", UNTIL, 1, title="last moment"),
        item("test-feedback", datetime(2025, 7, 1, tzinfo=UTC), 1, title="too late"),
    ]
    goals.answer = [
        item("test-goals", at(2), 3, title="other competency"),
        item("test-goals", at(2), title="no competency"),
        item("test-goals", at(3), 3, 1, title="one of several"),
    ]
    found = evidence.evidence_for(world_a.report, {1, 2}, SINCE, UNTIL)
    assert [i.title for i in found] == ["last moment", "one of several", "first moment"]


def test_every_source_is_asked_with_the_person_competencies_and_period(sources, world_a):
    feedback, goals = sources
    evidence.evidence_for(world_a.report, [7, 8, 7], SINCE, UNTIL)
    expected = {
        "subject": world_a.report,
        "competency_ids": {7, 8},
        "since": SINCE,
        "until": UNTIL,
    }
    # The first source emptied its set; the second is still asked about 7 and 8.
    assert feedback.calls == [expected]
    assert goals.calls == [expected]


def test_a_source_may_tag_items_with_any_collection_of_ids(sources, world_a):
    feedback, _ = sources
    feedback.answer = [
        EvidenceItem("test-feedback", "goal", "as a list", at(2), competency_ids=[2]),
        EvidenceItem("test-feedback", "goal", "as a set", at(3), competency_ids={1}),
    ]
    found = evidence.evidence_for(world_a.report, {1, 2}, SINCE, UNTIL)
    assert [i.title for i in found] == ["as a set", "as a list"]


def test_no_competencies_means_no_evidence(sources, world_a):
    feedback, _ = sources
    feedback.answer = [item("test-feedback", at(2), 1)]
    assert evidence.evidence_for(world_a.report, set(), SINCE, UNTIL) == []
