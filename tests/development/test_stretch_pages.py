"""Stretch assignment pages through the Django test client: the board with its filters,
focus matches first, pagination and empty states; posting; interest; choosing within the
seats; the outcome; "my interests" and "posted by me"; fixed query budgets at two sizes."""

import re
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from development.models import DevelopmentPlan, Goal, StretchAssignment, StretchInterest
from development.services import stretch
from perfapp.notifications.models import OutboxMessage
from perfapp.timezones import local_today

from ..factories import MembershipFactory, TeamFactory
from ..helpers import org_url, signed_in_client, visible_text


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
    page = visible_text(
        signed_in_client(world_a.member).get(org_url("development:opportunities", org=world_a))
    )
    opportunity = world_a.growth.opportunity
    assert opportunity.title in page
    assert "A few hours a week · 4 weeks · 1 person" in page
    assert f"posted by {world_a.manager.name}" in page


def test_focus_competencies_of_the_plan_come_first(world_a):
    """The report's plan focuses on teamwork (the plan world)."""
    teamwork = world_a.framework.other_competency
    post(world_a, title="Facilitate the retro", competencies=[teamwork])
    newest = post(world_a, title="Newest, craft only")
    response = signed_in_client(world_a.report).get(
        org_url("development:opportunities", org=world_a)
    )
    shown = titles_on(response)
    assert shown[0] == "Facilitate the retro" and "Matches your focus" in visible_text(response)
    assert shown.index(newest.title) < shown.index(world_a.growth.opportunity.title)
    member_view = titles_on(
        signed_in_client(world_a.member).get(org_url("development:opportunities", org=world_a))
    )
    assert member_view[0] == newest.title  # no plan: newest first


def test_filters_by_competency_team_and_commitment(world_a):
    teamwork = world_a.framework.other_competency
    sales = TeamFactory(organization=world_a.organization, name="Sales")
    seller = MembershipFactory(organization=world_a.organization, team=sales, manager=world_a.hr)
    post(world_a, title="Teamwork, light", competencies=[teamwork], commitment="light")
    post(world_a, owner=world_a.hr, title="For sales", audience="teams", teams=[sales])
    client = signed_in_client(seller)
    by_competency = titles_on(
        client.get(org_url("development:opportunities", org=world_a), {"competency": teamwork.pk})
    )
    assert by_competency == ["Teamwork, light"]
    by_team = titles_on(
        client.get(org_url("development:opportunities", org=world_a), {"team": sales.pk})
    )
    assert by_team == ["For sales"]
    by_time = titles_on(
        client.get(org_url("development:opportunities", org=world_a), {"commitment": "light"})
    )
    assert set(by_time) == {"Teamwork, light", world_a.growth.opportunity.title}
    nothing = client.get(org_url("development:opportunities", org=world_a), {"commitment": "full"})
    assert "Nothing matches these filters" in visible_text(nothing)
    stale = client.get(
        org_url("development:opportunities", org=world_a), {"competency": 999999, "team": "x"}
    )
    assert stale.status_code == 200 and len(titles_on(stale)) == 3


def test_an_opportunity_for_other_teams_is_not_on_the_board_and_answers_404(world_a):
    sales = TeamFactory(organization=world_a.organization, name="Sales")
    hidden = post(world_a, title="Sales only", audience="teams", teams=[sales])
    client = signed_in_client(world_a.member)  # in the world's platform team
    assert "Sales only" not in titles_on(
        client.get(org_url("development:opportunities", org=world_a))
    )
    assert (
        client.get(org_url("development:opportunity", org=world_a, pk=hidden.pk)).status_code == 404
    )
    before = state(world_a)
    refused = client.post(
        org_url("development:opportunity_interest", org=world_a, pk=hidden.pk), {"note": "Me!"}
    )
    assert refused.status_code == 404
    assert state(world_a) == before


def test_closed_opportunities_leave_the_board(world_a):
    with world_a.scope():
        StretchAssignment.objects.filter(pk=world_a.growth.opportunity.pk).update(
            closes_on=local_today(world_a.member) - timedelta(days=1)
        )
    response = signed_in_client(world_a.member).get(
        org_url("development:opportunities", org=world_a)
    )
    assert "No open opportunities right now" in visible_text(response)
    assert "Post the first one" not in visible_text(response)  # the member posts nothing
    page = visible_text(
        signed_in_client(world_a.member).get(
            org_url("development:opportunity", org=world_a, pk=world_a.growth.opportunity.pk)
        )
    )
    assert "no longer open for interest" in page


def test_the_board_pages_through_many_opportunities(world_a):
    for index in range(25):
        post(world_a, title=f"Opportunity {index:02d}")
    client = signed_in_client(world_a.member)
    first = client.get(org_url("development:opportunities", org=world_a), {"commitment": "part"})
    second = client.get(
        org_url("development:opportunities", org=world_a), {"commitment": "part", "page": 2}
    )
    assert len(titles_on(first)) == 20 and len(titles_on(second)) == 5
    assert "Page 1 of 2" in visible_text(first)
    assert "commitment=part&amp;page=2" in first.content.decode() or "commitment=part&page=2" in (
        first.content.decode()
    )


# --- posting --------------------------------------------------------------------------------


def test_a_manager_posts_through_the_page(world_a):
    client = signed_in_client(world_a.manager)
    assert "Post an opportunity" in visible_text(
        client.get(org_url("development:opportunities", org=world_a))
    )
    form = client.get(org_url("development:opportunity_new", org=world_a))
    assert form.status_code == 200 and "Who may apply" in visible_text(form)
    response = client.post(
        org_url("development:opportunity_new", org=world_a),
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
    assert response["Location"] == org_url("development:opportunity", org=world_a, pk=posted.pk)


def test_a_bad_posting_is_refused_on_the_page(world_a):
    before = state(world_a)
    response = signed_in_client(world_a.manager).post(
        org_url("development:opportunity_new", org=world_a),
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
    page = visible_text(response)
    assert "Choose the teams whose people may apply" in page
    assert "Choose today or a later date" in page
    assert state(world_a) == before


def test_only_managers_and_hr_see_the_posting_page(world_a):
    assert (
        signed_in_client(world_a.member)
        .get(org_url("development:opportunity_new", org=world_a))
        .status_code
        == 404
    )
    assert (
        signed_in_client(world_a.hr)
        .get(org_url("development:opportunity_new", org=world_a))
        .status_code
        == 200
    )
    assert "Post an opportunity" not in visible_text(
        signed_in_client(world_a.member).get(org_url("development:opportunities", org=world_a))
    )


def test_the_owner_edits_an_open_opportunity(world_a):
    opportunity = world_a.growth.opportunity
    client = signed_in_client(world_a.manager)
    response = client.post(
        org_url("development:opportunity_edit", org=world_a, pk=opportunity.pk),
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
    client = signed_in_client(world_a.member)
    page = visible_text(
        client.get(org_url("development:opportunity", org=world_a, pk=opportunity.pk))
    )
    assert "Interested?" in page and f"{world_a.manager.name} and HR see your note" in page
    empty = client.post(
        org_url("development:opportunity_interest", org=world_a, pk=opportunity.pk), {"note": ""}
    )
    assert empty.status_code == 400 and "Say in a sentence or two" in visible_text(empty)
    done = client.post(
        org_url("development:opportunity_interest", org=world_a, pk=opportunity.pk),
        {"note": "I know the system."},
    )
    assert done.status_code == 302
    page = visible_text(
        client.get(org_url("development:opportunity", org=world_a, pk=opportunity.pk))
    )
    assert "Your interest" in page and "I know the system." in page
    with world_a.scope():
        mine = StretchInterest.objects.get(person=world_a.member)
    assert (
        client.post(org_url("development:interest_withdraw", org=world_a, pk=mine.pk)).status_code
        == 302
    )
    with world_a.scope():
        mine.refresh_from_db()
    assert mine.status == "withdrawn"


def test_the_owner_sees_who_is_interested_but_colleagues_do_not(world_a):
    opportunity = world_a.growth.opportunity
    owner_view = visible_text(
        signed_in_client(world_a.manager).get(
            org_url("development:opportunity", org=world_a, pk=opportunity.pk)
        )
    )
    assert "Who's interested" in owner_view and "I ran the last postmortem." in owner_view
    peer_view = visible_text(
        signed_in_client(world_a.member).get(
            org_url("development:opportunity", org=world_a, pk=opportunity.pk)
        )
    )
    assert "I ran the last postmortem." not in peer_view and world_a.report.name not in peer_view


def test_choosing_two_for_one_seat_is_refused_on_the_page(world_a):
    opportunity = world_a.growth.opportunity
    with world_a.scope():
        second = stretch.express_interest(person=world_a.member, assignment=opportunity, note="Me")
    before = state(world_a)
    response = signed_in_client(world_a.manager).post(
        org_url("development:opportunity_choose", org=world_a, pk=opportunity.pk),
        {"interests": [world_a.growth.interest.pk, second.pk]},
    )
    assert response.status_code == 400
    assert "has 1 seat: choose at most 1 person" in visible_text(response)
    assert state(world_a) == before


def test_choosing_through_the_page_puts_the_goal_in_the_plan(world_a):
    opportunity = world_a.growth.opportunity
    with world_a.scope():
        passed_over = stretch.express_interest(
            person=world_a.member, assignment=opportunity, note="Me"
        )
    client = signed_in_client(world_a.manager)
    response = client.post(
        org_url("development:opportunity_choose", org=world_a, pk=opportunity.pk),
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
    chosen_view = visible_text(
        signed_in_client(world_a.report).get(
            org_url("development:opportunity", org=world_a, pk=opportunity.pk)
        )
    )
    assert "It's a goal in your development plan" in chosen_view
    other_view = visible_text(
        signed_in_client(world_a.member).get(
            org_url("development:opportunity", org=world_a, pk=opportunity.pk)
        )
    )
    assert "Not this time" in other_view
    # The owner completes it; the chosen person adds their outcome.
    completed = client.post(
        org_url("development:opportunity_complete", org=world_a, pk=opportunity.pk),
        {"outcome": "Excellent work."},
    )
    assert completed.status_code == 302
    report = signed_in_client(world_a.report)
    saved = report.post(
        org_url("development:interest_outcome", org=world_a, pk=world_a.growth.interest.pk),
        {"outcome": "I learned a lot."},
    )
    assert saved.status_code == 302
    page = visible_text(
        report.get(org_url("development:opportunity", org=world_a, pk=opportunity.pk))
    )
    assert "Excellent work." in page and "I learned a lot." in page


def test_cancelling_through_the_page(world_a):
    opportunity = world_a.growth.opportunity
    response = signed_in_client(world_a.manager).post(
        org_url("development:opportunity_cancel", org=world_a, pk=opportunity.pk)
    )
    assert response["Location"] == org_url("development:opportunities_posted", org=world_a)
    again = signed_in_client(world_a.manager).post(
        org_url("development:opportunity_cancel", org=world_a, pk=opportunity.pk)
    )
    assert again.status_code == 400 and "still open can be cancelled" in visible_text(again)


# --- my interests, posted by me ---------------------------------------------------------------


def test_my_interests_and_posted_by_me(world_a):
    mine = visible_text(
        signed_in_client(world_a.report).get(org_url("development:opportunities_mine", org=world_a))
    )
    assert world_a.growth.opportunity.title in mine and "Interested" in mine
    empty = visible_text(
        signed_in_client(world_a.member).get(org_url("development:opportunities_mine", org=world_a))
    )
    assert "You haven't put yourself forward yet" in empty
    posted = visible_text(
        signed_in_client(world_a.manager).get(
            org_url("development:opportunities_posted", org=world_a)
        )
    )
    assert world_a.growth.opportunity.title in posted and "1 interested" in posted
    nothing = visible_text(
        signed_in_client(world_a.hr).get(org_url("development:opportunities_posted", org=world_a))
    )
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
    client = signed_in_client(world_a.report)  # has a plan with a focus
    used = []
    for size in (5, 45):
        _grow(world_a, size)
        used.append(_count(client, org_url("development:opportunities", org=world_a)))
    assert used[0] == used[1], used
    assert used[1] <= 16


def test_my_interests_and_posted_hold_a_fixed_query_budget(world_a):
    used = []
    for size in (5, 45):
        _grow(world_a, size)
        used.append(
            (
                _count(
                    signed_in_client(world_a.report),
                    org_url("development:opportunities_mine", org=world_a),
                ),
                _count(
                    signed_in_client(world_a.hr),
                    org_url("development:opportunities_posted", org=world_a),
                ),
            )
        )
    assert used[0] == used[1], used
