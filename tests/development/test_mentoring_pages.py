"""Mentoring pages through the Django test client: the mentoring home, finding a mentor,
asking, offering, answering, the mentorship page with its log; bad input answered on the
page with nothing changed; fixed query budgets at two sizes."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from development.models import MentorProfile, Mentorship, MentorshipRequest, MentorshipSession
from development.services import mentoring
from perfapp.timezones import local_today

from ..helpers import new_member, org_url, signed_in_client, visible_text

HX = {"HX-Request": "true"}


def counts(world) -> tuple:
    with world.scope():
        return (
            MentorProfile.objects.count(),
            sorted(MentorshipRequest.objects.values_list("id", "status")),
            sorted(Mentorship.objects.values_list("id", "status", "goals")),
            MentorshipSession.objects.count(),
        )


# --- home -----------------------------------------------------------------------------------


def test_the_mentee_sees_their_mentor_and_their_waiting_request(world_a):
    page = visible_text(
        signed_in_client(world_a.report).get(org_url("development:mentoring", org=world_a))
    )
    assert f"{world_a.member.name} mentors you" in page
    assert "Your requests" in page and "Waiting for an answer" in page
    assert "Offer to mentor" in page  # the report has not offered yet


def test_the_mentor_sees_what_waits_for_their_answer(world_a):
    page = visible_text(
        signed_in_client(world_a.member).get(org_url("development:mentoring", org=world_a))
    )
    assert "Asked of you" in page
    assert (
        f"{world_a.report.name} asks for mentoring in {world_a.framework.other_competency.name}"
        in page
    )
    assert f"You mentor {world_a.report.name}" in page
    assert "1 place is taken" in page and "Change your offer" in page


def test_an_empty_mentoring_home_says_what_it_is_for(world_a):
    page = visible_text(
        signed_in_client(world_a.hr).get(org_url("development:mentoring", org=world_a))
    )
    assert "A mentor is a colleague outside your reporting line" in page
    assert "Find a mentor" in page


# --- finding and asking ---------------------------------------------------------------------


def test_finding_lists_competencies_with_mentors_then_the_mentors(world_a):
    client = signed_in_client(world_a.hr)
    craft = world_a.framework.competency
    overview = visible_text(client.get(org_url("development:mentor_find", org=world_a)))
    assert f"{craft.name} 1 mentor" in overview
    found = visible_text(
        client.get(org_url("development:mentor_find", org=world_a), {"competency": craft.pk})
    )
    assert world_a.member.name in found and "Ask me." in found
    assert f"Ask {world_a.member.name} to mentor you" in client.get(
        org_url("development:mentor_find", org=world_a), {"competency": craft.pk}
    ).content.decode().replace("&#x27;", "'")


def test_the_search_marks_your_mentor_and_your_waiting_request(world_a):
    client = signed_in_client(world_a.report)
    craft, teamwork = world_a.framework.competency, world_a.framework.other_competency
    assert "Your mentor" in visible_text(
        client.get(org_url("development:mentor_find", org=world_a), {"competency": craft.pk})
    )
    assert "Asked · waiting" in visible_text(
        client.get(org_url("development:mentor_find", org=world_a), {"competency": teamwork.pk})
    )


def test_the_search_never_shows_your_own_manager(world_a):
    with world_a.scope():
        mentoring.save_offer(
            actor=world_a.manager, competencies=[world_a.framework.competency], capacity=2
        )
    page = visible_text(
        signed_in_client(world_a.report).get(
            org_url("development:mentor_find", org=world_a),
            {"competency": world_a.framework.competency.pk},
        )
    )
    assert world_a.member.name in page and world_a.manager.name not in page


def test_nobody_offering_a_competency_says_so(world_a):
    page = visible_text(
        signed_in_client(world_a.report).get(org_url("development:mentor_find", org=world_a))
    )
    assert world_a.framework.other_competency.name in page  # the member offers both
    with world_a.scope():
        MentorProfile.objects.all().delete()
    page = visible_text(
        signed_in_client(world_a.report).get(org_url("development:mentor_find", org=world_a))
    )
    assert "Nobody has offered to mentor yet" in page


def test_asking_through_the_page(world_a):
    mentor, mentee = new_member(world_a, job_title="Staff Engineer"), new_member(world_a)
    craft = world_a.framework.competency
    with world_a.scope():
        mentoring.save_offer(actor=mentor, competencies=[craft], capacity=1, about="Tests!")
    client = signed_in_client(mentee)
    form = client.get(
        org_url("development:mentor_ask", org=world_a),
        {"mentor": mentor.pk, "competency": craft.pk},
    )
    assert form.status_code == 200
    assert f"Only {mentor.name} and you will read this" in visible_text(form)
    response = client.post(
        org_url("development:mentor_ask", org=world_a),
        {"mentor": mentor.pk, "competency": craft.pk, "message": "Help me test better."},
    )
    with world_a.scope():
        asked = MentorshipRequest.objects.get(mentee=mentee)
    assert response.status_code == 302
    assert response["Location"] == org_url("development:mentor_request", org=world_a, pk=asked.pk)
    assert "Help me test better." in visible_text(client.get(response["Location"]))


def test_asking_your_own_manager_through_the_page_is_refused_and_nothing_changes(world_a):
    craft = world_a.framework.competency
    with world_a.scope():
        mentoring.save_offer(actor=world_a.manager, competencies=[craft], capacity=2)
    client = signed_in_client(world_a.report)
    warned = visible_text(
        client.get(
            org_url("development:mentor_ask", org=world_a),
            {"mentor": world_a.manager.pk, "competency": craft.pk},
        )
    )
    assert "is your manager" in warned
    before = counts(world_a)
    response = client.post(
        org_url("development:mentor_ask", org=world_a),
        {"mentor": world_a.manager.pk, "competency": craft.pk, "message": "Please?"},
    )
    assert response.status_code == 400 and "is your manager" in visible_text(response)
    assert counts(world_a) == before


def test_asking_without_a_message_or_twice_is_refused(world_a):
    client = signed_in_client(world_a.report)
    teamwork = world_a.framework.other_competency
    before = counts(world_a)
    empty = client.post(
        org_url("development:mentor_ask", org=world_a),
        {"mentor": world_a.member.pk, "competency": teamwork.pk, "message": ""},
    )
    assert empty.status_code == 400 and "Say what you'd like to learn" in visible_text(empty)
    twice = client.post(
        org_url("development:mentor_ask", org=world_a),
        {"mentor": world_a.member.pk, "competency": teamwork.pk, "message": "Again"},
    )
    assert twice.status_code == 400 and "You already asked" in visible_text(twice)
    assert counts(world_a) == before


def test_the_ask_page_needs_a_mentor(world_a, world_b):
    client = signed_in_client(world_a.report)
    assert client.get(org_url("development:mentor_ask", org=world_a))["Location"] == org_url(
        "development:mentor_find", org=world_a
    )
    foreign = {"mentor": world_b.member.pk, "competency": world_a.framework.competency.pk}
    assert client.get(org_url("development:mentor_ask", org=world_a), foreign).status_code == 404
    assert (
        client.post(
            org_url("development:mentor_ask", org=world_a), {**foreign, "message": "x"}
        ).status_code
        == 404
    )


# --- offering -------------------------------------------------------------------------------


def test_offering_to_mentor_through_the_page(world_a):
    client = signed_in_client(world_a.hr)
    assert "Everyone in" in visible_text(
        client.get(org_url("development:mentor_offer", org=world_a))
    )
    teamwork = world_a.framework.other_competency
    response = client.post(
        org_url("development:mentor_offer", org=world_a),
        {"competencies": [teamwork.pk], "capacity": "2", "about": "Hard conversations."},
    )
    assert response["Location"] == org_url("development:mentoring", org=world_a)
    with world_a.scope():
        offer = MentorProfile.objects.get(membership=world_a.hr)
        assert (offer.capacity, list(offer.competencies.all())) == (2, [teamwork])


def test_an_offer_without_competencies_is_refused(world_a):
    before = counts(world_a)
    response = signed_in_client(world_a.hr).post(
        org_url("development:mentor_offer", org=world_a), {"capacity": "1"}
    )
    assert response.status_code == 400
    assert "Choose at least one competency" in visible_text(response)
    assert counts(world_a) == before


# --- answering ------------------------------------------------------------------------------


def test_the_mentor_accepts_through_the_page(world_a):
    request = world_a.growth.request
    client = signed_in_client(world_a.member)
    page = visible_text(
        client.get(org_url("development:mentor_request", org=world_a, pk=request.pk))
    )
    assert "How do you run a good design review?" in page
    assert "Accept and start" in page and "Decline kindly" in page
    assert "You mentor 1 of the 2 people you offered to" in page
    response = client.post(
        org_url("development:mentor_request_accept", org=world_a, pk=request.pk),
        {"goals": "Run two design reviews.", "cadence": "monthly"},
    )
    with world_a.scope():
        started = Mentorship.objects.get(request=request)
    assert response["Location"] == org_url("development:mentorship", org=world_a, pk=started.pk)
    assert started.cadence == "monthly"


def test_accepting_without_goals_or_over_capacity_is_refused_on_the_page(world_a):
    request = world_a.growth.request
    client = signed_in_client(world_a.member)
    before = counts(world_a)
    empty = client.post(
        org_url("development:mentor_request_accept", org=world_a, pk=request.pk),
        {"goals": "", "cadence": "weekly"},
    )
    assert empty.status_code == 400 and "what you'll work on together" in visible_text(empty)
    with world_a.scope():
        MentorProfile.objects.filter(membership=world_a.member).update(capacity=1)
    full = client.post(
        org_url("development:mentor_request_accept", org=world_a, pk=request.pk),
        {"goals": "x", "cadence": "weekly"},
    )
    assert full.status_code == 400
    assert "already mentoring as many people as you offered to (1)" in visible_text(full)
    assert counts(world_a) == before


def test_declining_and_withdrawing_through_the_page(world_a):
    request = world_a.growth.request
    response = signed_in_client(world_a.member).post(
        org_url("development:mentor_request_decline", org=world_a, pk=request.pk),
        {"note": "Ask me in May!"},
    )
    assert response["Location"] == org_url("development:mentoring", org=world_a)
    page = visible_text(
        signed_in_client(world_a.report).get(
            org_url("development:mentor_request", org=world_a, pk=request.pk)
        )
    )
    assert "“Ask me in May!”" in page and "Find another mentor" in page
    again = signed_in_client(world_a.report).post(
        org_url("development:mentor_request_withdraw", org=world_a, pk=request.pk)
    )
    assert again.status_code == 400 and "no longer waiting" in visible_text(again)


def test_the_mentee_withdraws_through_the_page(world_a):
    request = world_a.growth.request
    response = signed_in_client(world_a.report).post(
        org_url("development:mentor_request_withdraw", org=world_a, pk=request.pk)
    )
    assert response.status_code == 302
    with world_a.scope():
        request.refresh_from_db()
    assert request.status == "withdrawn"


# --- the mentorship page --------------------------------------------------------------------


def test_the_mentorship_page_logs_sessions_with_htmx_and_without(world_a):
    mentorship = world_a.growth.mentorship
    client = signed_in_client(world_a.report)
    page = visible_text(
        client.get(org_url("development:mentorship", org=world_a, pk=mentorship.pk))
    )
    assert "Ship one well-tested feature." in page
    assert "Only the two of you see this page" in page and "No sessions logged yet" in page
    today = local_today(world_a.report)
    partial = client.post(
        org_url("development:mentorship_session", org=world_a, pk=mentorship.pk),
        {"held_on": today.isoformat(), "notes": "Paired on the flaky test."},
        headers=HX,
    )
    assert partial.status_code == 200
    assert "<html" not in partial.content.decode() and "Paired on the flaky test." in visible_text(
        partial
    )
    assert "Logged." in visible_text(partial)
    full = client.post(
        org_url("development:mentorship_session", org=world_a, pk=mentorship.pk),
        {"held_on": today.isoformat(), "notes": "Second one."},
    )
    assert full["Location"] == org_url("development:mentorship", org=world_a, pk=mentorship.pk)
    with world_a.scope():
        assert mentorship.sessions.count() == 2


def test_a_session_in_the_future_is_refused_on_the_page(world_a):
    mentorship = world_a.growth.mentorship
    tomorrow = local_today(world_a.report) + timedelta(days=1)
    before = counts(world_a)
    response = signed_in_client(world_a.report).post(
        org_url("development:mentorship_session", org=world_a, pk=mentorship.pk),
        {"held_on": tomorrow.isoformat()},
        headers=HX,
    )
    assert response.status_code == 400 and "once they have happened" in visible_text(response)
    assert counts(world_a) == before


def test_goals_change_and_closing_with_a_reflection(world_a):
    mentorship = world_a.growth.mentorship
    client = signed_in_client(world_a.member)
    changed = client.post(
        org_url("development:mentorship_goals", org=world_a, pk=mentorship.pk),
        {"goals": "Ship two well-tested features.", "cadence": "weekly"},
    )
    assert changed.status_code == 302
    refused = client.post(
        org_url("development:mentorship_close", org=world_a, pk=mentorship.pk), {"reflection": ""}
    )
    assert refused.status_code == 400 and "Write a sentence or two" in visible_text(refused)
    closed = client.post(
        org_url("development:mentorship_close", org=world_a, pk=mentorship.pk),
        {"reflection": "Proud of you."},
    )
    assert closed.status_code == 302
    page = visible_text(
        signed_in_client(world_a.report).get(
            org_url("development:mentorship", org=world_a, pk=mentorship.pk)
        )
    )
    assert "Proud of you." in page and "Add your reflection" in page
    assert "Log the session" not in page


# --- query budgets ----------------------------------------------------------------------------


def _count(client, path, params=None) -> int:
    client.get(path, params)  # warm up
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params)
    assert response.status_code == 200
    return len(queries)


def _grow_mentorships(world, mentor, total):
    """``mentor`` mentors ``total`` people in all, each with two sessions and a second
    request waiting for an answer."""
    craft = world.framework.competency
    with world.scope():
        mentoring.save_offer(
            actor=mentor, competencies=[craft, world.framework.other_competency], capacity=10
        )
        MentorProfile.objects.filter(membership=mentor).update(capacity=1000)
        have = Mentorship.objects.filter(mentor=mentor).count()
        for _ in range(have, total):
            mentee = new_member(world)
            asked = mentoring.request_mentor(
                mentee=mentee, mentor=mentor, competency=craft, message="Help."
            )
            started = mentoring.accept_request(actor=mentor, request=asked, goals="Grow.")
            for _ in range(2):
                mentoring.log_session(actor=mentor, mentorship=started, held_on=local_today(mentor))
            mentoring.request_mentor(  # and one request waiting for an answer
                mentee=mentee,
                mentor=mentor,
                competency=world.framework.other_competency,
                message="And teamwork?",
            )


def test_the_mentoring_home_holds_a_fixed_query_budget(world_a):
    mentor = new_member(world_a)
    client = signed_in_client(mentor)
    used = []
    for size in (3, 30):
        _grow_mentorships(world_a, mentor, size)
        used.append(_count(client, org_url("development:mentoring", org=world_a)))
    assert used[0] == used[1], used
    assert used[1] <= 16


def test_the_mentor_search_holds_a_fixed_query_budget(world_a):
    craft = world_a.framework.competency
    client = signed_in_client(world_a.report)
    used = []
    for size in (3, 40):
        with world_a.scope():
            have = MentorProfile.objects.count()
            for index in range(have, size):
                mentor = new_member(world_a, manager=world_a.owner if index % 3 else None)
                mentoring.save_offer(actor=mentor, competencies=[craft], capacity=index % 2)
        used.append(
            _count(
                client, org_url("development:mentor_find", org=world_a), {"competency": craft.pk}
            )
        )
    assert used[0] == used[1], used
    assert used[1] <= 16
