"""The reaction buttons written in Python say what the template used to say."""

import re

from recognition.selectors.recognition import ReactionCount
from recognition.templatetags.reactions import reaction_buttons


def buttons(*counts, focus=""):
    html = str(reaction_buttons(list(counts), focus))
    return re.findall(r"<button .*?</button>", html)


def test_a_button_of_mine_takes_it_back_and_says_so():
    [button] = buttons(ReactionCount("👏", 3, True))
    assert 'value="off:👏"' in button
    assert 'class="reaction is-on"' in button
    assert 'aria-pressed="true"' in button
    assert 'aria-label="👏 3 reactions, including yours"' in button
    assert '<span class="reaction-count" aria-hidden="true">3</span>' in button


def test_someone_elses_reaction_adds_mine():
    [button] = buttons(ReactionCount("🎉", 1, False))
    assert 'value="on:🎉"' in button
    assert 'class="reaction"' in button
    assert 'aria-pressed="false"' in button
    assert 'aria-label="🎉 1 reaction"' in button  # one: no plural


def test_an_empty_reaction_shows_no_count():
    [button] = buttons(ReactionCount("💡", 0, False))
    assert 'class="reaction is-empty"' in button
    assert 'aria-label="💡 0 reactions"' in button
    assert "reaction-count" not in button


def test_only_the_emoji_just_pressed_keeps_the_focus():
    found = buttons(ReactionCount("👏", 1, True), ReactionCount("🎉", 0, False), focus="👏")
    assert [" data-focus" in button for button in found] == [True, False]
    assert all(" data-focus" not in button for button in buttons(ReactionCount("👏", 1, True)))


def test_the_emoji_is_escaped():
    [button] = buttons(ReactionCount('"><script>', 2, False))
    assert "<script>" not in button
    assert "&quot;&gt;&lt;script&gt;" in button
