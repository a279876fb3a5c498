"""Reads of the career framework. Everyone reads published versions; only HR reads the draft."""

from django.db.models import QuerySet

from advancement.models import FrameworkVersion
from perfapp.compiled import CompiledQuery
from perfapp.tenancy.scoping import get_active_organization_id

# Read by the home page, the team dashboard and every career page: compiled once.
_latest = CompiledQuery(
    lambda organization_id: FrameworkVersion.objects.filter(
        organization_id=organization_id
    ).order_by("-number")[:1],
    params=("organization_id",),
)


def current_version() -> FrameworkVersion | None:
    """The organization's latest published version (of the active scope)."""
    organization_id = get_active_organization_id()
    if organization_id is None:  # outside a tenant's scope the ORM's scoping answers
        return FrameworkVersion.objects.order_by("-number").first()
    found = _latest(organization_id=organization_id)
    return found[0] if found else None


def version_numbered(number: int) -> FrameworkVersion | None:
    return FrameworkVersion.objects.filter(number=number).first()


def versions() -> QuerySet[FrameworkVersion]:
    """Versions without their (large) snapshots, newest first."""
    return (
        FrameworkVersion.objects.defer("snapshot")
        .select_related("published_by__user")
        .order_by("-number")
    )
