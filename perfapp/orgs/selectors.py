"""Reads about organizations and people."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from perfapp.compiled import CompiledCount
from perfapp.tenancy.scoping import scopes_disabled

from .models import Invitation, Membership, Organization, Team

if TYPE_CHECKING:
    # A dev-only package (the type checker's); the annotations below are never evaluated.
    from django_stubs_ext import WithAnnotations


class _ManagerFlag(TypedDict):
    has_reports: bool


def organizations_of(user) -> list[Organization]:
    """Every organization where ``user`` is an active member (``me/`` in the API).

    This is the one read that spans tenants, and it only ever returns the user's own.
    """
    if not getattr(user, "is_authenticated", False):
        return []
    with scopes_disabled():
        return list(
            Organization.objects.filter(
                id__in=Membership.objects.filter(user=user, is_active=True).values(
                    "organization_id"
                )
            ).order_by("name")
        )


def memberships_of(user) -> list[Membership]:
    """The user's active memberships with their organizations, by organization name: the
    organization switcher and picker. Spans tenants like ``organizations_of``, and only
    ever returns the user's own."""
    if not getattr(user, "is_authenticated", False):
        return []
    with scopes_disabled():
        return list(
            Membership.objects.filter(user=user, is_active=True)
            .select_related("organization")
            .order_by("organization__name", "organization_id")
        )


# Every page's organization switcher asks this; compiled once (see perfapp/compiled.py).
_active_memberships = CompiledCount(
    lambda user_id: Membership.objects.filter(user_id=user_id, is_active=True),
    params=("user_id",),
    spans_organizations=True,  # the person's own, in every organization
)


def membership_count(user) -> int:
    """How many organizations ``user`` is an active member of (the switcher's question
    before it reads them: almost everybody belongs to one)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return _active_memberships(user_id=user.pk)


def with_manager_flag(
    members: QuerySet[Membership],
) -> QuerySet[WithAnnotations[Membership, _ManagerFlag]]:
    # "Not themselves" is always true (membership_not_own_manager) but keeps Postgres from
    # turning the EXISTS into a hashed subplan over every active member of the
    # organization (20 ms at 20,000 people) instead of probing the page's 50 rows (0.2 ms).
    # The organization is named outright, so the probe reads membership_org_manager even
    # where no tenant scope adds it (resolving the tenant itself).
    reports = Membership.objects.filter(
        organization=OuterRef("organization"), manager=OuterRef("pk"), is_active=True
    ).exclude(pk=OuterRef("pk"))
    return members.annotate(has_reports=Exists(reports))


def directory(
    *,
    search: str = "",
    team_id: int | None = None,
    manager_id: int | None = None,
    role: str = "",
    status: str = "active",
) -> QuerySet[Membership]:
    """People of the active organization for the directory, with what each row shows."""
    members = Membership.objects.select_related("user", "team", "manager__user")
    if status == "active":
        members = members.filter(is_active=True)
    elif status == "inactive":
        members = members.filter(is_active=False)
    if search:
        members = members.filter(
            Q(user__name__icontains=search)
            | Q(user__email__icontains=search)
            | Q(job_title__icontains=search)
        )
    if team_id:
        members = members.filter(team_id=team_id)
    if manager_id:
        members = members.filter(manager_id=manager_id)
    if role:
        members = members.filter(role=role)
    return with_manager_flag(members).order_by("user__name", "id")


def managers() -> QuerySet[Membership]:
    """Active people with at least one active direct report (directory filter)."""
    return (
        with_manager_flag(Membership.objects.select_related("user").filter(is_active=True))
        .filter(has_reports=True)
        .order_by("user__name")
    )


def active_members() -> QuerySet[Membership]:
    return Membership.objects.select_related("user").filter(is_active=True).order_by("user__name")


def teams_with_counts() -> QuerySet[Team]:
    return Team.objects.annotate(
        member_count=Count("members", filter=Q(members__is_active=True))
    ).order_by("name")


def open_invitations() -> QuerySet[Invitation]:
    return Invitation.objects.select_related("manager__user", "team", "invited_by__user").filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )


def direct_reports(manager: Membership) -> QuerySet[Membership]:
    return (
        Membership.objects.select_related("user", "team")
        .filter(manager=manager, is_active=True)
        .order_by("user__name")
    )
