"""The specificity nudge: its rules on real-world feedback, and the htmx endpoint."""

import html

import pytest

from feedback.models import Feedback
from feedback.rules import nudge

from ..helpers import org_url

NO_EXAMPLE, NO_IMPACT, NO_SUGGESTION = "no_example", "no_impact", "no_suggestion"

# (kind, what happened, impact, suggestion) -> the hints it should get.
EXAMPLES = [
    # Vague praise: nothing to learn from, however warm.
    (("praise", "Great job!", "", ""), {NO_EXAMPLE, NO_IMPACT}),
    (("praise", "Thanks, great work!!", "", ""), {NO_EXAMPLE, NO_IMPACT}),
    (("praise", "You're doing a great job, keep it up", "", ""), {NO_EXAMPLE, NO_IMPACT}),
    (("praise", "You are always so helpful in the team!", "", ""), {NO_EXAMPLE, NO_IMPACT}),
    (
        (
            "praise",
            "You are always so helpful and kind to everyone on the team, really great to work with",
            "",
            "",
        ),
        {NO_EXAMPLE, NO_IMPACT},
    ),
    # Specific praise with a moment and an impact: nothing to add.
    (
        (
            "praise",
            "In Tuesday's demo you walked the client through the rollout plan step by step.",
            "Sales could answer their questions the same day.",
            "",
        ),
        set(),
    ),
    (
        (
            "praise",
            "Thanks for the Q3 board deck: the chart on slide 4 made the growth story obvious.",
            "",
            "",
        ),
        set(),
    ),
    # A moment, but not what it changed.
    (
        (
            "praise",
            "When the payments incident hit on Friday you posted an update every 30 minutes.",
            "",
            "",
        ),
        {NO_IMPACT},
    ),
    # Constructive without a way forward.
    (
        (
            "constructive",
            "In yesterday's standup you interrupted Priya twice while she explained the bug.",
            "She stopped sharing her update.",
            "",
        ),
        {NO_SUGGESTION},
    ),
    # "You keep …" / "never" describe a pattern, not a moment, and "keep"/"stop" are no
    # suggestion.
    (
        ("constructive", "You keep interrupting people in meetings.", "", ""),
        {NO_EXAMPLE, NO_IMPACT, NO_SUGGESTION},
    ),
    (
        ("constructive", "You never stop talking over others in the weekly call", "", ""),
        {NO_EXAMPLE, NO_IMPACT, NO_SUGGESTION},
    ),
    (("constructive", "Your code is sloppy.", "", ""), {NO_EXAMPLE, NO_IMPACT, NO_SUGGESTION}),
    # Constructive done well, the suggestion in its own field or in the text.
    (
        (
            "constructive",
            "In the retro you dismissed the QA concerns before Ana finished.",
            "The team stopped raising issues.",
            "Next time, ask one follow-up question before answering.",
        ),
        set(),
    ),
    (
        (
            "constructive",
            "The design doc for search arrived two days after the deadline, so we could not "
            "review it before planning. Next time, share a rough draft early.",
            "",
            "",
        ),
        set(),
    ),
    # A suggestion for the future must suggest something.
    (
        (
            "suggestion",
            "For Monday's launch email the pricing table came last.",
            "Customers asked us where the prices were.",
            "",
        ),
        {NO_SUGGESTION},
    ),
    (
        (
            "suggestion",
            "For Monday's launch email the pricing table came last.",
            "Customers asked us where the prices were.",
            "Try putting the table first.",
        ),
        set(),
    ),
    # A quoted phrase anchors the moment; an apostrophe alone does not.
    (
        (
            "praise",
            'You told the new hire "no question is too small" on her first day.',
            "She asked for help instead of staying stuck.",
            "",
        ),
        set(),
    ),
    # Nothing written yet.
    (("praise", "", "", ""), {NO_EXAMPLE, NO_IMPACT}),
]


@pytest.mark.parametrize(
    ("content", "expected"),
    EXAMPLES,
    ids=[f"{n:02d}-{content[0]}-{content[1][:30]}" for n, (content, _) in enumerate(EXAMPLES)],
)
def test_nudge_rules_on_real_examples(content, expected):
    kind, situation, impact, suggestion = content
    found = nudge.hints(kind=kind, situation=situation, impact=impact, suggestion=suggestion)
    assert {hint.code for hint in found} == expected
    assert all(hint.message for hint in found)


def test_each_rule_alone():
    assert not nudge.is_concrete("Great job!")
    assert not nudge.is_concrete("You're always so great")
    assert nudge.is_concrete("In Thursday's retro you asked Sam what blocked him.")
    assert nudge.is_concrete("You shipped 3 fixes for the export bug.")
    assert nudge.states_impact("You unblocked the release.", "")
    assert nudge.states_impact("Nothing here", "We saved a day.")
    assert not nudge.states_impact("You wrote the doc.", "  ")
    assert nudge.looks_forward("", "Next time, could you send the agenda?")
    assert not nudge.looks_forward("", "You keep starting late.")


def test_the_endpoint_returns_the_hints_fragment(world_a, login):
    client = login(world_a.member)
    response = client.post(
        org_url("feedback:nudge"),
        {"kind": "constructive", "situation": "Great job!", "recipient": world_a.report.pk},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    assert "<html" not in text
    assert 'data-hint="no_example"' in text
    assert 'data-hint="no_suggestion"' in text
    assert "(optional)" in text  # advice, never a blocker
    # Who will see it follows the chosen colleague, swapped out of band.
    assert 'id="audience"' in text and 'hx-swap-oob="true"' in text
    assert f"Only {world_a.report.name} and you will see it." in text

    specific = client.post(
        org_url("feedback:nudge"),
        {
            "kind": "praise",
            "situation": "In Tuesday's demo you answered every pricing question.",
            "impact": "We closed the deal that week.",
        },
        headers={"HX-Request": "true"},
    )
    assert "Specific and useful" in specific.content.decode()
    assert "data-hint" not in specific.content.decode()

    plain = client.post(org_url("feedback:nudge"), {"kind": "praise", "situation": "Nice"})
    assert plain.status_code == 200  # usable without htmx too
    assert "hx-swap-oob" not in plain.content.decode()


def test_the_endpoint_is_post_only_and_for_members(world_a, world_b, login, client):
    assert (
        client.post(org_url("feedback:nudge"), {"situation": "x"}).status_code == 302
    )  # sign in first
    assert (
        login(world_b.member).post(org_url("feedback:nudge"), {"situation": "x"}).status_code == 404
    )
    assert login(world_a.member).get(org_url("feedback:nudge")).status_code == 405


def test_the_audience_preview_names_the_manager(world_a, login):
    response = login(world_a.member).post(
        org_url("feedback:nudge"),
        {"situation": "", "recipient": world_a.report.pk, "visibility": "with_manager"},
        headers={"HX-Request": "true"},
    )
    assert (
        f"{world_a.report.name}, their manager {world_a.manager.name}, and you will see it."
        in html.unescape(response.content.decode())
    )


def test_hints_never_block_sending(world_a, login):
    client = login(world_a.member)
    vague = {
        "recipient": world_a.report.pk,
        "kind": "constructive",
        "situation": "Great job!",
        "visibility": "private",
    }
    form = client.get(org_url("feedback:give"))
    assert 'hx-trigger="input delay:600ms"' in form.content.decode()
    assert 'aria-live="polite"' in form.content.decode()
    response = client.post(org_url("feedback:give"), vague)
    assert response.status_code == 302
    with world_a.scope():
        assert Feedback.objects.filter(situation="Great job!", kind="constructive").exists()


def test_a_rejected_form_shows_the_hints_again(world_a, login):
    response = login(world_a.member).post(
        org_url("feedback:give"),
        {"kind": "praise", "situation": "Great job!", "visibility": "private"},
    )
    assert response.status_code == 400  # no recipient
    assert 'data-hint="no_example"' in response.content.decode()
