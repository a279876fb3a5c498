"""Reads of the company values and the contribution kinds, in the order HR gave them."""

from django.db.models import Prefetch, QuerySet

from advancement.models import Competency
from perfapp.tenancy.scoping import get_active_organization_id
from recognition.models import CompanyValue, ContributionKind
from recognition.services.values import ensure_built_in_kinds


def active_values() -> QuerySet[CompanyValue]:
    return CompanyValue.objects.filter(archived_at__isnull=True).order_by("position", "id")


def archived_values() -> QuerySet[CompanyValue]:
    return CompanyValue.objects.filter(archived_at__isnull=False).order_by("name", "id")


def kinds(*, include_archived: bool = False) -> QuerySet[ContributionKind]:
    """The active organization's contribution kinds, starting from the built-in set on
    first use."""
    organization_id = get_active_organization_id()
    # Only an organization's scope has one to seed for; outside it the query below
    # raises the scope error (or, with scopes disabled, reads every organization's kinds).
    if organization_id is not None:
        ensure_built_in_kinds(organization_id)
    rows = ContributionKind.objects.all()
    if not include_archived:
        rows = rows.filter(archived_at__isnull=True)
    return rows.order_by("archived_at", "position", "id")


def kinds_with_competencies(*, include_archived: bool = False) -> QuerySet[ContributionKind]:
    return kinds(include_archived=include_archived).prefetch_related(
        Prefetch("competencies", queryset=Competency.objects.order_by("name"))
    )
