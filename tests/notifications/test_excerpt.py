"""``perfapp.text.excerpt``: what fits stays whole; what does not ends after a whole word
with an ellipsis, within the limit."""

import pytest

from perfapp.text import excerpt


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Short enough", 20, "Short enough"),
        ("  Spaces\n and\tlines   collapse ", 40, "Spaces and lines collapse"),
        ("Thanks for pairing on the release", 20, "Thanks for pairing…"),
        ("Thanks for pairing, on the release", 20, "Thanks for pairing…"),
        ("Thanks for pairing on", 20, "Thanks for pairing…"),
        ("Supercalifragilisticexpialidocious words", 12, "Supercalifr…"),
        ("", 10, ""),
    ],
)
def test_excerpt(text, limit, expected):
    shortened = excerpt(text, limit)
    assert shortened == expected and len(shortened) <= limit


def test_an_excerpt_needs_room():
    with pytest.raises(ValueError):
        excerpt("text", 1)
