"""Tracks as portable JSON: the built-in templates, export, import, and bad documents."""

import copy
import json

import pytest
from django.core.exceptions import ValidationError

from advancement import track_io
from advancement.models import Competency, Criterion, Level, Track
from advancement.services import framework as framework_services

from .test_services import assert_refused

LADDERS = {
    # key: (track name, levels, criteria, competencies, level codes)
    "engineering-ic": ("Engineering — individual contributor", 6, 52, 8, "L1 L2 L3 L4 L5 L6"),
    "people-manager": ("Engineering — people manager", 4, 31, 7, "M1 M2 M3 M4"),
}


def _document(**overrides) -> dict:
    document = {
        "format": "perfapp.track/1",
        "name": "Sales",
        "description": "Selling things.",
        "competencies": [
            {"key": "closing", "name": "Closing", "category": "impact", "description": ""},
            {"key": "listening", "name": "Listening", "category": "collaboration"},
        ],
        "levels": [
            {
                "code": "S1",
                "name": "Seller",
                "summary": "Sells.",
                "criteria": [
                    {
                        "competency": "closing",
                        "expectation": "Closes deals.",
                        "evidence_examples": "CRM",
                    },
                    {"competency": None, "expectation": "Shows up."},
                ],
            },
            {"code": "S2", "name": "Senior seller", "criteria": []},
        ],
    }
    document.update(overrides)
    return document


def test_the_builtin_ladders_are_both_there():
    assert set(track_io.builtin_ladders()) == set(LADDERS)


@pytest.mark.parametrize("key", sorted(LADDERS))
def test_a_builtin_ladder_validates_and_imports(key, world_a):
    name, levels, criteria, competencies, codes = LADDERS[key]
    ladder = track_io.builtin_ladders()[key]
    assert track_io.validate(copy.deepcopy(ladder)) == ladder
    with world_a.scope():
        before = Competency.objects.count()
        track = track_io.import_track(actor=world_a.hr, data=ladder)
        assert track.name == name and track.organization == world_a.organization
        assert " ".join(track.levels.order_by("rank").values_list("code", flat=True)) == codes
        assert list(track.levels.order_by("rank").values_list("rank", flat=True)) == list(
            range(1, levels + 1)
        )
        assert Criterion.objects.filter(level__track=track).count() == criteria
        used = Competency.objects.filter(criteria__level__track=track).distinct().count()
        assert used == competencies
        assert Competency.objects.count() == before + competencies


def test_importing_both_ladders_reuses_the_shared_competency(world_a):
    ladders = track_io.builtin_ladders()
    with world_a.scope():
        before = Competency.objects.count()
        track_io.import_track(actor=world_a.hr, data=ladders["engineering-ic"])
        manager = track_io.import_track(actor=world_a.hr, data=ladders["people-manager"])
        assert Competency.objects.count() == before + 8 + 7 - 1  # "Collaboration" is shared
        shared = Competency.objects.get(name="Collaboration")
        assert Criterion.objects.filter(competency=shared, level__track=manager).exists()
        assert Criterion.objects.filter(competency=shared).exclude(level__track=manager).exists()


def test_import_reuses_a_same_named_competency_of_the_organization(world_a, world_b):
    existing = world_a.framework.competency  # "Craft alpha", a craft competency
    document = _document(
        competencies=[{"key": "c", "name": "CRAFT ALPHA", "category": "impact"}],
        levels=[
            {
                "code": "X1",
                "name": "One",
                "criteria": [{"competency": "c", "expectation": "Crafts."}],
            }
        ],
    )
    with world_a.scope():
        before = Competency.objects.count()
        track = track_io.import_track(actor=world_a.hr, data=document)
        assert Competency.objects.count() == before
        assert Criterion.objects.get(level__track=track).competency == existing
    with world_b.scope():  # the other organization's same-named library is not touched
        assert not Competency.objects.filter(name__iexact="craft alpha").exists()


def test_export_then_import_reproduces_the_track_under_a_new_name(world_a):
    ladder = track_io.builtin_ladders()["engineering-ic"]
    with world_a.scope():
        original = track_io.import_track(actor=world_a.hr, data=ladder)
        exported = track_io.export_track(original)
        assert exported["format"] == "perfapp.track/1" and exported["name"] == original.name
        exported = json.loads(json.dumps(exported))  # as a file would carry it
        competencies = Competency.objects.count()
        copy_ = track_io.import_track(actor=world_a.hr, data=exported, name="IC ladder (copy)")
        assert Competency.objects.count() == competencies  # every competency reused
        assert copy_.name == "IC ladder (copy)"
        assert copy_.description == original.description

        def shape(track):
            return [
                (
                    level.rank,
                    level.code,
                    level.name,
                    level.summary,
                    [
                        (c.competency_id, c.expectation, c.evidence_examples)
                        for c in level.criteria.order_by("position", "id")
                    ],
                )
                for level in Level.objects.filter(track=track).order_by("rank")
            ]

        assert shape(copy_) == shape(original)
        assert track_io.export_track(copy_) == {**exported, "name": "IC ladder (copy)"}


def test_export_gives_competencies_with_clashing_slugs_distinct_keys(world_a):
    fw = world_a.framework
    with world_a.scope():
        plus = framework_services.save_competency(
            actor=world_a.hr, competency=Competency(name="C++", category="craft")
        )
        sharp = framework_services.save_competency(
            actor=world_a.hr, competency=Competency(name="C#", category="craft")
        )
        for competency in (plus, sharp):
            framework_services.save_criterion(
                actor=world_a.hr,
                criterion=Criterion(
                    level=fw.level, competency=competency, expectation=f"Knows {competency}."
                ),
            )
        exported = track_io.export_track(fw.track)
        keys = [c["key"] for c in exported["competencies"]]
        assert len(keys) == len(set(keys)) == 4
        track_io.validate(exported)
        copy_ = track_io.import_track(actor=world_a.hr, data=exported, name="Copy")
        assert set(
            Criterion.objects.filter(level__track=copy_).values_list("expectation", "competency")
        ) == set(
            Criterion.objects.filter(level__track=fw.track).values_list("expectation", "competency")
        )


BAD_DOCUMENTS = {
    "not a dict": (["a list"], "This is not a perfapp track file"),
    "wrong format": (_document(format="perfapp.track/2"), "expected format “perfapp.track/1”"),
    "no name": (_document(name="  "), "“name” must be a non-empty text."),
    "levels not a list": (_document(levels={"code": "S1"}), "“levels” must be a list of 1 to 30"),
    "no levels": (_document(levels=[]), "“levels” must be a list of 1 to 30"),
    "competencies not a list": (
        _document(competencies="closing"),
        "“competencies” must be a list of at most 60",
    ),
    "criteria not a list": (
        _document(levels=[{"code": "S1", "name": "S", "criteria": "many"}]),
        "levels[1].criteria must be a list.",
    ),
    "unknown competency key": (
        _document(
            levels=[
                {
                    "code": "S1",
                    "name": "S",
                    "criteria": [{"competency": "typing", "expectation": "Types."}],
                }
            ]
        ),
        "levels[1].criteria[1].competency “typing” is not in “competencies”.",
    ),
    "competency key not a text": (
        _document(
            levels=[
                {
                    "code": "S1",
                    "name": "S",
                    "criteria": [{"competency": ["closing"], "expectation": "Types."}],
                }
            ]
        ),
        "levels[1].criteria[1].competency must be a competency key or null.",
    ),
    "duplicate level code": (
        _document(levels=[{"code": "S1", "name": "A"}, {"code": "s1 ", "name": "B"}]),
        "levels[2].code “s1” appears twice.",
    ),
    "duplicate competency key": (
        _document(
            competencies=[
                {"key": "k", "name": "A", "category": "craft"},
                {"key": "k", "name": "B", "category": "craft"},
            ]
        ),
        "competencies[2].key “k” appears twice.",
    ),
    "duplicate competency name": (
        _document(
            competencies=[
                {"key": "a", "name": "Closing", "category": "craft"},
                {"key": "b", "name": "closing", "category": "craft"},
            ]
        ),
        "competencies[2].name “closing” appears twice.",
    ),
    "unknown category": (
        _document(competencies=[{"key": "a", "name": "A", "category": "vibes"}]),
        "competencies[1].category must be one of craft, collaboration, leadership, impact.",
    ),
    "two criteria for one competency": (
        _document(
            levels=[
                {
                    "code": "S1",
                    "name": "S",
                    "criteria": [
                        {"competency": "closing", "expectation": "One."},
                        {"competency": "closing", "expectation": "Two."},
                    ],
                }
            ]
        ),
        "levels[1].criteria[2]: two criteria for “closing” on one level.",
    ),
    "too long expectation": (
        _document(
            levels=[
                {
                    "code": "S1",
                    "name": "S",
                    "criteria": [{"competency": None, "expectation": "x" * 1001}],
                }
            ]
        ),
        "“levels[1].criteria[1].expectation” is longer than 1000 characters.",
    ),
    "too long level code": (
        _document(levels=[{"code": "LEVEL-ONE-X", "name": "S"}]),
        "“levels[1].code” is longer than 10 characters.",
    ),
    "empty expectation": (
        _document(levels=[{"code": "S1", "name": "S", "criteria": [{"expectation": ""}]}]),
        "“levels[1].criteria[1].expectation” must be a non-empty text.",
    ),
    "level not an object": (_document(levels=["S1"]), "levels[1] must be an object."),
    "too many levels": (
        _document(levels=[{"code": f"L{i}", "name": "L"} for i in range(31)]),
        "“levels” must be a list of 1 to 30",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_DOCUMENTS))
def test_an_invalid_document_is_refused_clearly_and_creates_nothing(case, world_a):
    document, message = BAD_DOCUMENTS[case]
    with world_a.scope():
        with pytest.raises(ValidationError) as info:
            track_io.validate(copy.deepcopy(document))
        assert message in " ".join(info.value.messages)
        assert_refused(
            lambda: track_io.import_track(actor=world_a.hr, data=copy.deepcopy(document)),
            message,
        )


def test_a_track_name_clash_is_refused(world_a):
    with world_a.scope():
        assert_refused(
            lambda: track_io.import_track(
                actor=world_a.hr, data=_document(name="ENGINEERING ALPHA")
            ),
            "There is already a track called “ENGINEERING ALPHA”. Rename one first.",
        )
        assert_refused(
            lambda: track_io.import_track(
                actor=world_a.hr, data=_document(), name="Engineering alpha"
            ),
            "There is already a track called",
        )
        assert_refused(
            lambda: track_io.import_track(actor=world_a.hr, data=_document(), name="x" * 121),
            "longer than 120 characters",
        )
        ladder = track_io.builtin_ladders()["people-manager"]
        track_io.import_track(actor=world_a.hr, data=ladder)
        assert_refused(
            lambda: track_io.import_track(actor=world_a.hr, data=ladder),
            "There is already a track called “Engineering — people manager”",
        )


def test_the_same_name_in_another_organization_is_fine(world_a, world_b):
    with world_b.scope():
        track = track_io.import_track(actor=world_b.hr, data=_document(name="Engineering alpha"))
        assert track.organization == world_b.organization
    with world_a.scope():
        assert Track.objects.filter(name="Engineering alpha").count() == 1


def test_import_strips_text_and_numbers_levels_in_order(world_a):
    document = _document(
        name="  Sales  ",
        levels=[
            {
                "code": " S1 ",
                "name": " Seller ",
                "summary": " Sells. ",
                "criteria": [
                    {"competency": "closing", "expectation": " Closes. ", "evidence_examples": None}
                ],
            },
            {"code": "S2", "name": "Senior"},
        ],
    )
    with world_a.scope():
        track = track_io.import_track(actor=world_a.hr, data=document)
        assert track.name == "Sales"
        first, second = Level.objects.filter(track=track).order_by("rank")
        assert (first.rank, first.code, first.name, first.summary) == (1, "S1", "Seller", "Sells.")
        assert (second.rank, second.code) == (2, "S2")
        [criterion] = first.criteria.all()
        assert (criterion.expectation, criterion.evidence_examples) == ("Closes.", "")
        assert criterion.competency.name == "Closing"
