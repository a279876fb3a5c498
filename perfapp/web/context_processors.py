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
        is_current = current == url if item.order == 0 else current.startswith(url)
        nav.append({"label": item.label, "url": url, "current": is_current})
    return {
        "organization": membership.organization,
        "membership": membership,
        "nav": nav,
        "switchable_organizations": lambda: organizations_of(request.user),
    }
