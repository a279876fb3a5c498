"""The employee home: every panel shows what the world seeded, a newcomer reads what to do
first, and the page holds a fixed query budget."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from development.models import GoalStatus
from development.services import stretch
from feedback.models import ActionItem
from feedback.services import checkins
from feedback.services import giving as feedback_services
from feedback.services import requests as feedback_requests
from perfapp.orgs.roles import Role

from ..factories import MembershipFactory
from ..helpers import html_of


def home(world) -> str:
    return reverse("web:home", kwargs={"org_slug": world.organization.slug})


def test_the_report_sees_their_next_1_1_with_its_agenda_and_their_action_items(world_a, login):
    page = html_of(login(world_a.report).get(home(world_a)))
    assert "Your next 1:1" in page and f"With {world_a.manager.name}" in page
    assert "Promotion timeline" in page  # the talking point on the next meeting
    assert "Draft the RFC" in page  # the action item they own
    meeting = reverse(
        "feedback:meeting",
        kwargs={"org_slug": world_a.organization.slug, "pk": world_a.feedback.meeting.pk},
    )
    assert meeting in page


def test_an_overdue_action_item_says_so(world_a, login):
    with world_a.scope():
        ActionItem.objects.filter(pk=world_a.feedback.action.pk).update(
            due_on=timezone.localdate() - timedelta(days=2)
        )
    page = html_of(login(world_a.report).get(home(world_a)))
    assert "Overdue since" in page


def test_requests_waiting_for_me_show_with_an_answer_button(world_a, login):
    page = html_of(login(world_a.member).get(home(world_a)))
    assert "Waiting for your feedback" in page and "The billing migration" in page
    answer = reverse(
        "feedback:answer",
        kwargs={"org_slug": world_a.organization.slug, "pk": world_a.feedback.request_row.pk},
    )
    assert answer in page


def test_a_request_about_the_requesters_own_work_reads_about_themselves(world_a, login):
    """Not "Tom Becker asks about Tom Becker"."""
    report = world_a.report.name
    page = " ".join(html_of(login(world_a.member).get(home(world_a))).split())
    assert f"{report} asks about themselves" in page
    assert f"about {report}" not in page


def test_a_request_about_someone_else_names_them(world_a, login):
    with world_a.scope():
        feedback_requests.request_feedback(
            requester=world_a.manager,
            subject=world_a.report,
            reviewers=[world_a.member],
            topic="Onboarding the new hire",
            due_date=timezone.localdate() + timedelta(days=5),
        )
    page = " ".join(html_of(login(world_a.member).get(home(world_a))).split())
    assert f"{world_a.manager.name} asks about {world_a.report.name}" in page


def test_cycle_reviews_waiting_for_me_show_too(world_a, login):
    page = html_of(login(world_a.manager).get(home(world_a)))
    assert world_a.feedback.cycle.name in page and f"About {world_a.report.name}" in page


def test_recent_feedback_for_me_shows_its_author_and_kind(world_a, login):
    page = html_of(login(world_a.report).get(home(world_a)))
    section = page.split("Recent feedback for you")[1].split("</section>")[0]
    assert world_a.member.name in section and "Praise" in section
    assert "explained the rollout plan" in section


def test_my_goals_at_risk_are_listed(world_a, login):
    with world_a.scope():
        world_a.plans.goal.status = GoalStatus.AT_RISK
        world_a.plans.goal.save(update_fields=["status"])
    page = html_of(login(world_a.report).get(home(world_a)))
    assert "1 at risk" in page and world_a.plans.goal.title in page


def test_stretch_assignments_that_fit_my_focus_are_offered(world_a, login):
    with world_a.scope():
        fitting = stretch.post_opportunity(
            actor=world_a.manager,
            title="Facilitate the architecture forum",
            description="Run the monthly forum.",
            competencies=[world_a.framework.other_competency],  # the report's focus
            commitment="light",
            duration_weeks=6,
        )
    page = html_of(login(world_a.report).get(home(world_a)))
    section = page.split("Stretch assignments for your focus")[1].split("</section>")[0]
    assert fitting.title in section
    assert world_a.growth.opportunity.title not in section  # builds another competency


def test_without_a_plan_focus_there_is_no_stretch_panel(world_a, login):
    page = html_of(login(world_a.member).get(home(world_a)))
    assert "Stretch assignments for your focus" not in page


def test_my_readiness_at_a_glance(world_a, login):
    page = html_of(login(world_a.report).get(home(world_a)))
    section = page.split('id="career-title"')[1].split("</section>")[0]
    framework = world_a.framework
    assert framework.level.code in section and framework.next_level.name in section
    assert "Latest assessment" in section and "None yet" in section
    assert "See your readiness" in section


def test_a_newcomer_reads_what_to_do_first(world_a, login):
    newcomer = MembershipFactory(organization=world_a.organization, manager=world_a.manager)
    page = html_of(login(newcomer).get(home(world_a)))
    assert "You have no 1:1 coming up" in page and "Set up a 1:1" in page
    assert "No open action items" in page
    assert "No feedback in the last 30 days" in page and "Ask for feedback" in page
    assert "You're not placed on a track yet" in page
    assert "Start your growth plan" in page
    assert "Waiting for your feedback" not in page  # nothing waits: no panel
    assert "HR places you on your track" in page


def test_an_unplaced_hr_admin_is_not_told_hr_places_them(world_a, login):
    """Nobody places themselves, so HR is pointed at a colleague, not at their own job."""
    hr = MembershipFactory(organization=world_a.organization, role=Role.HR_ADMIN)
    page = html_of(login(hr).get(home(world_a)))
    assert "You're not placed on a track yet" in page
    assert "another HR admin or owner places you" in page
    assert "HR places you on your track" not in page


def test_your_place_tells_hr_where_they_change_it_and_others_whom_to_ask(world_a, login):
    """An owner at the top of the organization is not told that a manager is missing, nor
    to ask an HR admin for what they change themselves."""
    owner_page = html_of(login(world_a.owner).get(home(world_a)))
    assert "you report to nobody here" in owner_page and "Nobody yet" not in owner_page
    assert "Your HR admin can change" not in owner_page
    own_person_page = reverse(
        "orgs:person", kwargs={"org_slug": world_a.organization.slug, "pk": world_a.owner.pk}
    )
    assert own_person_page in owner_page
    member_page = html_of(login(world_a.member).get(home(world_a)))
    assert "Your HR admin can change title, team and manager" in member_page
    assert "Nobody yet" in member_page  # the designer has no manager: something is missing


def test_a_manager_is_pointed_to_the_team_dashboard(world_a, login):
    page = login(world_a.manager).get(home(world_a)).content.decode()
    assert reverse("web:team", kwargs={"org_slug": world_a.organization.slug}) in page


# --- query budget ----------------------------------------------------------------------------


def _queries(client, path) -> int:
    client.get(path)  # warm-up
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_home_page_costs_the_same_with_little_and_much_to_show(world_a, login):
    client = login(world_a.report)
    small = _queries(client, home(world_a))
    with world_a.scope():
        for i in range(8):
            feedback_services.give_feedback(
                author=world_a.member,
                recipient=world_a.report,
                kind="constructive",
                situation=f"In review {i} on Tuesday the summary came late.",
                impact="We decided without it.",
                suggestion="Send it the day before.",
            )
            checkins.add_point(
                actor=world_a.report, meeting=world_a.feedback.meeting, text=f"Point {i}"
            )
            checkins.add_action(
                actor=world_a.manager,
                meeting=world_a.feedback.meeting,
                owner=world_a.report,
                text=f"Action {i}",
            )
    large = _queries(client, home(world_a))
    assert small == large, (small, large)
