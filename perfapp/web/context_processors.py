from django.urls import NoReverseMatch, reverse

from perfapp.orgs.selectors import organizations_of

from . import navigation


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
    }
