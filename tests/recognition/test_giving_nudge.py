"""The specificity nudge for recognition: it asks what they did and why it mattered, and
notices praise of traits that names no deed. Advice only; it never blocks sending."""

import pytest

from recognition.rules.specificity import (
    hints,
    is_generic,
    names_a_deed,
    only_traits,
    says_why_it_mattered,
)


def codes(message: str) -> list[str]:
    return [hint.code for hint in hints(message=message)]


@pytest.mark.parametrize(
    "message",
    [
        "Great job!",
        "Thanks so much!!",
        "Kudos to the team, great work",
        "You rock",
        "Thank you for everything",
    ],
)
def test_generic_thanks_asks_for_the_deed_and_the_why(message):
    assert is_generic(message)
    assert codes(message) == ["no_deed", "no_why"]


@pytest.mark.parametrize(
    "message",
    [
        "You're so helpful!",
        "You are always amazing",
        "She is a rock star",
        "You're the best, really",
    ],
)
def test_praise_of_who_someone_is_asks_for_what_they_did(message):
    assert only_traits(message)
    assert codes(message)[0] == "traits_only"


@pytest.mark.parametrize(
    "message",
    [
        "On Monday you stayed on the incident call and wrote the timeline in the channel.",
        "You rewrote the onboarding doc during the sprint.",
        "Your 3 pull requests on the importer were a model of small changes.",
        "In yesterday's demo you answered the tricky pricing question.",
    ],
)
def test_a_concrete_deed_counts_as_what_they_did(message):
    assert names_a_deed(message)
    assert "no_deed" not in codes(message)


@pytest.mark.parametrize(
    "message",
    [
        "You fixed the flaky test, so the whole team can trust the build again.",
        "You paired with our new joiner, which meant she shipped on day four.",
        "Thanks to you, customers got their invoices on time.",
        "You wrote the runbook; without it we would have lost a day.",
    ],
)
def test_a_consequence_counts_as_why_it_mattered(message):
    assert says_why_it_mattered(message)
    assert "no_why" not in codes(message)


def test_specific_recognition_has_no_hints():
    message = (
        "On Tuesday you paired with me on the billing migration and wrote the rollback "
        "plan, so we shipped on time without a single failed invoice."
    )
    assert hints(message=message) == []


def test_a_deed_without_consequence_asks_only_why():
    assert codes("On Monday you stayed late and rewrote the release checklist.") == ["no_why"]


def test_traits_next_to_a_real_deed_are_fine():
    message = (
        "You're so helpful: on Friday you walked me through the deploy pipeline, so I "
        "could ship my first change alone."
    )
    assert codes(message) == []


def test_nothing_written_gives_no_hints():
    assert hints(message="") == []
    assert hints(message="   ") == []


def test_a_long_description_without_markers_still_counts_as_specific():
    message = " ".join(["word"] * 24) + " because it helped"
    assert "no_deed" not in codes(message)
