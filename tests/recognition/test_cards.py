"""The wall's cards written in Python say, byte for byte, what the card templates say.

The wall renders its cards with ``{% recognition_cards %}``; the detail page and the
reactions and comments answered in place still use ``recognition/_item.html`` (with
``_reactions.html`` and ``_comments.html``). These tests render both on the same cards
(one recipient or several, values with and without an emoji, competencies, points,
reactions, no comments, a few, more than are shown, text that must be escaped, the
viewer in every part) and in every form state, so that neither can change alone.
"""

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from recognition.models import Recognition, RecognitionComment
from recognition.selectors import recognition as selectors
from recognition.services import recognition as services

from ..helpers import org_url
from .wall_world import give, people, recognition_of, value_of

TEMPLATE = Template('{% for item in items %}{% include "recognition/_item.html" %}{% endfor %}')
PYTHON = Template("{% load cards %}{% recognition_cards items %}")
TRICKY = "Fix <b>the</b> \"build\" & O'Brien's\nsecond line\r\nthird"


def wall_of(world, viewer, **state) -> tuple[str, str]:
    """The wall's first page as ``viewer`` sees it: (the templates', the tag's)."""
    request = RequestFactory().get(org_url("recognition:index", query={"kind": "1&x=<y>"}))
    with world.scope(), timezone.override("Europe/Paris"):
        items = selectors.wall_page(selectors.Criteria(), None, 20, viewer).items
        context = {
            "items": items,
            "request": request,
            "membership": viewer,
            "organization": world.organization,
            "csrf_token": "token&<'\">",
            **state,
        }
        return TEMPLATE.render(Context(context)), PYTHON.render(Context(context))


def backdate(world, recognition: Recognition, days: float) -> None:
    when = timezone.now() - timedelta(days=days)
    with world.scope():
        Recognition.objects.filter(pk=recognition.pk).update(created_at=when)
        comments = RecognitionComment.objects.filter(recognition=recognition).order_by("id")
        for n, comment in enumerate(comments):
            RecognitionComment.objects.filter(pk=comment.pk).update(
                created_at=when + timedelta(minutes=n + 1)
            )


@pytest.fixture
def varied_wall(world_a):
    """Cards of every shape, their times far enough apart that "3 hours ago" cannot tick
    over between the two renderings."""
    world = world_a
    first = recognition_of(world)  # one recipient, a value, a competency, 👏 and a comment
    backdate(world, first, 40)
    crowd = people(world, 2)
    odd, plain = crowd
    odd.user.name = "Zoë <O'Brien> & co"
    odd.user.save()
    with world.scope():
        no_emoji = value_of(world).__class__.objects.create(
            organization=world.organization, name="Ship <it>", emoji="", description="."
        )
    several = give(
        world,
        giver=world.owner,
        recipients=[world.report, odd, world.manager],
        message=TRICKY,
        values=[value_of(world), no_emoji],
    )
    with world.scope():
        Recognition.objects.filter(pk=several.pk).update(points_each=5)
        for emoji in ("🎉", "🚀"):
            services.add_reaction(member=world.report, recognition=several, emoji=emoji)
        services.add_reaction(member=odd, recognition=several, emoji="🎉")
        for author in (world.report, odd, world.manager, world.member, world.report):
            services.add_comment(author=author, recognition=several, body=TRICKY)
    backdate(world, several, 0.2)
    pair = give(world, giver=odd, recipients=[plain, world.report], values=[])
    with world.scope():
        Recognition.objects.filter(pk=pair.pk).update(points_each=1)
    backdate(world, pair, 3)
    alone = give(world, giver=world.report, recipients=[plain], values=[no_emoji])
    with world.scope():
        services.add_comment(author=odd, recognition=alone, body="One <i>small</i> note")
    backdate(world, alone, 9)
    return world


@pytest.mark.parametrize("who", ["report", "manager", "member", "hr"])
def test_every_card_is_the_templates_card(varied_wall, who):
    viewer = getattr(varied_wall, who)
    templates, python = wall_of(varied_wall, viewer)
    assert templates.count("<article ") == 4
    assert python == templates
    # What the cards hold really varies (so the comparison above compares something).
    assert "See all 5 comments" in python and " and " in python and ", " in python
    assert "+5 points each" in python and "+1 points each" in python
    assert "Zoë &lt;O&#x27;Brien&gt; &amp; co" in python
    assert "<br>second line<br>third" in python
    assert 'class="competency-list' in python


@pytest.mark.parametrize(
    "state",
    [
        {"full": True},
        {"draft": "<draft & more>", "comment_error": "Too <long>", "focus_comment": True},
        {"reaction_error": "You <already> reacted", "focus_emoji": "🎉"},
    ],
)
def test_the_form_states_are_the_templates_too(varied_wall, state):
    templates, python = wall_of(varied_wall, varied_wall.report, **state)
    assert python == templates


def test_an_empty_page_writes_nothing(world_a):
    templates, python = wall_of(world_a, world_a.report)
    assert python == templates == ""


def test_a_page_of_cards_is_six_queries_and_the_cards_read_nothing_more(
    varied_wall, django_assert_num_queries
):
    """The page's recognitions, recipients, values, competencies, latest comments and
    reactions: one query each, whatever the number of cards; writing them, none. (A page
    without comments does not ask for them: see the next test.)"""
    viewer = varied_wall.report
    with varied_wall.scope(), timezone.override("Europe/Paris"):
        with django_assert_num_queries(6):
            items = selectors.wall_page(selectors.Criteria(), None, 20, viewer).items
        context = Context(
            {"items": items, "membership": viewer, "organization": varied_wall.organization}
        )
        with django_assert_num_queries(0):
            assert PYTHON.render(context).count("<article ") == 4


def test_a_page_without_comments_does_not_ask_for_them(world_a, django_assert_num_queries):
    recognition = give(world_a)
    with world_a.scope():
        services.add_reaction(member=world_a.owner, recognition=recognition, emoji="👏")
        with django_assert_num_queries(5):
            items = selectors.wall_page(selectors.Criteria(), None, 20, world_a.report).items
    assert items[0].latest_comments == [] and items[0].more_comments == 0
    templates, python = wall_of(world_a, world_a.report)
    assert python == templates and 'class="comment-list"' not in python
