"""Reads of the career framework. Everyone reads published versions; only HR reads the draft."""

from django.db.models import QuerySet

from advancement.models import FrameworkVersion
from perfapp.compiled import CompiledQuery
from perfapp.tenancy.scoping import get_active_organization_id


def _newest(organization_id: int) -> QuerySet[FrameworkVersion]:
    return FrameworkVersion.objects.filter(organization_id=organization_id).order_by("-number")


# Read by the home page, the team dashboard and every career page: compiled once.
_latest = CompiledQuery(
    lambda organization_id: _newest(organization_id)[:1], params=("organization_id",)
)
# The readiness reads the snapshot alone: the list of changes, a JSON document of 54 KB
# after a thousand versions, took 2-3 ms to decode on every readiness page.
_latest_snapshot = CompiledQuery(
    lambda organization_id: _newest(organization_id).defer("changes")[:1],
    params=("organization_id",),
)


def current_version(*, with_changes: bool = True) -> FrameworkVersion | None:
    """The organization's latest published version (of the active scope).
    ``with_changes=False`` leaves out its list of changes, for readers of the snapshot."""
    organization_id = get_active_organization_id()
    if organization_id is None:  # outside a tenant's scope the ORM's scoping answers
        rows = FrameworkVersion.objects.order_by("-number")
        return (rows if with_changes else rows.defer("changes")).first()
    read = _latest if with_changes else _latest_snapshot
    found = read(organization_id=organization_id)
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
