"""Reads of the career framework. Everyone reads published versions; only HR reads the draft."""

from django.db.models import QuerySet

from advancement.models import FrameworkVersion


def current_version() -> FrameworkVersion | None:
    return FrameworkVersion.objects.order_by("-number").first()


def version_numbered(number: int) -> FrameworkVersion | None:
    return FrameworkVersion.objects.filter(number=number).first()


def versions() -> QuerySet[FrameworkVersion]:
    """Versions without their (large) snapshots, newest first."""
    return (
        FrameworkVersion.objects.defer("snapshot")
        .select_related("published_by__user")
        .order_by("-number")
    )
