"""The main navigation. Domain apps register their section in ``AppConfig.ready`` so the
core never names them."""

from collections.abc import Callable
from dataclasses import dataclass

from perfapp.orgs.roles import Permission


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int
    permission: Permission | None = None
    when: Callable | None = None  # membership -> bool: a section for some people only


def _manages_or_hr(membership) -> bool:
    return membership.is_manager or membership.has_perm(Permission.VIEW_PEOPLE_ADMIN)


_ITEMS: list[NavItem] = [
    NavItem("Home", "web:home", 0),
    NavItem("My team", "web:team", 5, when=_manages_or_hr),
]
_ADMIN_ITEMS: list[NavItem] = [
    NavItem("People", "orgs:people", 100, Permission.VIEW_PEOPLE_ADMIN),
    NavItem("Settings", "orgs:settings", 110, Permission.MANAGE_ORGANIZATION),
]


def register(item: NavItem) -> None:
    if item not in _ITEMS:
        _ITEMS.append(item)


def allows(item: NavItem, membership) -> bool:
    """Whether ``membership`` sees the section (its role, or ``when``, allows it)."""
    return (item.permission is None or membership.has_perm(item.permission)) and (
        item.when is None or item.when(membership)
    )


def items_for(membership) -> list[NavItem]:
    visible = [item for item in (*_ITEMS, *_ADMIN_ITEMS) if allows(item, membership)]
    return sorted(visible, key=lambda item: item.order)
