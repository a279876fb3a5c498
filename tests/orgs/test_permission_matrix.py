"""Who may open which page and call which endpoint, role by role.

"Manager" is derived from reporting lines (world.manager has a direct report); HR pages
answer 404 to everyone else, exactly like a page that does not exist.
"""

import pytest
from django.urls import reverse

ROLES = ("owner", "hr", "manager", "member")
EVERYONE = dict.fromkeys(ROLES, 200)
HR_ONLY = {"owner": 200, "hr": 200, "manager": 404, "member": 404}

PAGES = {
    "web:home": EVERYONE,
    "web:profile": EVERYONE,
    "web:team": EVERYONE,  # your own team; an empty state without reports
    "notifications:inbox": EVERYONE,
    "notifications:preferences": EVERYONE,
    "feedback:index": EVERYONE,
    "feedback:checkins": EVERYONE,
    "development:index": EVERYONE,
    "recognition:index": EVERYONE,
    "advancement:index": EVERYONE,
    "orgs:people": HR_ONLY,
    "orgs:invite": HR_ONLY,
    "orgs:people_import": HR_ONLY,
    "orgs:teams": HR_ONLY,
    "orgs:settings": HR_ONLY,
    "audit:log": HR_ONLY,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_access_by_role(name, role, world_a, login):
    response = login(getattr(world_a, role)).get(reverse(name, kwargs={"org_slug": "alpha"}))
    assert response.status_code == PAGES[name][role]


@pytest.mark.parametrize("role", ROLES)
def test_person_page_is_for_hr_only(role, world_a, login):
    url = reverse("orgs:person", kwargs={"org_slug": "alpha", "pk": world_a.report.pk})
    assert login(getattr(world_a, role)).get(url).status_code == HR_ONLY[role]


@pytest.mark.parametrize("role", ROLES)
def test_navigation_shows_hr_sections_only_to_hr(role, world_a, login):
    html = login(getattr(world_a, role)).get(reverse("web:home", kwargs={"org_slug": "alpha"}))
    people_link = reverse("orgs:people", kwargs={"org_slug": "alpha"})
    assert (people_link in html.content.decode()) == (HR_ONLY[role] == 200)


API = {
    ("get", "api:member-list"): EVERYONE,
    ("get", "api:team-list"): EVERYONE,
    ("get", "api:me-list"): EVERYONE,
    ("get", "api:home-list"): EVERYONE,
    ("get", "api:team-dashboard-list"): EVERYONE,
    ("get", "api:invitation-list"): HR_ONLY,
    ("post", "api:team-list"): {"owner": 201, "hr": 201, "manager": 404, "member": 404},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "name"), sorted(API))
def test_api_access_by_role(method, name, role, world_a, api_as):
    client = api_as(getattr(world_a, role))
    url = reverse(name, kwargs={"org_slug": "alpha"})
    response = getattr(client, method)(url, {"name": f"Team by {role}"}, format="json")
    assert response.status_code == API[(method, name)][role]


@pytest.mark.parametrize("role", ROLES)
def test_api_member_changes_are_for_hr_only(role, world_a, api_as):
    url = reverse("api:member-detail", kwargs={"org_slug": "alpha", "pk": world_a.member.pk})
    response = api_as(getattr(world_a, role)).patch(url, {"job_title": "Staff"}, format="json")
    assert response.status_code == HR_ONLY[role]
