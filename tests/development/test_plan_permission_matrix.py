"""Who may open and use which development plan page and endpoint, role by role.

The world's plan is the report's, agreed with their manager. Roles:
- report: the plan's owner; manager: their manager — the plan's two people;
- owner: the manager's manager (skip-level), reads the outline;
- hr: HR admin, reads the outline and sets the review cadence;
- member: a teammate (a peer), reads nothing of the plan but the shared goal;
- other: the most powerful person of another organization, finds nothing.

Forbidden answers 404, exactly like missing. A new plan URL fails
``test_every_plan_url_is_classified`` until it is added here.
"""

from datetime import timedelta

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone

from development.models import (
    DevelopmentPlan,
    DevelopmentSettings,
    Goal,
    LearningItem,
    Milestone,
    PlanComment,
    PlanReview,
)

from ..helpers import org_url
from .plan_world import plans_snapshot

ROLES = ("owner", "hr", "manager", "report", "member", "other")
MINE = ("manager", "report")  # the plan's two people


def person(world_a, world_b, role):
    return world_b.owner if role == "other" else getattr(world_a, role)


def statuses(**given) -> dict:
    base = dict.fromkeys(ROLES, 404)
    base.update(given)
    return base


EVERYONE = statuses(owner=200, hr=200, manager=200, report=200, member=200)
TWO = statuses(manager=200, report=200)
POST_ONLY = statuses(owner=405, hr=405, manager=405, report=405, member=405)
OUTLINE = statuses(owner=200, hr=200, manager=200, report=302)
HR = statuses(owner=200, hr=200)

REPORT = lambda w: {"pk": w.report.pk}  # noqa: E731
GOAL = lambda w: {"pk": w.plans.goal.pk}  # noqa: E731
MILESTONE = lambda w: {"pk": w.plans.milestone.pk}  # noqa: E731
LEARNING = lambda w: {"pk": w.plans.learning.pk}  # noqa: E731

# name -> (kwargs for the world, GET status per role)
PAGES = {
    "index": (None, EVERYONE),
    "team": (None, EVERYONE),  # people without reports see an empty state
    "settings": (None, HR),
    "plan": (REPORT, OUTLINE),
    "plan_edit": (REPORT, TWO),
    "plan_sign": (REPORT, POST_ONLY),
    "plan_comment": (REPORT, POST_ONLY),
    "plan_review": (REPORT, POST_ONLY),
    "learning_add": (REPORT, POST_ONLY),
    "goal_new": (REPORT, TWO),
    "goal_edit": (GOAL, TWO),
    "goal_status": (GOAL, POST_ONLY),
    "goal_progress": (GOAL, POST_ONLY),
    "milestone_add": (GOAL, POST_ONLY),
    "milestone_done": (MILESTONE, POST_ONLY),
    "milestone_remove": (MILESTONE, POST_ONLY),
    "learning_status": (LEARNING, POST_ONLY),
    "learning_remove": (LEARNING, POST_ONLY),
}


def _in_a_month() -> str:
    return (timezone.now().date() + timedelta(days=30)).isoformat()


def _plan(w):
    return DevelopmentPlan.objects.get(pk=w.plans.plan.pk)


# name -> (form data, who may write and the status they get, what must have changed)
POSTS = {
    "plan_edit": (
        lambda w: {
            "aspirations": "Rewritten.",
            "focus_competencies": [w.framework.competency.pk],
            "version": w.plans.plan.version,
        },
        302,
        lambda w: _plan(w).aspirations == "Rewritten.",
    ),
    "plan_comment": (
        lambda w: {"body": "Matrix comment."},
        302,
        lambda w: PlanComment.objects.filter(body="Matrix comment.").exists(),
    ),
    "plan_review": (
        lambda w: {"what_changed": "Matrix review.", "next_review_on": _in_a_month()},
        302,
        lambda w: PlanReview.objects.filter(what_changed="Matrix review.").exists(),
    ),
    "learning_add": (
        lambda w: {
            "kind": "talk",
            "title": "Matrix talk",
            "about": f"competency-{w.framework.competency.pk}",
        },
        302,
        lambda w: LearningItem.objects.filter(title="Matrix talk").exists(),
    ),
    "goal_new": (
        lambda w: {
            "title": "Matrix goal",
            "success_criteria": "Done.",
            "start_on": "2030-01-01",
            "target_on": "2030-02-01",
            "visibility": "private",
        },
        302,
        lambda w: Goal.objects.filter(title="Matrix goal").exists(),
    ),
    "goal_edit": (
        lambda w: {
            "title": "Matrix renamed",
            "success_criteria": "Done.",
            "start_on": "2030-01-01",
            "target_on": "2030-02-01",
            "visibility": "private",
        },
        302,
        lambda w: Goal.objects.get(pk=w.plans.goal.pk).title == "Matrix renamed",
    ),
    "goal_status": (
        lambda w: {"status": "at_risk"},
        302,
        lambda w: Goal.objects.get(pk=w.plans.goal.pk).status == "at_risk",
    ),
    "goal_progress": (
        lambda w: {"progress_mode": "manual", "manual_progress": "40"},
        302,
        lambda w: Goal.objects.get(pk=w.plans.goal.pk).manual_progress == 40,
    ),
    "milestone_add": (
        lambda w: {"title": "Matrix milestone"},
        302,
        lambda w: Milestone.objects.filter(title="Matrix milestone").exists(),
    ),
    "milestone_done": (
        lambda w: {"done": "1"},
        302,
        lambda w: Milestone.objects.get(pk=w.plans.milestone.pk).done_at is not None,
    ),
    "milestone_remove": (
        lambda w: {},
        302,
        lambda w: not Milestone.objects.filter(pk=w.plans.milestone.pk).exists(),
    ),
    "learning_status": (
        lambda w: {"status": "done"},
        302,
        lambda w: LearningItem.objects.get(pk=w.plans.learning.pk).status == "done",
    ),
    "learning_remove": (
        lambda w: {},
        302,
        lambda w: not LearningItem.objects.filter(pk=w.plans.learning.pk).exists(),
    ),
}


def url_for(world, name: str) -> str:
    kwargs, _ = PAGES[name]
    return reverse(
        f"development:{name}",
        kwargs={"org_slug": world.organization.slug, **(kwargs(world) if kwargs else {})},
    )


def test_every_plan_url_is_classified():
    """Every growth URL outside mentoring and stretch assignments is in this matrix."""
    theirs = ("mentor", "opportunit", "interest")
    names = {
        pattern.name
        for pattern in get_resolver("development.urls").url_patterns
        if getattr(pattern, "name", None) and not pattern.name.startswith(theirs)
    }
    assert names == set(PAGES)
    assert set(POSTS) <= set(PAGES)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_access_by_role(name, world_a, world_b, client):
    expected = PAGES[name][1]
    got = {}
    for role in ROLES:
        client.force_login(person(world_a, world_b, role).user)
        got[role] = client.get(url_for(world_a, name)).status_code
    assert got == expected


def _snapshot(world):
    from perfapp.tenancy.scoping import scopes_disabled

    with scopes_disabled():
        return plans_snapshot(world.organization)


@pytest.mark.parametrize("writer", MINE)
@pytest.mark.parametrize("name", sorted(POSTS))
def test_posts_by_role(name, writer, world_a, world_b, client):
    """Everyone but the plan's two people changes nothing (404); the two people write."""
    data, allowed, changed = POSTS[name]
    before = _snapshot(world_a)
    for role in ("owner", "hr", "member", "other"):
        client.force_login(person(world_a, world_b, role).user)
        response = client.post(url_for(world_a, name), data(world_a))
        assert response.status_code == 404, (role, response.status_code)
    assert _snapshot(world_a) == before
    client.force_login(getattr(world_a, writer).user)
    response = client.post(url_for(world_a, name), data(world_a))
    assert response.status_code == allowed
    with world_a.scope():
        assert bool(changed(world_a)) == (allowed == 302)


def test_signing_is_for_the_two_people_only(world_a, world_b, client):
    """The skip-level manager and HR read the plan but are told they cannot sign it; a
    peer and another organization find nothing. Nothing changes for any of them."""
    url = url_for(world_a, "plan_sign")
    with world_a.scope():
        plan = DevelopmentPlan.objects.get(pk=world_a.plans.plan.pk)
    before = _snapshot(world_a)
    for role, expected in (("owner", 400), ("hr", 400), ("member", 404), ("other", 404)):
        client.force_login(person(world_a, world_b, role).user)
        response = client.post(url, {"version": plan.version})
        assert response.status_code == expected, role
        if expected == 400:
            assert "sign this plan" in response.content.decode()
    assert _snapshot(world_a) == before
    for role in MINE:  # both already signed: signing again changes nothing
        client.force_login(getattr(world_a, role).user)
        assert client.post(url, {"version": plan.version}).status_code == 302
    assert _snapshot(world_a) == before


def test_growth_settings_are_for_hr(world_a, world_b, client):
    url = url_for(world_a, "settings")
    for role in ("manager", "report", "member", "other"):
        client.force_login(person(world_a, world_b, role).user)
        assert client.post(url, {"review_every_months": 6}).status_code == 404
    with world_a.scope():
        assert not DevelopmentSettings.objects.filter(review_every_months=6).exists()
    client.force_login(world_a.hr.user)
    assert client.post(url, {"review_every_months": 6}).status_code == 302
    with world_a.scope():
        assert DevelopmentSettings.objects.get().review_every_months == 6


# --- the API ---------------------------------------------------------------------------------


API_READS = {
    "plan-detail": (
        lambda w: w.plans.plan.pk,
        statuses(owner=200, hr=200, manager=200, report=200),
    ),
    "goal-detail": (lambda w: w.plans.goal.pk, statuses(manager=200, report=200)),
    "goal-detail-shared": (lambda w: w.plans.shared_goal.pk, EVERYONE),
    "milestone-detail": (lambda w: w.plans.milestone.pk, statuses(manager=200, report=200)),
    "learning-item-detail": (lambda w: w.plans.learning.pk, statuses(manager=200, report=200)),
    "plan-review-detail": (lambda w: w.plans.review.pk, statuses(manager=200, report=200)),
}


@pytest.mark.parametrize("name", sorted(API_READS))
def test_api_reads_by_role(name, world_a, world_b, api_as):
    pick, expected = API_READS[name]
    route = name.removesuffix("-shared")
    got = {
        role: api_as(person(world_a, world_b, role))
        .get(org_url(f"api:{route}", org=world_a, pk=pick(world_a)))
        .status_code
        for role in ROLES
    }
    assert got == expected


API_WRITES = {
    # name -> (method, url name, pk, body, status for outline readers (owner, hr))
    "plan": ("patch", "plan-detail", lambda w: w.plans.plan.pk, lambda w: {"version": 0}, 400),
    "sign": ("post", "plan-sign", lambda w: w.plans.plan.pk, lambda w: {"version": 0}, 400),
    "goal": (
        "patch",
        "goal-detail",
        lambda w: w.plans.goal.pk,
        lambda w: {"status": "at_risk"},
        404,
    ),
    "shared": (
        "patch",
        "goal-detail",
        lambda w: w.plans.shared_goal.pk,
        lambda w: {"status": "at_risk"},
        404,
    ),
    "milestone": (
        "patch",
        "milestone-detail",
        lambda w: w.plans.milestone.pk,
        lambda w: {"done": True},
        404,
    ),
    "milestone-delete": ("delete", "milestone-detail", lambda w: w.plans.milestone.pk, None, 404),
    "learning": (
        "patch",
        "learning-item-detail",
        lambda w: w.plans.learning.pk,
        lambda w: {"status": "done"},
        404,
    ),
}


@pytest.mark.parametrize("name", sorted(API_WRITES))
def test_api_writes_by_anyone_else_change_nothing(name, world_a, world_b, api_as):
    method, route, pick, body, outline_status = API_WRITES[name]
    url = org_url(f"api:{route}", org=world_a, pk=pick(world_a))
    before = _snapshot(world_a)
    for role in ("owner", "hr", "member", "other"):
        client = api_as(person(world_a, world_b, role))
        payload = body(world_a) if body else None
        response = getattr(client, method)(url, payload, format="json")
        expected = outline_status if role in ("owner", "hr") else 404
        assert response.status_code == expected, (role, response.status_code, response.content)
        assert response.json()["error"]["code"] in ("not_found", "validation_error")
    assert _snapshot(world_a) == before


def test_api_reviews_and_learning_lists_are_the_two_peoples(world_a, world_b, api_as):
    for name in ("plan-review-list", "learning-item-list", "milestone-list", "goal-list"):
        for role in ("owner", "hr", "member"):
            body = api_as(getattr(world_a, role)).get(org_url(f"api:{name}", org=world_a)).json()
            ids = {row["id"] for row in body["results"]}
            with world_a.scope():
                private = {
                    "plan-review-list": set(PlanReview.objects.values_list("pk", flat=True)),
                    "learning-item-list": set(LearningItem.objects.values_list("pk", flat=True)),
                    "milestone-list": {world_a.plans.milestone.pk},
                    "goal-list": {world_a.plans.goal.pk},
                }[name]
            assert not ids & private, (name, role)
