"""Who may open the HR analytics, personal data, search and digest URLs, role by role
(the pages and endpoints added for issue #9, part B). Forbidden answers 404, exactly
like a page that does not exist."""

import pytest
from django.urls import reverse

ROLES = ("owner", "hr", "manager", "report", "member")
EVERYONE = dict.fromkeys(ROLES, 200)
PEOPLE_ADMINS = {"owner": 200, "hr": 200, "manager": 404, "report": 404, "member": 404}

PAGES = {
    ("get", "analytics:index", None): PEOPLE_ADMINS,
    ("get", "analytics:csv", "feedback.by_team"): PEOPLE_ADMINS,
    ("get", "privacy:mine", None): EVERYONE,
    ("post", "privacy:download", None): EVERYONE,
    ("get", "privacy:erase", "member"): PEOPLE_ADMINS,
    ("get", "web:search", None): EVERYONE,
    ("post", "notifications:digest", None): dict.fromkeys(ROLES, 302),
}


def _url(name: str, arg, world) -> str:
    kwargs = {"org_slug": "alpha"}
    if name == "analytics:csv":
        kwargs["key"] = arg
    elif arg is not None:
        kwargs["pk"] = getattr(world, arg).pk
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "name", "arg"), sorted(PAGES, key=str))
def test_page_access_by_role(method, name, arg, role, world_a, login):
    client = login(getattr(world_a, role))
    data = {"frequency": "daily"} if name == "notifications:digest" else {}
    response = getattr(client, method)(_url(name, arg, world_a), data)
    assert response.status_code == PAGES[(method, name, arg)][role]


API = {
    "api:analytics-list": PEOPLE_ADMINS,
    "api:my-data-list": EVERYONE,
    "api:search-list": EVERYONE,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(API))
def test_api_access_by_role(name, role, world_a, api_as):
    response = api_as(getattr(world_a, role)).get(
        reverse(name, kwargs={"org_slug": "alpha"}), {"q": "alpha"}
    )
    assert response.status_code == API[name][role]


@pytest.mark.parametrize("role", ROLES)
def test_only_people_admins_see_analytics_in_the_navigation(role, world_a, login):
    html = login(getattr(world_a, role)).get(reverse("web:home", kwargs={"org_slug": "alpha"}))
    link = reverse("analytics:index", kwargs={"org_slug": "alpha"})
    assert (link in html.content.decode()) == (PEOPLE_ADMINS[role] == 200)
