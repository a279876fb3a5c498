"""The main navigation. Domain apps register their section in their ``wiring.py`` so the
core never names them."""

from collections.abc import Callable
from dataclasses import dataclass

from perfapp.orgs.roles import Permission
from perfapp.registry import Registry


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int
    permission: Permission | None = None
    when: Callable | None = None  # membership -> bool: a section for some people only


def _manages_or_hr(membership) -> bool:
    return membership.is_manager or membership.has_perm(Permission.VIEW_PEOPLE_ADMIN)


# An entry is known by the page it opens.
ITEMS: Registry[NavItem] = Registry(
    "navigation entry", key=lambda item: item.url_name, order=lambda item: item.order
)
for _core_item in (
    NavItem("Home", "web:home", 0),
    NavItem("My team", "web:team", 5, when=_manages_or_hr),
    NavItem("People", "orgs:people", 100, Permission.VIEW_PEOPLE_ADMIN),
    NavItem("Settings", "orgs:settings", 110, Permission.MANAGE_ORGANIZATION),
):
    ITEMS.register(_core_item)


def allows(item: NavItem, membership) -> bool:
    """Whether ``membership`` sees the section (its role, or ``when``, allows it)."""
    return (item.permission is None or membership.has_perm(item.permission)) and (
        item.when is None or item.when(membership)
    )


def items_for(membership) -> list[NavItem]:
    return [item for item in ITEMS.all() if allows(item, membership)]
