from django.urls import NoReverseMatch, reverse

from perfapp.orgs.selectors import organizations_of

from . import navigation, settings_areas


def shell(request) -> dict:
    """What the page shell needs: the org switcher and the navigation."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}
    slug = membership.organization.slug
    current = request.path_info
    nav = []
    for item in navigation.items_for(membership):
        try:
            url = reverse(item.url_name, kwargs={"org_slug": slug})
        except NoReverseMatch:
            continue
        nav.append({"label": item.label, "url": url, "current": False})
    # The section is the longest link the path starts with (Home only on its own page), so
    # /feedback/check-ins/ marks Check-ins rather than Feedback too.
    home = nav[0]["url"] if nav else None
    matches = [
        e for e in nav if current.startswith(e["url"]) and (e["url"] != home or current == home)
    ]
    if matches:
        max(matches, key=lambda entry: len(entry["url"]))["current"] = True
    return {
        "organization": membership.organization,
        "membership": membership,
        "nav": nav,
        "switchable_organizations": lambda: organizations_of(request.user),
        "settings_hub_url": _settings_hub_url(request, membership),
    }


def _settings_hub_url(request, membership) -> str:
    """The way back to Settings, on a page registered as a settings area."""
    match = getattr(request, "resolver_match", None)
    area = settings_areas.area_of(match.view_name if match else None)
    if area is None or not membership.has_perm(settings_areas.HUB_PERMISSION):
        return ""
    return reverse("orgs:settings", kwargs={"org_slug": membership.organization.slug})
