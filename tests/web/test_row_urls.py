"""``{% row_url %}`` gives exactly what ``{% url %}`` gives, reversing once per shape."""

from unittest import mock

import pytest
from django.template import Context, Template
from django.urls import reverse

from perfapp.web.templatetags import row_urls


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("recognition:detail", {"org_slug": "acme", "pk": 7}),
        ("recognition:profile", {"org_slug": "acme", "pk": 1234567}),
        ("feedback:detail", {"org_slug": "a-b_c", "pk": 1}),
        ("recognition:react", {"org_slug": "acme", "pk": 0}),
        # A slug holding the stand-in's digits: not templated, reversed as it is.
        ("recognition:detail", {"org_slug": f"x{row_urls._STAND_IN}0", "pk": 5}),
    ],
)
def test_the_address_is_the_one_reverse_gives(name, kwargs):
    assert row_urls.row_address(name, **kwargs) == reverse(name, kwargs=kwargs)


def test_a_name_is_reversed_once_for_every_row():
    row_urls._shape.cache_clear()
    with mock.patch.object(row_urls, "reverse", wraps=reverse) as reversing:
        addresses = [
            row_urls.row_address("recognition:detail", org_slug="acme", pk=n) for n in range(20)
        ]
    assert reversing.call_count == 1
    assert addresses == [
        reverse("recognition:detail", kwargs={"org_slug": "acme", "pk": n}) for n in range(20)
    ]


def test_the_tag_takes_the_slug_from_the_page_and_escapes_like_url():
    organization = mock.Mock(slug="acme")
    html = Template("{% load row_urls %}{% row_url 'recognition:detail' pk=item %}").render(
        Context({"organization": organization, "item": 42})
    )
    assert html == reverse("recognition:detail", kwargs={"org_slug": "acme", "pk": 42})


@pytest.mark.parametrize("slug", ["acme", f"x{row_urls._STAND_IN}0"])
def test_an_addresser_gives_what_row_address_gives_reversing_once(slug):
    row_urls._shape.cache_clear()
    with mock.patch.object(row_urls, "reverse", wraps=reverse) as reversing:
        address = row_urls.row_addresser("recognition:react", "pk", org_slug=slug)
        addresses = [address(n) for n in (1, 42, 7310966055)]
    assert addresses == [
        reverse("recognition:react", kwargs={"org_slug": slug, "pk": n})
        for n in (1, 42, 7310966055)
    ]
    assert reversing.call_count == (1 if slug == "acme" else 4)
