"""Stretch assignment pages through the Django test client: the board with its filters,
focus matches first, pagination and empty states; posting; interest; choosing within the
seats; the outcome; "my interests" and "posted by me"; fixed query budgets at two sizes."""

import html
import re
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from development import stretch
from development.models import DevelopmentPlan, Goal, StretchAssignment, StretchInterest
from perfapp.notifications.models import OutboxMessage
from perfapp.timezones import local_today

from ..factories import MembershipFactory, TeamFactory


def url(world, name, **kwargs):
    return reverse(f"development:{name}", kwargs={"org_slug": world.organization.slug, **kwargs})


def text_of(response) -> str:
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(text))


def signed_in(membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def post(world, owner=None, **extra) -> StretchAssignment:
    values = {
        "title": "Run the game day",
        "description": "Plan and run a failure drill with the platform team.",
        "competencies": [world.framework.competency],
        "commitment": "part",
        "duration_weeks": 6,
        **extra,
    }
    with world.scope():
        return stretch.post_opportunity(actor=owner or world.manager, **values)


def state(world) -> tuple:
    with world.scope():
        return (
            sorted(StretchAssignment.objects.values_list("id", "status", "title", "seats")),
            sorted(StretchInterest.objects.values_list("id", "status", "note")),
            Goal.objects.count(),
        )


def titles_on(response) -> list[str]:
    """The titles of the opportunities listed, in order."""
    row = r'<li class="card opportunity">\s*<div class="opportunity-head">\s*'
    return re.findall(row + r"<h2><a [^>]*>([^<]+)</a>", response.content.decode())


# --- the board ------------------------------------------------------------------------------


def test_the_board_shows_open_opportunities_with_what_they_take(world_a):
    page = text_of(signed_in(world_a.member).get(url(world_a, "opportunities")))
    opportunity = world_a.growth.opportunity
    assert opportunity.title in page
    assert "A few hours a week · 4 weeks · 1 person" in page
    assert f"posted by {world_a.manager.name}" in page


def test_focus_competencies_of_the_plan_come_first(world_a):
    """The report's plan focuses on teamwork (the plan world)."""
    teamwork = world_a.framework.other_competency
    post(world_a, title="Facilitate the retro", competencies=[teamwork])
    newest = post(world_a, title="Newest, craft only")
    response = signed_in(world_a.report).get(url(world_a, "opportunities"))
    shown = titles_on(response)
    assert shown[0] == "Facilitate the retro" and "Matches your focus" in text_of(response)
    assert shown.index(newest.title) < shown.index(world_a.growth.opportunity.title)
    member_view = titles_on(signed_in(world_a.member).get(url(world_a, "opportunities")))
    assert member_view[0] == newest.title  # no plan: newest first


def test_filters_by_competency_team_and_commitment(world_a):
    teamwork = world_a.framework.other_competency
    sales = TeamFactory(organization=world_a.organization, name="Sales")
    seller = MembershipFactory(organization=world_a.organization, team=sales, manager=world_a.hr)
    post(world_a, title="Teamwork, light", competencies=[teamwork], commitment="light")
    post(world_a, owner=world_a.hr, title="For sales", audience="teams", teams=[sales])
    client = signed_in(seller)
    by_competency = titles_on(
        client.get(url(world_a, "opportunities"), {"competency": teamwork.pk})
    )
    assert by_competency == ["Teamwork, light"]
    by_team = titles_on(client.get(url(world_a, "opportunities"), {"team": sales.pk}))
    assert by_team == ["For sales"]
    by_time = titles_on(client.get(url(world_a, "opportunities"), {"commitment": "light"}))
    assert set(by_time) == {"Teamwork, light", world_a.growth.opportunity.title}
    nothing = client.get(url(world_a, "opportunities"), {"commitment": "full"})
    assert "Nothing matches these filters" in text_of(nothing)
    stale = client.get(url(world_a, "opportunities"), {"competency": 999999, "team": "x"})
    assert stale.status_code == 200 and len(titles_on(stale)) == 3


def test_an_opportunity_for_other_teams_is_not_on_the_board_and_answers_404(world_a):
    sales = TeamFactory(organization=world_a.organization, name="Sales")
    hidden = post(world_a, title="Sales only", audience="teams", teams=[sales])
    client = signed_in(world_a.member)  # in the world's platform team
    assert "Sales only" not in titles_on(client.get(url(world_a, "opportunities")))
    assert client.get(url(world_a, "opportunity", pk=hidden.pk)).status_code == 404
    before = state(world_a)
    refused = client.post(url(world_a, "opportunity_interest", pk=hidden.pk), {"note": "Me!"})
    assert refused.status_code == 404
    assert state(world_a) == before


def test_closed_opportunities_leave_the_board(world_a):
    with world_a.scope():
        StretchAssignment.objects.filter(pk=world_a.growth.opportunity.pk).update(
            closes_on=local_today(world_a.member) - timedelta(days=1)
        )
    response = signed_in(world_a.member).get(url(world_a, "opportunities"))
    assert "No open opportunities right now" in text_of(response)
    assert "Post the first one" not in text_of(response)  # the member posts nothing
    page = text_of(
        signed_in(world_a.member).get(url(world_a, "opportunity", pk=world_a.growth.opportunity.pk))
    )
    assert "no longer open for interest" in page


def test_the_board_pages_through_many_opportunities(world_a):
    for index in range(25):
        post(world_a, title=f"Opportunity {index:02d}")
    client = signed_in(world_a.member)
    first = client.get(url(world_a, "opportunities"), {"commitment": "part"})
    second = client.get(url(world_a, "opportunities"), {"commitment": "part", "page": 2})
    assert len(titles_on(first)) == 20 and len(titles_on(second)) == 5
    assert "Page 1 of 2" in text_of(first)
    assert "commitment=part&amp;page=2" in first.content.decode() or "commitment=part&page=2" in (
        first.content.decode()
    )


# --- posting --------------------------------------------------------------------------------


def test_a_manager_posts_through_the_page(world_a):
    client = signed_in(world_a.manager)
    assert "Post an opportunity" in text_of(client.get(url(world_a, "opportunities")))
    form = client.get(url(world_a, "opportunity_new"))
    assert form.status_code == 200 and "Who may apply" in text_of(form)
    response = client.post(
        url(world_a, "opportunity_new"),
        {
            "title": "Own the release train",
            "description": "Cut and ship the next four releases.",
            "competencies": [world_a.framework.competency.pk],
            "commitment": "half",
            "duration_weeks": "8",
            "seats": "2",
            "audience": "teams",
            "teams": [world_a.team.pk],
        },
    )
    with world_a.scope():
        posted = StretchAssignment.objects.get(title="Own the release train")
        assert list(posted.teams.all()) == [world_a.team]
    assert response["Location"] == url(world_a, "opportunity", pk=posted.pk)


def test_a_bad_posting_is_refused_on_the_page(world_a):
    before = state(world_a)
    response = signed_in(world_a.manager).post(
        url(world_a, "opportunity_new"),
        {
            "title": "No teams chosen",
            "description": "x",
            "competencies": [world_a.framework.competency.pk],
            "commitment": "light",
            "duration_weeks": "4",
            "seats": "1",
            "audience": "teams",
            "closes_on": (local_today(world_a.manager) - timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "Choose the teams whose people may apply" in page
    assert "Choose today or a later date" in page
    assert state(world_a) == before


def test_only_managers_and_hr_see_the_posting_page(world_a):
    assert signed_in(world_a.member).get(url(world_a, "opportunity_new")).status_code == 404
    assert signed_in(world_a.hr).get(url(world_a, "opportunity_new")).status_code == 200
    assert "Post an opportunity" not in text_of(
        signed_in(world_a.member).get(url(world_a, "opportunities"))
    )


def test_the_owner_edits_an_open_opportunity(world_a):
    opportunity = world_a.growth.opportunity
    client = signed_in(world_a.manager)
    response = client.post(
        url(world_a, "opportunity_edit", pk=opportunity.pk),
        {
            "title": "Lead the incident review, renamed",
            "description": opportunity.description,
            "competencies": [world_a.framework.competency.pk],
            "commitment": "light",
            "duration_weeks": "4",
            "seats": "2",
            "audience": "everyone",
        },
    )
    assert response.status_code == 302
    with world_a.scope():
        opportunity.refresh_from_db()
    assert (opportunity.title, opportunity.seats) == ("Lead the incident review, renamed", 2)


# --- interest, choosing, the outcome --------------------------------------------------------


def test_expressing_interest_and_withdrawing_through_the_page(world_a):
    opportunity = world_a.growth.opportunity
    client = signed_in(world_a.member)
    page = text_of(client.get(url(world_a, "opportunity", pk=opportunity.pk)))
    assert "Interested?" in page and f"{world_a.manager.name} and HR see your note" in page
    empty = client.post(url(world_a, "opportunity_interest", pk=opportunity.pk), {"note": ""})
    assert empty.status_code == 400 and "Say in a sentence or two" in text_of(empty)
    done = client.post(
        url(world_a, "opportunity_interest", pk=opportunity.pk), {"note": "I know the system."}
    )
    assert done.status_code == 302
    page = text_of(client.get(url(world_a, "opportunity", pk=opportunity.pk)))
    assert "Your interest" in page and "I know the system." in page
    with world_a.scope():
        mine = StretchInterest.objects.get(person=world_a.member)
    assert client.post(url(world_a, "interest_withdraw", pk=mine.pk)).status_code == 302
    with world_a.scope():
        mine.refresh_from_db()
    assert mine.status == "withdrawn"


def test_the_owner_sees_who_is_interested_but_colleagues_do_not(world_a):
    opportunity = world_a.growth.opportunity
    owner_view = text_of(
        signed_in(world_a.manager).get(url(world_a, "opportunity", pk=opportunity.pk))
    )
    assert "Who's interested" in owner_view and "I ran the last postmortem." in owner_view
    peer_view = text_of(
        signed_in(world_a.member).get(url(world_a, "opportunity", pk=opportunity.pk))
    )
    assert "I ran the last postmortem." not in peer_view and world_a.report.name not in peer_view


def test_choosing_two_for_one_seat_is_refused_on_the_page(world_a):
    opportunity = world_a.growth.opportunity
    with world_a.scope():
        second = stretch.express_interest(person=world_a.member, assignment=opportunity, note="Me")
    before = state(world_a)
    response = signed_in(world_a.manager).post(
        url(world_a, "opportunity_choose", pk=opportunity.pk),
        {"interests": [world_a.growth.interest.pk, second.pk]},
    )
    assert response.status_code == 400
    assert "has 1 seat: choose at most 1 person" in text_of(response)
    assert state(world_a) == before


def test_choosing_through_the_page_puts_the_goal_in_the_plan(world_a):
    opportunity = world_a.growth.opportunity
    with world_a.scope():
        passed_over = stretch.express_interest(
            person=world_a.member, assignment=opportunity, note="Me"
        )
    client = signed_in(world_a.manager)
    response = client.post(
        url(world_a, "opportunity_choose", pk=opportunity.pk),
        {"interests": [world_a.growth.interest.pk]},
    )
    assert response.status_code == 302
    with world_a.scope():
        goal = Goal.objects.get(stretch_interest=world_a.growth.interest)
        assert goal.plan == DevelopmentPlan.objects.get(owner=world_a.report)
        passed_over.refresh_from_db()
        assert OutboxMessage.objects.filter(
            recipient=world_a.member, kind="stretch.decision"
        ).exists()
    assert passed_over.status == "not_chosen"
    chosen_view = text_of(
        signed_in(world_a.report).get(url(world_a, "opportunity", pk=opportunity.pk))
    )
    assert "It's a goal in your development plan" in chosen_view
    other_view = text_of(
        signed_in(world_a.member).get(url(world_a, "opportunity", pk=opportunity.pk))
    )
    assert "Not this time" in other_view
    # The owner completes it; the chosen person adds their outcome.
    completed = client.post(
        url(world_a, "opportunity_complete", pk=opportunity.pk), {"outcome": "Excellent work."}
    )
    assert completed.status_code == 302
    report = signed_in(world_a.report)
    saved = report.post(
        url(world_a, "interest_outcome", pk=world_a.growth.interest.pk),
        {"outcome": "I learned a lot."},
    )
    assert saved.status_code == 302
    page = text_of(report.get(url(world_a, "opportunity", pk=opportunity.pk)))
    assert "Excellent work." in page and "I learned a lot." in page


def test_cancelling_through_the_page(world_a):
    opportunity = world_a.growth.opportunity
    response = signed_in(world_a.manager).post(
        url(world_a, "opportunity_cancel", pk=opportunity.pk)
    )
    assert response["Location"] == url(world_a, "opportunities_posted")
    again = signed_in(world_a.manager).post(url(world_a, "opportunity_cancel", pk=opportunity.pk))
    assert again.status_code == 400 and "still open can be cancelled" in text_of(again)


# --- my interests, posted by me ---------------------------------------------------------------


def test_my_interests_and_posted_by_me(world_a):
    mine = text_of(signed_in(world_a.report).get(url(world_a, "opportunities_mine")))
    assert world_a.growth.opportunity.title in mine and "Interested" in mine
    empty = text_of(signed_in(world_a.member).get(url(world_a, "opportunities_mine")))
    assert "You haven't put yourself forward yet" in empty
    posted = text_of(signed_in(world_a.manager).get(url(world_a, "opportunities_posted")))
    assert world_a.growth.opportunity.title in posted and "1 interested" in posted
    nothing = text_of(signed_in(world_a.hr).get(url(world_a, "opportunities_posted")))
    assert "Nothing posted yet" in nothing


# --- query budgets ----------------------------------------------------------------------------


def _count(client, path, params=None) -> int:
    client.get(path, params)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params)
    assert response.status_code == 200
    return len(queries)


def _grow(world, total):
    teamwork = world.framework.other_competency
    with world.scope():
        have = StretchAssignment.objects.count()
    for index in range(have, total):
        opportunity = post(
            world,
            owner=world.hr if index % 2 else world.manager,
            title=f"Opportunity {index}",
            competencies=[world.framework.competency, teamwork][: 1 + index % 2],
            audience="teams" if index % 3 else "everyone",
            teams=[world.team] if index % 3 else [],
        )
        if index % 2:
            with world.scope():
                stretch.express_interest(person=world.report, assignment=opportunity, note="Me")


def test_the_board_holds_a_fixed_query_budget(world_a):
    client = signed_in(world_a.report)  # has a plan with a focus
    used = []
    for size in (5, 45):
        _grow(world_a, size)
        used.append(_count(client, url(world_a, "opportunities")))
    assert used[0] == used[1], used
    assert used[1] <= 16


def test_my_interests_and_posted_hold_a_fixed_query_budget(world_a):
    used = []
    for size in (5, 45):
        _grow(world_a, size)
        used.append(
            (
                _count(signed_in(world_a.report), url(world_a, "opportunities_mine")),
                _count(signed_in(world_a.hr), url(world_a, "opportunities_posted")),
            )
        )
    assert used[0] == used[1], used
