"""Roles and the named permissions they grant: the one place that maps the two.

Views and viewsets declare the permission they need; nothing else compares roles.
"Manager" is not a stored role: anyone with active direct reports is one, and
object-level rules about reports live in each app's ``permissions.py``.
"""

from enum import StrEnum

from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    HR_ADMIN = "hr_admin", "HR admin"
    MEMBER = "member", "Member"


class Permission(StrEnum):
    VIEW_PEOPLE_ADMIN = "people.view_admin"  # people directory with HR tools
    MANAGE_PEOPLE = "people.manage"  # invite, edit, deactivate, import, teams
    GRANT_OWNER = "people.grant_owner"  # make someone an owner, or change an owner
    VIEW_AUDIT_LOG = "audit.view"
    MANAGE_ORGANIZATION = "org.manage"  # name, time zone, defaults
    MANAGE_FRAMEWORK = "framework.manage"  # career framework draft, publishing, placements
    MANAGE_CYCLES = "cycles.manage"  # structured feedback cycles and their progress
    MANAGE_GROWTH = "growth.manage"  # plan review cadence; plan status across the org
    MANAGE_RECOGNITION = "recognition.manage"  # values, kinds, points, rewards, insights
    MANAGE_PROMOTIONS = "promotions.manage"  # rounds, calibration, decisions, any readiness


ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.OWNER: frozenset(Permission),
    Role.HR_ADMIN: frozenset(
        {
            Permission.VIEW_PEOPLE_ADMIN,
            Permission.MANAGE_PEOPLE,
            Permission.VIEW_AUDIT_LOG,
            Permission.MANAGE_ORGANIZATION,
            Permission.MANAGE_FRAMEWORK,
            Permission.MANAGE_CYCLES,
            Permission.MANAGE_GROWTH,
            Permission.MANAGE_RECOGNITION,
            Permission.MANAGE_PROMOTIONS,
        }
    ),
    Role.MEMBER: frozenset(),
}


def role_has_perm(role: str, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS.get(role, frozenset())
