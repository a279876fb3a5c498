"""Recognition as evidence for the recipients' promotion criteria: tagged with a competency,
or of a contribution kind HR mapped to it. Only the people recognized get it, only within
the period, and in a fixed number of queries."""

from datetime import timedelta

from django.utils import timezone

from advancement.evidence import SOURCES, evidence_for
from recognition.evidence import RecognitionEvidence
from recognition.services import values as services

from .wall_world import backdate, give, grow_wall, kind_named

YEAR = timedelta(days=365)


def evidence(world, person, competency, *, since=None, until=None):
    now = timezone.now()
    with world.scope():
        return [
            item
            for item in evidence_for(person, {competency.pk}, since or now - YEAR, until or now)
            if item.source == "recognition"
        ]


def map_kind(world, kind_name: str, competency) -> None:
    kind = kind_named(world, kind_name)
    with world.scope():
        services.change_kind(
            actor=world.hr,
            kind=kind,
            name=kind.name,
            description=kind.description,
            competencies=[competency],
        )


def test_the_source_is_registered():
    assert any(isinstance(source, RecognitionEvidence) for source in SOURCES.all())


def test_tagged_recognition_is_evidence_for_every_recipient(world_a):
    competency = world_a.framework.competency
    recognition = give(
        world_a, recipients=[world_a.report, world_a.manager], competencies=[competency]
    )
    for person in (world_a.report, world_a.manager):
        found = evidence(world_a, person, competency)
        assert [item.url for item in found] == [f"/o/alpha/recognition/{recognition.pk}/"]
        assert found[0].kind == "recognition"
        assert found[0].title == f"Collaboration: recognized by {world_a.member.name}"
        assert competency.pk in found[0].competency_ids
        assert "billing migration" in found[0].summary
    assert evidence(world_a, world_a.member, competency) == []  # the giver gets none


def test_a_kind_mapped_by_hr_makes_untagged_recognition_count(world_a):
    competency = world_a.framework.other_competency
    recognition = give(world_a, kind=kind_named(world_a, "Mentorship"))
    assert evidence(world_a, world_a.report, competency) == []
    map_kind(world_a, "Mentorship", competency)
    found = evidence(world_a, world_a.report, competency)
    assert [item.url for item in found] == [f"/o/alpha/recognition/{recognition.pk}/"]
    assert found[0].competency_ids == frozenset({competency.pk})


def test_only_the_period_counts(world_a):
    competency = world_a.framework.competency
    old = give(world_a, competencies=[competency])
    backdate(world_a, old, timezone.now() - timedelta(days=400))
    assert evidence(world_a, world_a.report, competency) == []
    since = timezone.now() - timedelta(days=500)
    assert len(evidence(world_a, world_a.report, competency, since=since)) == 1


def test_unrelated_competencies_give_nothing(world_a):
    give(world_a, competencies=[world_a.framework.competency])
    assert evidence(world_a, world_a.report, world_a.framework.other_competency) == []


def test_evidence_costs_the_same_for_few_or_many(world_a, django_assert_max_num_queries):
    competency = world_a.framework.competency
    map_kind(world_a, "Collaboration", world_a.framework.other_competency)
    source = RecognitionEvidence()
    now = timezone.now()
    used = []
    grown = 0
    for size in (3, 80):
        grow_wall(world_a, size - grown, comments=0, reactions=0)
        grown = size
        with world_a.scope(), django_assert_max_num_queries(6) as captured:
            found = list(
                source.items(
                    subject=world_a.report,
                    competency_ids={competency.pk, world_a.framework.other_competency.pk},
                    since=now - YEAR,
                    until=now + timedelta(minutes=1),
                )
            )
        assert len(found) == size
        assert all(
            {competency.pk, world_a.framework.other_competency.pk} <= item.competency_ids
            for item in found
        )
        used.append(len(captured.captured_queries))
    assert used[0] == used[1], used
