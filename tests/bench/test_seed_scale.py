"""``seed_scale`` at a tiny size: the rows it inserts in bulk are valid (every constraint
checked, foreign keys included) and the real pages render them for the people the load
test signs in as. The benchmark itself (``make bench``) is not part of the suite."""

import pytest
from django.db import connection
from django.db.models import F
from django.urls import NoReverseMatch, reverse

from advancement.models import FrameworkVersion, Placement
from bench import scale
from development.models import DevelopmentPlan, Goal
from feedback.models import ActionItem, AgendaItem, CheckinSeries, Feedback, Meeting
from perfapp.orgs.models import Membership, Organization
from perfapp.orgs.roles import Role
from perfapp.tenancy.scoping import scopes_disabled
from recognition.models import Reaction, Recognition, RecognitionRecipient

BIG = 160  # the smallest largest organization with a manager of 12 non-managers
VOLUME = 0.06  # of the yearly volumes: about 3 feedback items per person


@pytest.fixture
def seeded(db):
    plan = scale.Plan(
        [
            scale.Org(scale.BIG_SLUG, BIG, VOLUME),
            scale.Org("bench-mid-01", 30, VOLUME),
            scale.Org("bench-0001", 20, VOLUME),
        ]
    )
    # fast=False: foreign key triggers stay on; IMMEDIATE checks them before the test
    # transaction (never committed) ends.
    scale.Seeder(plan, log=lambda line: None, fast=False, vacuum=False).run()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    return plan, scale.measured_people(plan)


def test_plan_is_skewed_like_real_customers():
    plan = scale.Plan.build(1.0)
    sizes = [org.size for org in plan.orgs]
    assert len(plan.orgs) == 1000
    assert plan.people == 100_000
    assert sizes[0] == 20_000
    assert sizes[1:11] == [2000] * 10
    assert min(sizes[11:]) >= 60 and max(sizes[11:]) <= 80
    quick = scale.Plan.build(0.05)
    assert quick.orgs[0].size == 1000 and quick.orgs[0].volume == 1.0


def test_small_sizes_stay_in_bounds_and_add_up():
    sizes = scale.small_sizes(989, 60_000)
    assert sum(sizes) == 60_000
    assert set(sizes) <= set(range(60, 81))


def test_seeded_rows_hang_together(seeded):
    plan, people = seeded
    with scopes_disabled():
        big = Organization.objects.get(slug=scale.BIG_SLUG)
        assert Membership.objects.filter(organization=big).count() == BIG
        manager = Membership.objects.get(pk=people.manager)
        reports = Membership.objects.filter(manager=manager)
        assert reports.count() == 12
        assert not Membership.objects.filter(manager__in=reports).exists()
        assert Membership.objects.get(pk=people.employee).manager_id == manager.pk
        assert Membership.objects.get(pk=people.hr_admin).role == Role.HR_ADMIN
        # Everyone placed, with an agreed plan of three goals and a 1:1 series.
        assert Placement.objects.count() == plan.people
        assert DevelopmentPlan.objects.count() == plan.people
        assert Goal.objects.count() == 3 * plan.people
        assert CheckinSeries.objects.count() == plan.people - len(plan.orgs)
        assert FrameworkVersion.objects.count() == len(plan.orgs)
        # Volumes: per person at least one of everything; rows stay in their organization.
        assert Feedback.objects.filter(recipient_id=people.employee).count() >= 150
        assert (
            not Feedback.objects.exclude(author__organization_id=big.pk)
            .filter(organization=big)
            .exists()
        )
        assert Recognition.objects.exists() and Reaction.objects.exists()
        assert not RecognitionRecipient.objects.exclude(
            recipient__organization_id=F("organization_id")
        ).exists()
        assert Meeting.objects.exists() and AgendaItem.objects.exists()
        assert ActionItem.objects.exists()


def test_pages_render_the_seed_for_the_measured_people(seeded, client):
    _, people = seeded
    with scopes_disabled():
        employee = Membership.objects.select_related("user").get(pk=people.employee)
        manager = Membership.objects.select_related("user").get(pk=people.manager)
    org = {"org_slug": people.slug}
    client.force_login(employee.user)
    timeline = client.get(reverse("feedback:index", kwargs=org))
    assert timeline.status_code == 200
    assert "incident review" in timeline.text or "pull request" in timeline.text
    wall = client.get(reverse("recognition:index", kwargs=org))
    assert wall.status_code == 200 and "Thank" in wall.text
    for name in ("feedback", "recognitions", "members"):
        response = client.get(f"/api/v1/orgs/{people.slug}/{name}/")
        assert response.status_code == 200, name
        assert response.json()["results"], name
    assert client.get(reverse("feedback:checkins", kwargs=org)).status_code == 200
    assert client.get(reverse("development:index", kwargs=org)).status_code == 200
    client.force_login(manager.user)
    for name, kwargs in (("web:team", {}), ("advancement:readiness", {"member_id": employee.pk})):
        try:
            url = reverse(name, kwargs={**org, **kwargs})
        except NoReverseMatch:
            continue  # built by others; the benchmark reports it as "not built"
        assert client.get(url).status_code == 200, name
