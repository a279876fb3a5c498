"""Every test world has two organizations, so a leak between them has a chance to show."""

import os
from dataclasses import dataclass

import pytest
from django.db import transaction
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from perfapp.audit.models import AuditAction
from perfapp.audit.services import record
from perfapp.notifications.models import OutboxMessage
from perfapp.notifications.services import _start_dispatch
from perfapp.orgs.models import Invitation, Membership, Organization, Team
from perfapp.orgs.roles import Role
from perfapp.tenancy.scoping import organization_scope

from .advancement.world import build_framework
from .development.growth_world import build_growth
from .development.plan_world import build_plans
from .factories import (
    InvitationFactory,
    MembershipFactory,
    NotificationFactory,
    OrganizationFactory,
    TeamFactory,
)
from .feedback.world import build_feedback
from .world_snapshot import Worlds


@dataclass
class OrgWorld:
    """One organization with a person in every role and one object of every kind."""

    organization: Organization
    owner: Membership
    hr: Membership
    manager: Membership
    report: Membership
    member: Membership
    team: Team
    invitation: Invitation
    framework: object = None  # tests.advancement.world.FrameworkWorld
    feedback: object = None  # tests.feedback.world.FeedbackWorld
    growth: object = None  # tests.development.growth_world.GrowthWorld (mentoring, stretch)
    plans: object = None  # tests.development.plan_world.PlanWorld (the report's plan)

    def scope(self):
        return organization_scope(self.organization)


_worlds = Worlds()


def build_org_world(slug: str) -> OrgWorld:
    """The world of organization ``slug``: built once per worker, then restored from its
    snapshot into each test's transaction (``tests/world_snapshot.py``)."""
    if os.environ.get("PERFAPP_TEST_WORLDS") == "build":  # to compare, or to rule it out
        return _build_org_world(slug)
    return _worlds.get(slug, lambda: _build_org_world(slug))


def _build_org_world(slug: str) -> OrgWorld:
    organization = OrganizationFactory(slug=slug, name=f"{slug.title()} Inc")

    def person(role=Role.MEMBER, **extra) -> Membership:
        return MembershipFactory(organization=organization, role=role, **extra)

    team = TeamFactory(organization=organization, name=f"{slug.title()} Platform")
    owner = person(Role.OWNER, job_title="CEO")
    hr = person(Role.HR_ADMIN, job_title="Head of People", manager=owner)
    manager = person(job_title="Engineering Manager", manager=owner, team=team)
    report = person(job_title="Engineer", manager=manager, team=team)
    member = person(job_title="Designer", team=team)
    invitation = InvitationFactory(organization=organization, invited_by=hr)
    NotificationFactory(recipient=report, title=f"Hello from {slug}")
    with organization_scope(organization):
        record(
            organization=organization,
            actor=hr,
            action=AuditAction.MEMBER_UPDATED,
            target=report,
            changes={"role": ["member", "member"]},
        )
    world = OrgWorld(organization, owner, hr, manager, report, member, team, invitation)
    world.framework = build_framework(world)
    world.feedback = build_feedback(world)
    world.growth = build_growth(world)
    world.plans = build_plans(world)
    clear_outbox(world)
    return world


def clear_outbox(world) -> None:
    """Building a world queues notifications (placements, requests, cycles); tests about
    notifications count only what they cause themselves, so the world starts empty."""
    with world.scope():
        OutboxMessage.objects.all().delete()
    connection = transaction.get_connection()
    connection.run_on_commit = [
        entry for entry in connection.run_on_commit if entry[1] is not _start_dispatch
    ]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: what one cached (throttle counts, HR's
    feedback counts) must not answer for the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def world_a(db) -> OrgWorld:
    return build_org_world("alpha")


@pytest.fixture
def world_b(db) -> OrgWorld:
    return build_org_world("beta")


@pytest.fixture
def login(client):
    """Sign a membership's user in to the Django test client."""

    def _login(membership: Membership):
        client.force_login(membership.user)
        return client

    return _login


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def api_as(api_client):
    """An API client that authenticates with the person's token, as integrations do."""

    def _as(membership: Membership) -> APIClient:
        token, _ = Token.objects.get_or_create(user=membership.user)
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return api_client

    return _as
