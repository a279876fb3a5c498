"""The settings hub: every place where an owner or HR sets how the organization works,
on one page (Settings in the navigation), each with a line saying what it holds.

Domain apps register their areas in their ``wiring.py`` (``AREAS.register(SettingsArea(...))``),
so the core never names them. Each registered page shows a link back to the hub, from
the page shell, so a new area is linked both ways by registering it once.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from perfapp.orgs.roles import Permission
from perfapp.registry import Registry

# Sections of the hub, in order. An area names one of them.
SECTIONS = (
    "Organization",
    "Feedback and check-ins",
    "Growth",
    "Recognition",
    "Career",
)

# Who opens the hub (and sees the way back to it from an area).
HUB_PERMISSION = Permission.MANAGE_ORGANIZATION


@dataclass(frozen=True)
class SettingsArea:
    key: str  # stable, e.g. "recognition.values"
    section: str  # one of SECTIONS
    label: str
    description: str  # one line: what is set there
    url_name: str  # a page under /o/<org_slug>/ without other arguments
    permission: Permission
    order: int = 100


def _in_known_section(area: SettingsArea) -> None:
    if area.section not in SECTIONS:
        raise ValueError(f"Unknown settings section {area.section!r}: one of {SECTIONS}.")


AREAS: Registry[SettingsArea] = Registry(
    "settings area",
    order=lambda a: (SECTIONS.index(a.section), a.order, a.label),
    check=_in_known_section,
)


def sections_for(membership) -> list[dict]:
    """[{"title", "areas": [{"label", "description", "url"}]}] the person may open."""
    slug = membership.organization.slug
    grouped: dict[str, list[dict]] = {}
    for area in AREAS.all():
        if not membership.has_perm(area.permission):
            continue
        try:
            url = reverse(area.url_name, kwargs={"org_slug": slug})
        except NoReverseMatch:
            continue
        grouped.setdefault(area.section, []).append(
            {"key": area.key, "label": area.label, "description": area.description, "url": url}
        )
    return [{"title": title, "areas": grouped[title]} for title in SECTIONS if title in grouped]


def area_of(view_name: str | None) -> SettingsArea | None:
    """The registered area a page is, by its URL name."""
    if not view_name:
        return None
    return next((a for a in AREAS.all() if a.url_name == view_name), None)


AREAS.register(
    SettingsArea(
        "orgs.teams",
        "Organization",
        "Teams",
        "The teams people belong to: names and descriptions.",
        "orgs:teams",
        Permission.MANAGE_PEOPLE,
        order=10,
    )
)
