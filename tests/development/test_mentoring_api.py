"""The mentoring API: search, offer, request, answer, log, close; bad input answered with
the 400 envelope and nothing changed; lists at a fixed query budget at two sizes."""

import pytest

from development.models import MentorProfile, Mentorship
from development.services import mentoring
from perfapp.timezones import local_today

from ..helpers import new_member, org_url
from .test_mentoring_services import state


def assert_refused(world, response, field, message):
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    where = error["fields"].get(field) if field else error.get("errors")
    assert where and message in where[0]["message"], error


def test_searching_offering_asking_accepting_logging_and_closing(world_a, api_as):
    craft = world_a.framework.competency
    mentee, mentor = new_member(world_a), new_member(world_a)
    offered = api_as(mentor).put(
        org_url("api:mentor-profile-mine", org=world_a),
        {"competencies": [craft.pk], "capacity": 1, "about": "Ask me about tests."},
        format="json",
    )
    assert offered.status_code == 200 and offered.json()["capacity"] == 1
    found = api_as(mentee).get(
        org_url("api:mentor-profile-list", org=world_a), {"competency": craft.pk}
    )
    rows = found.json()["results"]
    assert {row["person"]["id"] for row in rows} == {world_a.member.pk, mentor.pk}
    mine = next(row for row in rows if row["person"]["id"] == mentor.pk)
    assert mine["has_room"] is True and mine["in_reporting_line"] is False

    asked = api_as(mentee).post(
        org_url("api:mentorship-request-list", org=world_a),
        {"mentor": mentor.pk, "competency": craft.pk, "message": "Help me test."},
        format="json",
    )
    assert asked.status_code == 201 and asked.json()["status"] == "pending"
    pk = asked.json()["id"]
    started = api_as(mentor).post(
        org_url("api:mentorship-request-accept", org=world_a, pk=pk),
        {"goals": "One well-tested feature.", "cadence": "weekly"},
        format="json",
    )
    assert started.status_code == 201 and started.json()["cadence"] == "weekly"
    mentorship = started.json()["id"]
    again = api_as(mentee).get(org_url("api:mentorship-request-detail", org=world_a, pk=pk)).json()
    assert again["status"] == "accepted" and again["mentorship"] == mentorship

    today = local_today(mentee).isoformat()
    logged = api_as(mentee).post(
        org_url("api:mentorship-sessions", org=world_a, pk=mentorship),
        {"held_on": today, "notes": "Pairing."},
        format="json",
    )
    assert logged.status_code == 201 and logged.json()["logged_by"]["id"] == mentee.pk
    log = api_as(mentor).get(org_url("api:mentorship-sessions", org=world_a, pk=mentorship)).json()
    assert [row["notes"] for row in log["results"]] == ["Pairing."]
    closed = api_as(mentor).post(
        org_url("api:mentorship-close", org=world_a, pk=mentorship),
        {"reflection": "Great."},
        format="json",
    )
    assert closed.json()["status"] == "closed" and closed.json()["mentor_reflection"] == "Great."


def test_bad_requests_get_the_envelope_and_change_nothing(world_a, world_b, api_as):
    craft = world_a.framework.competency
    client = api_as(world_a.report)
    with world_a.scope():
        mentoring.save_offer(actor=world_a.manager, competencies=[craft], capacity=3)
    cases = [
        ({"mentor": world_a.report.pk}, "mentor", "your own mentor"),
        ({"mentor": world_a.manager.pk}, "mentor", "is your manager"),
        ({"mentor": world_b.member.pk}, "mentor", "does not exist"),
        ({"competency": world_b.framework.competency.pk}, "competency", "does not exist"),
        ({"message": ""}, "message", "Say what you'd like"),
        (
            {"competency": world_a.framework.other_competency.pk},
            None,
            "You already asked",
        ),
        ({}, None, "already your mentor"),
    ]
    for change, field, message in cases:
        before = state(world_a)
        data = {"mentor": world_a.member.pk, "competency": craft.pk, "message": "Hi", **change}
        response = client.post(
            org_url("api:mentorship-request-list", org=world_a), data, format="json"
        )
        assert_refused(world_a, response, field, message)
        assert state(world_a) == before


def test_asking_a_full_mentor_and_accepting_over_capacity_are_refused(world_a, api_as):
    craft = world_a.framework.competency
    mentor = new_member(world_a)
    with world_a.scope():
        mentoring.save_offer(actor=mentor, competencies=[craft], capacity=1)
        first = mentoring.request_mentor(
            mentee=new_member(world_a), mentor=mentor, competency=craft, message="1"
        )
        second = mentoring.request_mentor(
            mentee=new_member(world_a), mentor=mentor, competency=craft, message="2"
        )
        mentoring.accept_request(actor=mentor, request=first, goals="Grow.")
    before = state(world_a)
    over = api_as(mentor).post(
        org_url("api:mentorship-request-accept", org=world_a, pk=second.pk),
        {"goals": "x"},
        format="json",
    )
    assert_refused(world_a, over, "mentor", "already mentoring as many people")
    late = api_as(new_member(world_a)).post(
        org_url("api:mentorship-request-list", org=world_a),
        {"mentor": mentor.pk, "competency": craft.pk, "message": "Me too"},
        format="json",
    )
    assert_refused(world_a, late, "mentor", "no room")
    assert state(world_a) == before


def test_bad_answers_sessions_and_offers_are_refused(world_a, api_as):
    request = world_a.growth.request
    mentorship = world_a.growth.mentorship
    before = state(world_a)
    member = api_as(world_a.member)
    assert_refused(
        world_a,
        member.post(
            org_url("api:mentorship-request-accept", org=world_a, pk=request.pk),
            {"goals": "x", "cadence": "daily"},
            format="json",
        ),
        "cadence",
        "not a valid choice",
    )
    assert_refused(
        world_a,
        member.post(
            org_url("api:mentorship-sessions", org=world_a, pk=mentorship.pk),
            {"held_on": "2999-01-01"},
            format="json",
        ),
        "held_on",
        "once they have happened",
    )
    assert_refused(
        world_a,
        member.put(
            org_url("api:mentor-profile-mine", org=world_a), {"competencies": [], "capacity": 1}
        ),
        "competencies",
        "at least one competency",
    )
    assert_refused(
        world_a,
        member.get(org_url("api:mentor-profile-list", org=world_a), {"competency": "x"}),
        "competency",
        "Give a competency id",
    )
    assert_refused(
        world_a,
        member.get(org_url("api:mentor-profile-list", org=world_a), {"competency": 999999}),
        "competency",
        "does not exist",
    )
    everyone = api_as(world_a.report).get(org_url("api:mentor-profile-list", org=world_a)).json()
    assert [row["person"]["id"] for row in everyone["results"]] == [world_a.member.pk]
    assert state(world_a) == before
    assert (
        api_as(world_a.hr).get(org_url("api:mentor-profile-mine", org=world_a)).status_code == 404
    )


def test_declining_and_withdrawing_through_the_api(world_a, api_as):
    request = world_a.growth.request
    declined = api_as(world_a.member).post(
        org_url("api:mentorship-request-decline", org=world_a, pk=request.pk),
        {"note": "Not now, sorry."},
        format="json",
    )
    assert declined.json()["status"] == "declined" and declined.json()["answer"] == (
        "Not now, sorry."
    )
    late = api_as(world_a.report).post(
        org_url("api:mentorship-request-withdraw", org=world_a, pk=request.pk)
    )
    assert_refused(world_a, late, None, "no longer waiting")
    sent = api_as(world_a.report).get(
        org_url("api:mentorship-request-list", org=world_a), {"role": "sent", "status": "declined"}
    )
    assert [row["id"] for row in sent.json()["results"]] == [request.pk]
    bad = api_as(world_a.report).get(
        org_url("api:mentorship-request-list", org=world_a), {"role": "x"}
    )
    assert_refused(world_a, bad, "role", "Choose one of")


# --- query budgets ----------------------------------------------------------------------------


def _grow(world, mentor, total):
    craft = world.framework.competency
    with world.scope():
        if not MentorProfile.objects.filter(membership=mentor).exists():
            mentoring.save_offer(actor=mentor, competencies=[craft], capacity=10)
        MentorProfile.objects.filter(membership=mentor).update(capacity=1000)
        for _ in range(Mentorship.objects.filter(mentor=mentor).count(), total):
            asked = mentoring.request_mentor(
                mentee=new_member(world), mentor=mentor, competency=craft, message="Help."
            )
            started = mentoring.accept_request(actor=mentor, request=asked, goals="Grow.")
            mentoring.log_session(actor=mentor, mentorship=started, held_on=local_today(mentor))


def _grow_offers(world, _mentor, total):
    craft = world.framework.competency
    with world.scope():
        for index in range(MentorProfile.objects.count(), total):
            mentoring.save_offer(
                actor=new_member(world, manager=world.owner if index % 2 else None),
                competencies=[craft],
                capacity=index % 3,
            )


@pytest.mark.parametrize(
    ("name", "grow", "query"),
    [
        ("mentorship-list", _grow, {}),
        ("mentorship-request-list", _grow, {}),
        ("mentor-profile-list", _grow_offers, "competency"),
    ],
)
def test_lists_cost_the_same_number_of_queries_at_two_sizes(
    name, grow, query, world_a, api_as, django_assert_max_num_queries
):
    mentor = new_member(world_a)
    client = api_as(mentor)
    params = {"competency": world_a.framework.competency.pk} if query else {}
    used = []
    for size in (5, 60):
        grow(world_a, mentor, size)
        with django_assert_max_num_queries(8) as captured:
            response = client.get(org_url(f"api:{name}", org=world_a), params)
        assert response.status_code == 200, response.content
        body = response.json()
        used.append((len(body["results"]), len(captured.captured_queries)))
        if body["next"]:
            with django_assert_max_num_queries(8):
                assert client.get(body["next"]).status_code == 200
    (small_rows, small), (large_rows, large) = used
    assert large_rows > small_rows >= 5
    assert small == large, used
