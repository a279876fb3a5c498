"""Settings: one hub links every settings area of every app, each with a line on what it
holds, and every area links back to it. Areas come from a registry the apps fill."""

import html

import pytest
from django.urls import reverse

from perfapp.orgs.roles import Permission
from perfapp.web import settings_areas
from perfapp.web.settings_areas import SettingsArea

BACK = "← All settings"


def hub_url(slug: str = "alpha") -> str:
    return reverse("orgs:settings", kwargs={"org_slug": slug})


def test_every_app_contributes_its_settings_areas():
    keys = {area.key for area in settings_areas.AREAS.all()}
    assert {
        "orgs.teams",
        "feedback.checkin_settings",
        "feedback.prompts",
        "development.settings",
        "recognition.settings",
        "recognition.values",
        "recognition.kinds",
        "recognition.rewards",
        "career.draft",
        "career.competencies",
        "career.placements",
        "career.promotion_rounds",
    } <= keys


@pytest.mark.parametrize("role", ["owner", "hr"])
def test_the_hub_links_every_area_with_what_it_holds_and_each_area_links_back(role, world_a, login):
    client = login(getattr(world_a, role))
    hub = client.get(hub_url())
    assert hub.status_code == 200
    text = html.unescape(hub.content.decode())
    assert "Save name and time zone" in text  # the organization's own basics stay here
    for area in settings_areas.AREAS.all():
        url = reverse(area.url_name, kwargs={"org_slug": "alpha"})
        assert f'href="{url}"' in text, area.key
        assert area.label in text and area.description in text, area.key
        page = client.get(url)
        assert page.status_code == 200, area.key
        assert f'<a href="{hub_url()}">{BACK}</a>' in page.content.decode(), area.key


def test_a_page_that_is_not_a_settings_area_has_no_way_back_to_settings(world_a, login):
    client = login(world_a.hr)
    page = client.get(reverse("orgs:people", kwargs={"org_slug": "alpha"}))
    assert BACK not in page.content.decode()


def test_people_without_settings_to_change_see_no_hub(world_a, login):
    for person in (world_a.manager, world_a.report, world_a.member):
        assert login(person).get(hub_url()).status_code == 404


def test_hr_sees_only_the_areas_their_permissions_open(world_a, login):
    """An area behind a permission HR does not hold stays off HR's hub (owners hold all)."""
    area = SettingsArea(
        "test.owners_only",
        "Organization",
        "Owners' corner",
        "Only owners change this.",
        "orgs:people",
        Permission.GRANT_OWNER,
    )
    with settings_areas.AREAS.temporarily():
        settings_areas.AREAS.register(area)
        assert "Owners&#x27; corner" not in login(world_a.hr).get(hub_url()).content.decode()
        owner_hub = login(world_a.owner).get(hub_url()).content.decode()
        assert "Owners&#x27; corner" in owner_hub


def test_registering_an_area_links_it_both_ways(world_a, login):
    area = SettingsArea(
        "test.audit",
        "Organization",
        "Audit log",
        "Who changed what, and when.",
        "audit:log",
        Permission.VIEW_AUDIT_LOG,
    )
    with settings_areas.AREAS.temporarily():
        settings_areas.AREAS.register(area)
        client = login(world_a.hr)
        assert "Who changed what, and when." in client.get(hub_url()).content.decode()
        page = client.get(reverse("audit:log", kwargs={"org_slug": "alpha"}))
        assert BACK in page.content.decode()


def test_an_area_in_an_unknown_section_is_refused():
    with pytest.raises(ValueError, match="Unknown settings section"):
        settings_areas.AREAS.register(
            SettingsArea("test.x", "Elsewhere", "X", "X.", "orgs:people", Permission.MANAGE_PEOPLE)
        )
