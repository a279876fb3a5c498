"""No blank 405. A person who opens an address that only takes a form (a reload after a
form with errors, an address copied from the browser bar: a navigation) lands on the page
it belongs to; anything else refused on a page gets a page that says what happened and
links there, with the 405 kept. The API keeps its envelope."""

from django.urls import reverse

from tests.isolation.routes import ORG_PAGES

from .page_walk import page_urls

ROLES = ("owner", "hr", "manager", "report", "member")
NAVIGATION = {"Sec-Fetch-Mode": "navigate"}  # what a browser sends when a person opens it


def _first_answer(client, world, url, wanted=lambda r: r.status_code != 404, headers=None):
    """GET ``url`` as each role in turn, until an answer is ``wanted``; (role, answer)."""
    for role in ROLES:
        client.force_login(getattr(world, role).user)
        response = client.get(url, headers=headers or {})
        if wanted(response):
            return role, response
    return None, response


def test_every_page_address_opened_in_a_browser_is_a_page_or_the_page_it_belongs_to(
    world_a, client
):
    """As the first person who may reach it: never a 405; a POST-only action sends the
    navigation to an address above it, which opens (for someone: a 1:1 only for its two)."""
    refused, wrong, redirected = [], [], 0
    for name, url in page_urls(world_a).items():
        role, response = _first_answer(client, world_a, url, headers=NAVIGATION)
        if response.status_code == 405:
            refused.append(f"{name} ({url}) as {role}")
        elif response.status_code == 302 and url.startswith(response["Location"]):
            redirected += 1
            target = response["Location"]
            opener, _ = _first_answer(client, world_a, target, lambda r: r.status_code == 200)
            if opener is None:
                wrong.append(f"{name}: {target}")
    assert not refused, "A navigation answers 405:\n" + "\n".join(refused)
    assert not wrong, "A navigation goes to a page that opens for nobody:\n" + "\n".join(wrong)
    assert redirected > 50 and len(ORG_PAGES) > 150


def test_every_405_of_a_page_says_what_happened_and_where_to_go(world_a, client):
    """Without a navigation (a script, a prefetch): the status stays 405, never blank."""
    blank = []
    for name, url in page_urls(world_a).items():
        role, response = _first_answer(client, world_a, url)
        if response.status_code == 405:
            text = response.content.decode()
            if "This address only takes a form" not in text or 'class="button' not in text:
                blank.append(f"{name} ({url}) as {role}")
    assert not blank, "A 405 without a page:\n" + "\n".join(blank)


def _cycle_url(world, name: str) -> str:
    return reverse(name, kwargs={"org_slug": "alpha", "pk": world.feedback.cycle.pk})


def test_opening_a_form_action_in_the_browser_lands_on_its_page(world_a, login):
    client = login(world_a.hr)
    response = client.get(_cycle_url(world_a, "feedback:cycle_remind"), headers=NAVIGATION)
    assert response.status_code == 302
    assert response["Location"] == _cycle_url(world_a, "feedback:cycle")
    assert client.get(response["Location"]).status_code == 200


def test_a_form_sent_to_a_page_that_only_shows_information_is_a_page_that_says_so(world_a, login):
    client = login(world_a.manager)
    response = client.post(reverse("web:team", kwargs={"org_slug": "alpha"}))
    assert response.status_code == 405
    assert "GET" in response["Allow"]
    text = response.content.decode()
    assert "This page only shows information" in text
    assert "nothing was changed" in text
    assert 'href="/o/alpha/"' in text  # the organization's home, above it


def test_a_refused_post_links_to_the_page_it_belongs_to(world_a, login):
    client = login(world_a.hr)
    response = client.put(_cycle_url(world_a, "feedback:cycle_remind"))
    assert response.status_code == 405
    assert "This address only takes a form" in response.content.decode()
    assert f'href="{_cycle_url(world_a, "feedback:cycle")}"' in response.content.decode()


def test_a_get_that_is_not_a_navigation_is_explained_not_redirected(world_a, login):
    client = login(world_a.hr)
    for headers in ({}, {"HX-Request": "true"}, {"Sec-Fetch-Mode": "cors"}):
        response = client.get(_cycle_url(world_a, "feedback:cycle_remind"), headers=headers)
        assert response.status_code == 405
        assert "GET" not in response["Allow"]
        assert "This address only takes a form" in response.content.decode()


def test_the_api_keeps_its_error_envelope_for_a_refused_method(world_a, api_as):
    url = reverse("api:member-list", kwargs={"org_slug": "alpha"})
    response = api_as(world_a.member).put(url, {}, format="json")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_a_method_a_page_with_a_form_does_not_take_is_explained_without_blame(world_a, login):
    client = login(world_a.report)
    url = reverse(
        "feedback:point_edit", kwargs={"org_slug": "alpha", "pk": world_a.feedback.point.pk}
    )
    response = client.put(url)
    assert response.status_code == 405
    text = response.content.decode()
    assert "This page can't take that request" in text
    assert "nothing was changed" in text
