"""The front door, the page shell and what every page carries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token

from perfapp.accounts.models import User
from perfapp.orgs.models import Membership, Organization
from perfapp.orgs.roles import Role
from perfapp.tenancy.scoping import scopes_disabled

from ..factories import MembershipFactory, UserFactory


def test_health_reports_database_and_broker(db, client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": True, "broker": True}}


def test_health_answers_503_when_the_broker_is_down(db, client, monkeypatch):
    from perfapp.web import health

    monkeypatch.setattr(health, "_broker_ok", lambda: False)
    response = client.get(reverse("health"))
    assert response.status_code == 503 and response.json()["checks"]["broker"] is False


def test_pages_carry_a_strict_csp_and_scripts_carry_its_nonce(world_a, login):
    response = login(world_a.member).get(reverse("web:home", kwargs={"org_slug": "alpha"}))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    html = response.content.decode()
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts)
    assert "htmx" in html and "includeIndicatorStyles" in html


def test_start_sends_people_where_they_belong(db, client):
    assert client.get(reverse("start"))["Location"].startswith("/accounts/login/")
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("start"))["Location"] == reverse("orgs_create")
    first = MembershipFactory(user=user)
    assert client.get(reverse("start"))["Location"] == f"/o/{first.organization.slug}/"
    MembershipFactory(user=user)
    chooser = client.get(reverse("start"))
    assert chooser.status_code == 200 and first.organization.name in chooser.content.decode()


def test_sign_up_then_create_an_organization(db, client):
    response = client.post(
        reverse("account_signup"),
        {
            "name": "  Ada   Founder ",
            "email": "founder@newco.example",
            "password1": "a-long-passphrase",
            "password2": "a-long-passphrase",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/orgs/new/"
    empty = client.post(reverse("orgs_create"), {"name": "", "time_zone": "UTC"})
    assert empty.status_code == 200 and "Name your organization" in empty.content.decode()
    created = client.post(reverse("orgs_create"), {"name": "NewCo", "time_zone": "Europe/Paris"})
    assert created["Location"] == "/o/newco/"
    organization = Organization.objects.get(slug="newco")
    with scopes_disabled():
        owner = Membership.objects.get(organization=organization)
    assert owner.role == Role.OWNER and owner.user.email == "founder@newco.example"
    assert owner.name == "Ada Founder"  # not "founder", the email's first part
    home = client.get("/o/newco/").content.decode()
    assert "Set up NewCo" in home and "Invite or import your people" in home


def test_sign_up_asks_for_a_name_first_and_refuses_none(db, client):
    page = client.get(reverse("account_signup")).content.decode()
    labels = re.findall(r'<label for="id_(\w+)"', page)
    assert labels[:2] == ["name", "email"]
    assert 'autocomplete="name"' in page
    for name in ("", "   "):
        response = client.post(
            reverse("account_signup"),
            {
                "name": name,
                "email": "nameless@newco.example",
                "password1": "a-long-passphrase",
                "password2": "a-long-passphrase",
            },
        )
        assert response.status_code == 200
        assert "Write your name as your colleagues know it." in response.content.decode()
    assert not User.objects.filter(email="nameless@newco.example").exists()


def test_sign_in_speaks_in_sentence_case(db, client):
    page = client.get(reverse("account_login")).content.decode()
    assert "Remember me" in page and "Remember Me" not in page


def test_account_emails_carry_the_products_name_not_the_host(db, client, mailoutbox):
    UserFactory(email="known@newco.example")
    for email in ("known@newco.example", "stranger@newco.example"):
        client.post(reverse("account_reset_password"), {"email": email})
    reset, unknown = mailoutbox
    assert reset.subject == "[perfapp] Reset your password"
    assert unknown.subject == "[perfapp] No account with this email address"
    for message in (reset, unknown):
        assert "Hello from perfapp!" in message.body and "Thank you for using perfapp!" in (
            message.body
        )
        assert "Hello from testserver" not in message.body
        assert "using testserver" not in message.body


def test_home_shows_a_manager_their_team(world_a, login):
    html = (
        login(world_a.manager)
        .get(reverse("web:home", kwargs={"org_slug": "alpha"}))
        .content.decode()
    )
    assert "Your team" in html and world_a.report.name in html


def test_org_switcher_lists_only_my_organizations(world_a, world_b, login):
    third = MembershipFactory()  # an organization I do not belong to
    MembershipFactory(organization=world_b.organization, user=world_a.member.user)
    html = (
        login(world_a.member)
        .get(reverse("web:home", kwargs={"org_slug": "alpha"}))
        .content.decode()
    )
    assert "/o/beta/" in html and f"/o/{third.organization.slug}/" not in html


def _switcher(html: str) -> str:
    return html.split('class="menu-panel" role="menu"')[1].split("<hr>")[0]


def test_one_organization_shows_itself_in_the_switcher_without_reading_memberships(world_a, login):
    """The switcher of a person in one organization: that one, current, with their role,
    from a count rather than a read of their memberships."""
    client = login(world_a.member)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("feedback:index", kwargs={"org_slug": "alpha"})).content.decode()
    switcher = _switcher(html)
    assert switcher.count('role="menuitem"') == 1
    assert 'href="/o/alpha/feedback/" aria-current="true"' in switcher
    assert world_a.organization.name in switcher and "Member" in switcher
    assert not any(
        'ORDER BY "orgs_organization"."name"' in q["sql"] for q in queries.captured_queries
    )


def test_a_deactivated_second_membership_leaves_one_organization_in_the_switcher(
    world_a, world_b, login
):
    MembershipFactory(organization=world_b.organization, user=world_a.member.user, is_active=False)
    switcher = _switcher(login(world_a.member).get("/o/alpha/").content.decode())
    assert switcher.count('role="menuitem"') == 1 and "/o/beta/" not in switcher


def _switch_link(html: str, slug: str) -> str:
    [link] = re.findall(rf'role="menuitem" href="(/o/{slug}/[^"]*)"', html)
    return link


def test_switching_organization_keeps_the_section_when_the_role_there_opens_it(
    world_a, world_b, login
):
    """HR in alpha, a plain member in beta: Check-ins lead to beta's Check-ins, a page
    inside Feedback to beta's Feedback, People and My team to beta's home."""
    MembershipFactory(organization=world_b.organization, user=world_a.hr.user, role=Role.MEMBER)
    client = login(world_a.hr)
    request_page = reverse("feedback:requests", kwargs={"org_slug": "alpha"})
    for page, expected in (
        ("/o/alpha/feedback/check-ins/", "/o/beta/feedback/check-ins/"),
        (request_page, "/o/beta/feedback/"),
        ("/o/alpha/growth/", "/o/beta/growth/"),
        ("/o/alpha/people/", "/o/beta/"),  # HR only: not HR in beta
        ("/o/alpha/team/", "/o/beta/"),  # managers and HR: neither in beta
        ("/o/alpha/", "/o/beta/"),
    ):
        response = client.get(page)
        assert response.status_code == 200, page
        assert _switch_link(response.content.decode(), "beta") == expected, page


def test_a_role_that_opens_the_section_in_the_other_organization_keeps_it(world_a, world_b, login):
    MembershipFactory(organization=world_b.organization, user=world_a.hr.user, role=Role.HR_ADMIN)
    html = login(world_a.hr).get("/o/alpha/people/").content.decode()
    assert _switch_link(html, "beta") == "/o/beta/people/"
    assert "HR admin" in html.split('class="menu-panel"')[1].split("</div>")[0]


def test_the_picker_after_sign_in_shows_roles_and_marks_the_last_visited(world_a, world_b, client):
    user = world_a.hr.user
    MembershipFactory(
        organization=world_b.organization, user=user, role=Role.MEMBER, job_title="Advisor"
    )
    client.force_login(user)
    first = " ".join(re.sub(r"<[^>]+>", " ", client.get(reverse("start")).content.decode()).split())
    assert "Alpha Inc HR admin · Head of People" in first
    assert "Beta Inc Member · Advisor" in first and "Last visited" not in first

    assert client.get("/o/beta/").status_code == 200
    client.post(reverse("account_logout"))
    client.force_login(user)  # signing out and in again: this browser still knows
    page = " ".join(re.sub(r"<[^>]+>", " ", client.get(reverse("start")).content.decode()).split())
    assert page.index("Beta Inc") < page.index("Alpha Inc")
    assert "Beta Inc Member · Advisor Last visited" in page
    assert page.count("Last visited") == 1


def test_a_new_organization_starts_at_the_browsers_time_zone(db, client):
    """Only the browser knows its zone: the select is marked for static/js/app.js, with
    no inline script; a zone the person chose wins and needs no mark."""
    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("orgs_create")).content.decode()
    [select] = re.findall(r"<select[^>]*name=\"time_zone\"[^>]*>", page)
    assert "data-browser-time-zone" in select
    assert "<script>" not in page and "static/js/app.js" in page
    user.time_zone = "Asia/Tokyo"
    user.save()
    page = client.get(reverse("orgs_create")).content.decode()
    [select] = re.findall(r"<select[^>]*name=\"time_zone\"[^>]*>", page)
    assert "data-browser-time-zone" not in select
    assert '<option value="Asia/Tokyo" selected>' in page


def test_profile_saves_name_and_time_zone_and_rejects_unknown_zones(world_a, login):
    client = login(world_a.member)
    url = reverse("web:profile", kwargs={"org_slug": "alpha"})
    assert client.post(url, {"name": "Dana", "time_zone": "Asia/Kolkata"}).status_code == 302
    world_a.member.user.refresh_from_db()
    assert world_a.member.user.time_zone == "Asia/Kolkata"
    assert client.post(url, {"name": "Dana", "time_zone": "Moon/Crater"}).status_code == 400
    world_a.member.user.refresh_from_db()
    assert world_a.member.user.time_zone == "Asia/Kolkata"


def test_api_token_is_created_and_replaced(world_a, login):
    client = login(world_a.member)
    url = reverse("web:api_token", kwargs={"org_slug": "alpha"})
    client.post(url)
    first = Token.objects.get(user=world_a.member.user).key
    client.post(url)
    assert Token.objects.get(user=world_a.member.user).key != first


def test_not_found_page_is_friendly(world_a, login):
    response = login(world_a.member).get("/o/does-not-exist/")
    assert response.status_code == 404


@pytest.mark.parametrize("team_size", [2, 20])
def test_home_query_count_does_not_grow_with_the_team(
    team_size, world_a, login, django_assert_max_num_queries
):
    for _ in range(team_size):
        MembershipFactory(organization=world_a.organization, manager=world_a.manager)
    client = login(world_a.manager)
    # A fixed budget whatever the team's size: each app's panel answers in a few queries
    # (the shell 4 + the switcher 1; panels: 1:1s 3, waiting 2, career 5, the rest 1).
    with django_assert_max_num_queries(23):
        html = client.get(reverse("web:home", kwargs={"org_slug": "alpha"})).content.decode()
    assert "people report to you" in html


def test_home_shows_my_level_and_my_teams_levels(world_a, login):
    html = login(world_a.manager).get(reverse("web:home", kwargs={"org_slug": "alpha"}))
    html = html.content.decode()
    assert "Your team's levels" in html
    next_level = reverse("advancement:next_level", kwargs={"org_slug": "alpha"})
    assert f"{next_level}?person={world_a.report.pk}" in html
    mine = login(world_a.report).get(reverse("web:home", kwargs={"org_slug": "alpha"}))
    assert "What L2 Senior asks for" in mine.content.decode()


@pytest.fixture
def plain_sql(settings):
    """The statements as the ORM writes them: these tests read the SQL text, which a
    prepared statement would send as ``EXECUTE`` (perfapp/compiled.py)."""
    settings.DATABASE_PREPARED_STATEMENTS = False


def test_the_home_of_someone_nobody_reports_to_reads_no_team(world_a, login, plain_sql):
    """Whether anyone reports to the reader comes with the tenant's own query, so the team
    panels of a person without reports cost no read at all."""
    client = login(world_a.report)
    url = reverse("web:home", kwargs={"org_slug": "alpha"})
    client.get(url)  # warm-up
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    assert _team_reads(queries, world_a.report, 'SELECT "orgs_membership"') == []
    assert "people report to you" not in html
    assert world_a.manager.name in html  # their own manager, still named on the page


def test_a_managers_home_reads_their_reports_once_for_every_panel(world_a, login, plain_sql):
    """My team and Career show the manager's reports and Growth looks for their plans; the
    page reads them once."""
    client = login(world_a.manager)
    url = reverse("web:home", kwargs={"org_slug": "alpha"})
    client.get(url)  # warm-up
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    assert len(_team_reads(queries, world_a.manager, 'SELECT "orgs_membership"."id", ')) == 1
    assert "people report to you" in html or "person reports to you" in html
    assert "Your team's levels" in html
    assert html.count(world_a.report.name) >= 2  # in both panels


def _team_reads(queries, manager, starting: str) -> list[str]:
    """The captured queries that read ``manager``'s reports, of the given shape."""
    by_manager = f'"orgs_membership"."manager_id" = {manager.pk}'
    return [q["sql"] for q in queries if q["sql"].startswith(starting) and by_manager in q["sql"]]
