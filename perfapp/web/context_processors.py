from functools import cache

from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject

from perfapp.orgs.models import Membership
from perfapp.orgs.roles import Role
from perfapp.orgs.selectors import membership_count, memberships_of
from perfapp.tenancy.scoping import organization_scope

from . import navigation, settings_areas


def shell(request) -> dict:
    """What the page shell needs: the org switcher and the navigation.

    Lazy: every template rendered with a request pays for this, including fragments that
    show none of it (the header's unread count, htmx partials), so the links are reversed
    only when a template reads them.
    """
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}

    @cache
    def navigation_and_section() -> tuple[list[dict], navigation.NavItem | None]:
        return _navigation(request.path_info, membership)

    return {
        "organization": membership.organization,
        "membership": membership,
        "nav": SimpleLazyObject(lambda: navigation_and_section()[0]),
        "switchable_organizations": lambda: switch_targets(
            request.user, membership, navigation_and_section()[1]
        ),
        "settings_hub_url": SimpleLazyObject(lambda: _settings_hub_url(request, membership)),
    }


def _navigation(
    current: str, membership: Membership
) -> tuple[list[dict], navigation.NavItem | None]:
    """The navigation's links for this person, the current section's marked."""
    slug = membership.organization.slug
    nav = []
    for item in navigation.items_for(membership):
        try:
            url = reverse(item.url_name, kwargs={"org_slug": slug})
        except NoReverseMatch:
            continue
        nav.append({"label": item.label, "url": url, "current": False, "item": item})
    # The section is the longest link the path starts with (Home only on its own page), so
    # /feedback/check-ins/ marks Check-ins rather than Feedback too.
    home = nav[0]["url"] if nav else None
    matches = [
        e for e in nav if current.startswith(e["url"]) and (e["url"] != home or current == home)
    ]
    section = None
    if matches:
        entry = max(matches, key=lambda entry: len(entry["url"]))
        entry["current"] = True
        section = entry["item"]
    return nav, section


def switch_targets(user, current: Membership, section: navigation.NavItem | None) -> list[dict]:
    """Each of the user's organizations with where switching to it leads: the section the
    person is in (Check-ins in one organization → Check-ins in the other), or that
    organization's home when their role there does not open that section.

    Almost everybody belongs to one organization, the current one: a compiled count says
    so without reading and building the memberships and their organizations (about 2 ms
    of the ORM's time on every page, for a menu of one entry).
    """
    others = memberships_of(user) if membership_count(user) > 1 else [current]
    targets = []
    for other in others:
        organization = other.organization
        url = reverse("web:home", kwargs={"org_slug": organization.slug})
        if section is not None and section.url_name != "web:home":
            if other.pk == current.pk:
                allowed = True
            else:
                # Their role there decides (a manager here may not be one there).
                with organization_scope(organization):
                    allowed = navigation.allows(section, other)
            if allowed:
                url = reverse(section.url_name, kwargs={"org_slug": organization.slug})
        targets.append(
            {
                "organization": organization,
                "url": url,
                "role": Role(other.role).label,
                "is_current": other.pk == current.pk,
            }
        )
    return targets


def _settings_hub_url(request, membership) -> str:
    """The way back to Settings, on a page registered as a settings area."""
    match = getattr(request, "resolver_match", None)
    area = settings_areas.area_of(match.view_name if match else None)
    if area is None or not membership.has_perm(settings_areas.HUB_PERMISSION):
        return ""
    return reverse("orgs:settings", kwargs={"org_slug": membership.organization.slug})
