"""Who may open and call every page and endpoint of points, rewards, insights and the
recognition settings: owner, HR admin, manager, report, a peer (member) and someone of
another organization. Forbidden answers 404, exactly like missing."""

import pytest
from django.urls import reverse

from perfapp.orgs.roles import Permission, Role, role_has_perm
from recognition.models import PointsEntry, RecognitionSettings, Redemption, Reward
from recognition.permissions import points as can

from ..helpers import signed_in_client
from .points_world import fund, redemption_of, reward_of

PEOPLE = ("owner", "hr", "manager", "report", "member", "other_org")
ALL = (200, 200, 200, 200, 200, 404)
HR = (200, 200, 404, 404, 404, 404)
HR_POST_ONLY = (405, 405, 404, 404, 404, 404)
POST_ONLY = (405, 405, 405, 405, 405, 404)
MANAGERS = (200, 200, 200, 404, 404, 404)  # the owner manages; so does the manager
OWN_OR_HR = (200, 200, 404, 200, 404, 404)  # the report's own things

PAGES = {
    "recognition:points": (None, ALL),
    "recognition:redeem": ("reward", POST_ONLY),
    "recognition:rewards": (None, HR),
    "recognition:reward_new": (None, HR),
    "recognition:reward_edit": ("reward", HR),
    "recognition:reward_archive": ("reward", HR_POST_ONLY),
    "recognition:reward_restore": ("reward", HR_POST_ONLY),
    "recognition:redemption_decide": ("redemption", HR_POST_ONLY),
    "recognition:insights": (None, MANAGERS),
    "recognition:insights_export": (None, HR),
    "recognition:settings": (None, HR),
}

API = {
    "api:points-balance-list": (None, ALL),
    "api:points-balance-detail": ("report", OWN_OR_HR),
    "api:points-entry-list": (None, ALL),
    "api:reward-list": (None, ALL),
    "api:reward-detail": ("reward", ALL),
    "api:reward-archive": ("reward", POST_ONLY),
    "api:reward-restore": ("reward", POST_ONLY),
    "api:redemption-list": (None, ALL),
    "api:redemption-detail": ("redemption", OWN_OR_HR),
    "api:redemption-approve": ("redemption", POST_ONLY),
    "api:redemption-reject": ("redemption", POST_ONLY),
    "api:recognition-insights-quiet": (None, MANAGERS),
    "api:recognition-insights-spread": (None, MANAGERS),
    "api:recognition-insights-givers": (None, MANAGERS),
    "api:recognition-insights-trend": (None, MANAGERS),
}


def _kwargs(world, needs) -> dict:
    if needs == "reward":
        return {"pk": reward_of(world)}
    if needs == "redemption":
        return {"pk": redemption_of(world)}
    if needs == "report":
        return {"pk": world.report.pk}
    return {}


def _person(world_a, world_b, who):
    return world_b.hr if who == "other_org" else getattr(world_a, who)


def test_every_url_is_in_the_matrix():
    from tests.isolation.routes import ORG_API, ORG_PAGES

    mine_pages = {
        name
        for name in ORG_PAGES
        if name.startswith("recognition:")
        and name.split(":")[1]
        in {
            "points",
            "redeem",
            "rewards",
            "reward_new",
            "reward_edit",
            "reward_archive",
            "reward_restore",
            "redemption_decide",
            "insights",
            "insights_export",
            "settings",
        }
    }
    mine_api = {
        name
        for name in ORG_API
        if name.startswith(
            ("api:points-", "api:reward-", "api:redemption-", "api:recognition-insights")
        )
    }
    assert mine_pages == set(PAGES)
    assert mine_api == set(API)


@pytest.mark.parametrize("who", PEOPLE)
def test_page_matrix(world_a, world_b, who):
    client = signed_in_client(_person(world_a, world_b, who))
    index = PEOPLE.index(who)
    got, want = {}, {}
    for name, (needs, expected) in PAGES.items():
        kwargs = {"org_slug": world_a.organization.slug, **_kwargs(world_a, needs)}
        got[name] = client.get(reverse(name, kwargs=kwargs)).status_code
        want[name] = expected[index]
    assert got == want


@pytest.mark.parametrize("who", PEOPLE)
def test_api_matrix(world_a, world_b, api_as, who):
    client = api_as(_person(world_a, world_b, who))
    index = PEOPLE.index(who)
    got, want = {}, {}
    for name, (needs, expected) in API.items():
        kwargs = {"org_slug": world_a.organization.slug, **_kwargs(world_a, needs)}
        got[name] = client.get(reverse(name, kwargs=kwargs)).status_code
        want[name] = expected[index]
    assert got == want


def _state(world) -> tuple:
    with world.scope():
        return (
            list(Reward.objects.order_by("id").values_list("id", "name", "cost", "archived_at")),
            list(Redemption.objects.order_by("id").values_list("id", "status")),
            PointsEntry.objects.count(),
            list(RecognitionSettings.objects.values_list("points_enabled", "monthly_allowance")),
        )


HR_WRITES = {
    "recognition:reward_new": (None, {"name": "Sneaky", "cost": "1"}),
    "recognition:reward_edit": ("reward", {"name": "Sneaky", "cost": "1"}),
    "recognition:reward_archive": ("reward", {}),
    "recognition:reward_restore": ("reward", {}),
    "recognition:redemption_decide": ("redemption", {"decision": "approve"}),
    "recognition:settings": (
        None,
        {"monthly_allowance": "9999", "quiet_after_days": "7", "points_enabled": ""},
    ),
}


@pytest.mark.parametrize("who", ["manager", "report", "member", "other_org"])
def test_hr_writes_answer_404_to_everyone_else_and_change_nothing(world_a, world_b, who):
    client = signed_in_client(_person(world_a, world_b, who))
    kwargs_of = {name: _kwargs(world_a, needs) for name, (needs, _data) in HR_WRITES.items()}
    before = _state(world_a)
    for name, (_needs, data) in HR_WRITES.items():
        kwargs = {"org_slug": world_a.organization.slug, **kwargs_of[name]}
        for headers in ({}, {"HX-Request": "true"}):
            response = client.post(reverse(name, kwargs=kwargs), data, headers=headers)
            assert response.status_code == 404, (name, response.status_code)
    assert _state(world_a) == before


@pytest.mark.parametrize("who", ["manager", "report", "member", "other_org"])
def test_hr_api_writes_answer_404_to_everyone_else(world_a, world_b, api_as, who):
    client = api_as(_person(world_a, world_b, who))
    reward_pk, redemption_pk = reward_of(world_a), redemption_of(world_a)
    before = _state(world_a)
    slug = world_a.organization.slug
    calls = [
        ("post", reverse("api:reward-list", kwargs={"org_slug": slug}), {"name": "X", "cost": 1}),
        ("patch", reverse("api:reward-detail", kwargs={"org_slug": slug, "pk": reward_pk}), {}),
        ("post", reverse("api:reward-archive", kwargs={"org_slug": slug, "pk": reward_pk}), {}),
        (
            "post",
            reverse("api:redemption-approve", kwargs={"org_slug": slug, "pk": redemption_pk}),
            {},
        ),
        (
            "post",
            reverse("api:redemption-reject", kwargs={"org_slug": slug, "pk": redemption_pk}),
            {"note": "no"},
        ),
    ]
    for method, path, body in calls:
        response = getattr(client, method)(path, body, format="json")
        assert response.status_code == 404, (path, response.status_code)
        assert response.json()["error"]["code"] == "not_found"
    assert _state(world_a) == before


def test_anyone_redeems_for_themselves_only(world_a, world_b):
    """Redeeming is open to every member, and always spends the signed-in person's own
    points; someone of another organization cannot redeem A's rewards."""
    fund(world_a, world_a.member, 100)
    pk = reward_of(world_a)
    path = reverse("recognition:redeem", kwargs={"org_slug": "alpha", "pk": pk})
    assert signed_in_client(world_b.owner).post(path).status_code == 404
    assert signed_in_client(world_a.member).post(path).status_code == 302
    with world_a.scope():
        row = Redemption.objects.get()
    assert row.member_id == world_a.member.pk


# --- the predicates -----------------------------------------------------------------------------


def test_the_manage_permission_belongs_to_owners_and_hr_admins():
    assert role_has_perm(Role.OWNER, Permission.MANAGE_RECOGNITION)
    assert role_has_perm(Role.HR_ADMIN, Permission.MANAGE_RECOGNITION)
    assert not role_has_perm(Role.MEMBER, Permission.MANAGE_RECOGNITION)


def test_predicates(world_a):
    w = world_a
    with w.scope():
        row = Redemption(organization=w.organization, member=w.report, cost=1)
        hr_row = Redemption(organization=w.organization, member=w.hr, cost=1)
        assert can.can_see_points_of(w.report, w.report) and can.can_see_points_of(w.hr, w.report)
        assert not can.can_see_points_of(w.manager, w.report)
        assert can.can_decide_redemption(w.hr, row) and not can.can_decide_redemption(w.hr, hr_row)
        assert can.can_decide_redemption(w.owner, hr_row)
        assert not can.can_decide_redemption(w.manager, row)
        assert can.can_see_redemption(w.report, row) and not can.can_see_redemption(w.member, row)
        assert can.can_see_insights(w.manager) and not can.can_see_insights(w.report)
        assert not can.can_see_org_insights(w.manager) and can.can_export_insights(w.hr)
        assert can.can_change_settings(w.owner) and not can.can_change_settings(w.manager)
