"""Organization B can neither read nor change organization A's objects, through any page,
htmx partial or API endpoint. Every URL pattern must be classified in routes.py."""

import pytest
from django.urls import reverse

from advancement.models import (
    Competency,
    Criterion,
    FrameworkVersion,
    Level,
    Placement,
    Proposal,
    ProposalComment,
    ProposalVote,
    Track,
)
from feedback.models import (
    ActionItem,
    AgendaItem,
    CheckinSeries,
    CoachingPrompt,
    CycleQuestion,
    CycleResponse,
    Feedback,
    FeedbackCycle,
    Meeting,
    PrivateNote,
    RequestReviewer,
    ReviewerAssignment,
    WeeklyUpdate,
)
from perfapp.audit.models import AuditEvent
from perfapp.notifications.models import Notification
from perfapp.orgs.models import Invitation, Membership, Team
from perfapp.tenancy.scoping import scopes_disabled

from ..development.growth_world import growth_snapshot
from ..development.plan_world import plans_snapshot
from .routes import ORG_API, ORG_LOCAL_KEYS, ORG_PAGES, PUBLIC, PUBLIC_PREFIXES, iter_routes

WRITE_METHODS = ("post", "patch", "put", "delete")


def test_every_url_pattern_is_classified():
    unclassified = []
    for route in iter_routes():
        if route.route.startswith(PUBLIC_PREFIXES) or route.name in PUBLIC:
            continue
        if "<slug:org_slug>" in route.route:
            if route.name not in ORG_PAGES and route.name not in ORG_API:
                unclassified.append(f"{route.name or '(unnamed)'}: {route.route}")
            continue
        unclassified.append(f"{route.name or '(unnamed)'}: {route.route}")
    assert not unclassified, (
        "Classify these URLs in tests/isolation/routes.py so the sweep covers them:\n"
        + "\n".join(unclassified)
    )


def test_every_classified_route_still_exists():
    names = {route.name for route in iter_routes()}
    stale = (set(ORG_PAGES) | set(ORG_API) | PUBLIC) - names
    assert not stale


def snapshot_of(world) -> dict:
    """Everything of A that a leaked write could change."""
    org = world.organization
    with scopes_disabled():
        return {
            "members": sorted(
                Membership.objects.filter(organization=org).values_list(
                    "id", "role", "manager_id", "team_id", "job_title", "is_active"
                )
            ),
            "teams": sorted(Team.objects.filter(organization=org).values_list("id", "name")),
            "invitations": sorted(
                Invitation.objects.filter(organization=org).values_list(
                    "id", "revoked_at", "expires_at", "accepted_at"
                )
            ),
            "notifications": sorted(
                Notification.objects.filter(organization=org).values_list("id", "read_at")
            ),
            "audit": AuditEvent.objects.filter(organization=org).count(),
            "competencies": sorted(
                Competency.objects.filter(organization=org).values_list(
                    "id", "name", "description", "archived_at"
                )
            ),
            "tracks": sorted(Track.objects.filter(organization=org).values_list("id", "name")),
            "levels": sorted(
                Level.objects.filter(organization=org).values_list("id", "rank", "code", "summary")
            ),
            "criteria": sorted(
                Criterion.objects.filter(organization=org).values_list("id", "expectation")
            ),
            "versions": FrameworkVersion.objects.filter(organization=org).count(),
            "placements": sorted(
                Placement.objects.filter(organization=org).values_list("membership_id", "level_id")
            ),
            "proposals": sorted(
                Proposal.objects.filter(organization=org).values_list("id", "status", "answer")
            ),
            "comments": ProposalComment.objects.filter(organization=org).count(),
            "votes": ProposalVote.objects.filter(organization=org).count(),
            "feedback": sorted(
                Feedback.objects.filter(organization=org).values_list(
                    "id", "situation", "attached_as_evidence", "edited_at"
                )
            ),
            "requests": sorted(
                RequestReviewer.objects.filter(organization=org).values_list("id", "status")
            ),
            "cycles": sorted(
                FeedbackCycle.objects.filter(organization=org).values_list("id", "status", "name")
            ),
            "questions": CycleQuestion.objects.filter(organization=org).count(),
            "assignments": sorted(
                ReviewerAssignment.objects.filter(organization=org).values_list("id", "status")
            ),
            "responses": CycleResponse.objects.filter(organization=org).count(),
            "series": sorted(
                CheckinSeries.objects.filter(organization=org).values_list("id", "status")
            ),
            "meetings": sorted(
                Meeting.objects.filter(organization=org).values_list(
                    "id", "status", "starts_at", "shared_notes"
                )
            ),
            "points": sorted(
                AgendaItem.objects.filter(organization=org).values_list("id", "text", "discussed")
            ),
            "actions": sorted(
                ActionItem.objects.filter(organization=org).values_list("id", "text", "done_at")
            ),
            "updates": sorted(
                WeeklyUpdate.objects.filter(organization=org).values_list("id", "wins", "mood")
            ),
            "private_notes": sorted(
                PrivateNote.objects.filter(organization=org).values_list("id", "body")
            ),
            "prompts": sorted(
                CoachingPrompt.objects.filter(organization=org).values_list("id", "archived_at")
            ),
            "growth": growth_snapshot(org),
            "plans": plans_snapshot(org),
            "org": (org.name, org.time_zone),
        }


def _url(name, world, kwargs_for, slug_world=None):
    kwargs = {"org_slug": (slug_world or world).organization.slug}
    if kwargs_for is not None:
        kwargs.update(kwargs_for(world))
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("name", sorted(ORG_PAGES))
def test_pages_of_another_organization_answer_404(name, world_a, world_b, login):
    client = login(world_b.owner)  # B's most powerful person
    before = snapshot_of(world_a)
    url = _url(name, world_a, ORG_PAGES[name])
    for headers in ({}, {"HX-Request": "true"}):
        assert client.get(url, headers=headers).status_code == 404
    for method in WRITE_METHODS:
        assert getattr(client, method)(url, {"name": "Hacked", "role": "owner"}).status_code == 404
    assert snapshot_of(world_a) == before


@pytest.mark.parametrize(
    "name", sorted(n for n, kw in ORG_PAGES.items() if kw is not None and n not in ORG_LOCAL_KEYS)
)
def test_a_foreign_object_id_under_ones_own_slug_answers_404(name, world_a, world_b, login):
    client = login(world_b.owner)
    before = snapshot_of(world_a)
    url = _url(name, world_a, ORG_PAGES[name], slug_world=world_b)
    assert client.get(url).status_code in (404, 405)  # 405: a POST-only action
    assert client.post(url, {"name": "Hacked", "role": "owner"}).status_code in (404, 405)
    assert snapshot_of(world_a) == before


@pytest.mark.parametrize("name", sorted(ORG_PAGES))
def test_the_sweep_urls_are_real_for_their_own_organization(name, world_a, client):
    """Guards the sweep itself: someone of A reaches every page (private things only open
    to the people involved), so B's 404 really means isolation."""
    url = _url(name, world_a, ORG_PAGES[name])
    statuses = []
    for person in (world_a.owner, world_a.hr, world_a.manager, world_a.report, world_a.member):
        client.force_login(person.user)
        statuses.append(client.get(url).status_code)
    assert any(status in (200, 302, 405) for status in statuses), statuses


@pytest.mark.parametrize("name", sorted(ORG_API))
def test_api_of_another_organization_answers_404(name, world_a, world_b, api_as):
    client = api_as(world_b.owner)
    before = snapshot_of(world_a)
    url = _url(name, world_a, ORG_API[name])
    assert client.get(url).status_code == 404
    for method in WRITE_METHODS:
        response = getattr(client, method)(url, {"name": "Hacked", "role": "owner"}, format="json")
        assert response.status_code in (404, 405), (method, response.status_code)
        if response.status_code == 404:
            assert response.json()["error"]["code"] == "not_found"
    assert snapshot_of(world_a) == before


@pytest.mark.parametrize(
    "name", sorted(n for n, kw in ORG_API.items() if kw is not None and n not in ORG_LOCAL_KEYS)
)
def test_api_foreign_object_id_under_ones_own_slug_answers_404(name, world_a, world_b, api_as):
    client = api_as(world_b.owner)
    before = snapshot_of(world_a)
    url = _url(name, world_a, ORG_API[name], slug_world=world_b)
    assert client.get(url).status_code in (404, 405)
    for method in WRITE_METHODS:
        response = getattr(client, method)(url, {"name": "Hacked"}, format="json")
        assert response.status_code in (404, 405)
    assert snapshot_of(world_a) == before


@pytest.mark.parametrize("name", sorted(ORG_API))
def test_the_api_sweep_urls_are_real_for_their_own_organization(name, world_a, api_as):
    """Someone of A reaches every endpoint (private ones only open to those involved)."""
    url = _url(name, world_a, ORG_API[name])
    statuses = [
        api_as(person).get(url).status_code
        for person in (world_a.owner, world_a.hr, world_a.manager, world_a.report, world_a.member)
    ]
    # 409: results of a cycle that is still open exist, but are not ready yet.
    assert any(status in (200, 405, 409) for status in statuses), statuses


def test_a_deactivated_member_loses_access_at_once(world_a, login, api_as):
    client = login(world_a.member)
    home = reverse("web:home", kwargs={"org_slug": "alpha"})
    assert client.get(home).status_code == 200
    with scopes_disabled():
        Membership.objects.filter(pk=world_a.member.pk).update(is_active=False)
    assert client.get(home).status_code == 404
    members = reverse("api:member-list", kwargs={"org_slug": "alpha"})
    assert api_as(world_a.member).get(members).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in_and_the_api_asks_for_credentials(world_a, client):
    response = client.get(reverse("orgs:people", kwargs={"org_slug": "alpha"}))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    api = client.get(reverse("api:member-list", kwargs={"org_slug": "alpha"}))
    assert api.status_code in (401, 403)
    assert api.json()["error"]["code"] in ("not_authenticated", "authentication_failed")


@pytest.mark.parametrize(
    ("name", "param", "pick"),
    [
        ("advancement:proposal_new", "criterion", lambda w: w.framework.criterion.pk),
        ("advancement:proposal_new", "level", lambda w: w.framework.level.pk),
        ("advancement:proposal_new", "competency", lambda w: w.framework.competency.pk),
        ("advancement:next_level", "person", lambda w: w.report.pk),
        ("development:mentor_ask", "mentor", lambda w: w.member.pk),
        ("development:mentor_ask", "competency", lambda w: w.framework.competency.pk),
    ],
)
def test_foreign_ids_in_the_query_string_answer_404(name, param, pick, world_a, world_b, login):
    client = login(world_b.owner)
    before = snapshot_of(world_a)
    url = reverse(name, kwargs={"org_slug": "beta"})
    assert client.get(url, {param: pick(world_a)}).status_code == 404
    posted = client.post(url, {param: pick(world_a), "proposed_text": "x", "rationale": "y"})
    assert posted.status_code in (404, 405)
    assert snapshot_of(world_a) == before
