"""Mentoring, through its services: offering, asking, answering, the log, closing; every
bad input refused with a clear message and nothing changed; capacity held under
concurrent accepts; the search's order (outside the reporting line first, never one's own
manager)."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from advancement.models import Competency
from development.models import (
    MentorProfile,
    Mentorship,
    MentorshipRequest,
    MentorshipSession,
    MentorshipStatus,
)
from development.selectors.mentoring import mentor_search, reporting_line_ids
from development.services import mentoring
from perfapp.audit.models import AuditEvent
from perfapp.notifications.models import OutboxMessage
from perfapp.tenancy.scoping import organization_scope, scopes_disabled
from perfapp.timezones import local_today

from ..helpers import new_member


def state(world) -> tuple:
    """What a refused write must leave as it was."""
    with world.scope():
        return (
            sorted(MentorProfile.objects.values_list("id", "capacity", "about")),
            sorted(MentorshipRequest.objects.values_list("id", "status", "answer")),
            sorted(
                Mentorship.objects.values_list(
                    "id", "status", "goals", "mentor_reflection", "mentee_reflection"
                )
            ),
            MentorshipSession.objects.count(),
            OutboxMessage.objects.count(),
            AuditEvent.objects.count(),
        )


def refused(world, call, message: str):
    before = state(world)
    with world.scope(), pytest.raises(ValidationError) as caught:
        call()
    assert message in " ".join(caught.value.messages)
    assert state(world) == before
    return caught.value


def craft(world) -> Competency:
    return world.framework.competency


def teamwork(world) -> Competency:
    return world.framework.other_competency


def offer(world, mentor, capacity=1, competencies=None):
    with world.scope():
        return mentoring.save_offer(
            actor=mentor, competencies=competencies or [craft(world)], capacity=capacity
        )


# --- offering ------------------------------------------------------------------------------


def test_an_offer_is_created_then_changed_in_place(world_a):
    mentor = new_member(world_a)
    offer(world_a, mentor, capacity=1)
    with world_a.scope():
        changed = mentoring.save_offer(
            actor=mentor, competencies=[teamwork(world_a)], capacity=3, about="Happy to help."
        )
        assert MentorProfile.objects.filter(membership=mentor).count() == 1
        assert changed.capacity == 3 and changed.about == "Happy to help."
        assert list(changed.competencies.all()) == [teamwork(world_a)]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"competencies": [], "capacity": 1}, "at least one competency"),
        ({"capacity": 11}, "Choose between 0"),
        ({"capacity": -1}, "Choose between 0"),
        ({"capacity": 1, "about": "x" * 1001}, "1,000 characters"),
    ],
)
def test_a_bad_offer_is_refused(kwargs, message, world_a):
    mentor = new_member(world_a)
    values = {"competencies": [craft(world_a)], "about": "", **kwargs}
    refused(world_a, lambda: mentoring.save_offer(actor=mentor, **values), message)


def test_an_offer_in_another_organizations_competency_is_refused(world_a, world_b):
    mentor = new_member(world_a)
    foreign = world_b.framework.competency
    refused(
        world_a,
        lambda: mentoring.save_offer(actor=mentor, competencies=[foreign], capacity=1),
        "Choose competencies from the list",
    )


# --- asking --------------------------------------------------------------------------------


def test_asking_a_mentor_tells_them(world_a):
    mentor, mentee = new_member(world_a), new_member(world_a)
    offer(world_a, mentor)
    with world_a.scope():
        asked = mentoring.request_mentor(
            mentee=mentee, mentor=mentor, competency=craft(world_a), message="Testing, please."
        )
        message = OutboxMessage.objects.get(recipient=mentor, kind="mentoring.request")
    assert asked.status == "pending"
    assert mentee.name in message.title and craft(world_a).name in message.title
    assert message.url.endswith(f"/growth/mentoring/requests/{asked.pk}/")


def ask(world, mentee, mentor, competency=None, message="Help me grow."):
    return lambda: mentoring.request_mentor(
        mentee=mentee, mentor=mentor, competency=competency or craft(world), message=message
    )


def test_mentoring_yourself_is_refused(world_a):
    refused(world_a, ask(world_a, world_a.member, world_a.member), "your own mentor")


def test_asking_your_own_manager_is_refused(world_a):
    offer(world_a, world_a.manager)
    refused(world_a, ask(world_a, world_a.report, world_a.manager), "is your manager")


def test_a_skip_level_manager_may_be_asked(world_a):
    """Only one's own manager is excluded; the reporting line merely ranks later."""
    offer(world_a, world_a.owner)
    with world_a.scope():
        asked = ask(world_a, world_a.report, world_a.owner)()
    assert asked.mentor_id == world_a.owner.pk


def test_asking_a_mentor_without_room_is_refused(world_a):
    mentor = new_member(world_a)
    offer(world_a, mentor, capacity=1)
    first, second = new_member(world_a), new_member(world_a)
    with world_a.scope():
        asked = ask(world_a, first, mentor)()
        mentoring.accept_request(actor=mentor, request=asked, goals="Grow.")
    refused(world_a, ask(world_a, second, mentor), "no room for another mentee")


def test_a_paused_offer_takes_no_requests(world_a):
    mentor = new_member(world_a)
    offer(world_a, mentor, capacity=0)
    refused(world_a, ask(world_a, new_member(world_a), mentor), "no room")


def test_a_second_pending_request_for_the_same_thing_is_refused(world_a):
    """The world's report already asked the member about teamwork."""
    refused(
        world_a,
        ask(world_a, world_a.report, world_a.member, teamwork(world_a)),
        "You already asked",
    )


def test_asking_your_current_mentor_again_is_refused(world_a):
    """The member already mentors the report in craft."""
    refused(world_a, ask(world_a, world_a.report, world_a.member), "already your mentor")


def test_a_person_of_another_organization_cannot_be_asked(world_a, world_b):
    refused(world_a, ask(world_a, world_a.report, world_b.member), "from this organization")


def test_a_deactivated_colleague_cannot_be_asked(world_a):
    mentor = new_member(world_a, is_active=False)
    refused(world_a, ask(world_a, world_a.report, mentor), "no longer works here")


def test_a_competency_they_do_not_offer_is_refused(world_a):
    mentor = new_member(world_a)
    offer(world_a, mentor, competencies=[teamwork(world_a)])
    refused(world_a, ask(world_a, new_member(world_a), mentor), "doesn't offer mentoring in")


def test_someone_who_never_offered_cannot_be_asked(world_a):
    refused(world_a, ask(world_a, world_a.member, world_a.hr), "doesn't offer mentoring")


def test_a_request_needs_what_you_want_to_learn(world_a):
    mentor = new_member(world_a)
    offer(world_a, mentor)
    refused(world_a, ask(world_a, new_member(world_a), mentor, message="  "), "Say what you'd like")


# --- answering ------------------------------------------------------------------------------


def test_accepting_starts_a_mentorship_and_tells_the_mentee(world_a):
    mentor, mentee = new_member(world_a), new_member(world_a)
    offer(world_a, mentor)
    with world_a.scope():
        asked = ask(world_a, mentee, mentor)()
        started = mentoring.accept_request(
            actor=mentor, request=asked, goals="One design doc.", cadence="weekly"
        )
        asked.refresh_from_db()
        told = OutboxMessage.objects.get(recipient=mentee, kind="mentoring.answer")
        audit = AuditEvent.objects.get(action="mentorship.started", target_id=started.pk)
    assert (started.mentor, started.mentee, started.competency) == (mentor, mentee, craft(world_a))
    assert started.cadence == "weekly" and started.status == MentorshipStatus.ACTIVE
    assert asked.status == "accepted" and asked.answered_at is not None
    assert "will mentor you" in told.title
    assert "One design doc" not in audit.target_label  # the audit never holds their words


def test_only_the_mentor_answers(world_a):
    request = world_a.growth.request
    for outsider in (world_a.report, world_a.manager, world_a.hr):
        refused(
            world_a,
            lambda who=outsider: mentoring.accept_request(actor=who, request=request, goals="x"),
            "Only the person who was asked",
        )
        refused(
            world_a,
            lambda who=outsider: mentoring.decline_request(actor=who, request=request),
            "Only the person who was asked",
        )


def test_accepting_needs_goals_and_a_known_cadence(world_a):
    request = world_a.growth.request
    refused(
        world_a,
        lambda: mentoring.accept_request(actor=world_a.member, request=request, goals=" "),
        "what you'll work on together",
    )
    refused(
        world_a,
        lambda: mentoring.accept_request(
            actor=world_a.member, request=request, goals="x", cadence="daily"
        ),
        "every week, every two weeks or every month",
    )


def test_accepting_over_capacity_is_refused(world_a):
    """Capacity is checked again at accept time: room when asked, none when answering."""
    mentor = new_member(world_a)
    offer(world_a, mentor, capacity=1)
    with world_a.scope():
        first = ask(world_a, new_member(world_a), mentor)()
        second = ask(world_a, new_member(world_a), mentor)()
        mentoring.accept_request(actor=mentor, request=first, goals="Grow.")
    refused(
        world_a,
        lambda: mentoring.accept_request(actor=mentor, request=second, goals="Grow."),
        "You're already mentoring as many people",
    )


def test_declining_with_a_kind_note_tells_the_mentee(world_a):
    request = world_a.growth.request
    with world_a.scope():
        mentoring.decline_request(
            actor=world_a.member, request=request, note="Not this quarter; try Sam."
        )
        request.refresh_from_db()
        told = OutboxMessage.objects.get(recipient=world_a.report, kind="mentoring.answer")
    assert request.status == "declined" and request.answer == "Not this quarter; try Sam."
    assert "Not this quarter; try Sam." in told.body and "Thank you for asking" in told.body
    assert f"competency={request.competency_id}" in told.url  # straight to other mentors
    refused(
        world_a,
        lambda: mentoring.accept_request(actor=world_a.member, request=request, goals="x"),
        "no longer waiting for an answer",
    )


def test_only_the_mentee_withdraws_and_only_while_pending(world_a):
    request = world_a.growth.request
    refused(
        world_a,
        lambda: mentoring.withdraw_request(actor=world_a.member, request=request),
        "Only the person who asked",
    )
    with world_a.scope():
        mentoring.withdraw_request(actor=world_a.report, request=request)
        request.refresh_from_db()
    assert request.status == "withdrawn"
    refused(
        world_a,
        lambda: mentoring.withdraw_request(actor=world_a.report, request=request),
        "no longer waiting",
    )


@pytest.mark.django_db(transaction=True)
def test_two_accepts_at_the_same_moment_never_exceed_capacity(world_a):
    """The first accept holds the lock on the mentor's offer while the second waits; the
    second then counts the first mentorship and is refused."""
    mentor = new_member(world_a)
    offer(world_a, mentor, capacity=1)
    with world_a.scope():
        first = ask(world_a, new_member(world_a), mentor)()
        second = ask(world_a, new_member(world_a), mentor)()
    first_holds_lock = threading.Event()
    outcomes = {}

    def accept_first():
        try:
            with organization_scope(world_a.organization), transaction.atomic():
                mentoring.accept_request(actor=mentor, request=first, goals="One.")
                first_holds_lock.set()
                threading.Event().wait(0.5)  # keep the lock while the second one tries
            outcomes["first"] = "accepted"
        finally:
            first_holds_lock.set()
            connection.close()

    def accept_second():
        first_holds_lock.wait(10)
        try:
            with organization_scope(world_a.organization):
                mentoring.accept_request(actor=mentor, request=second, goals="Two.")
            outcomes["second"] = "accepted"
        except ValidationError as error:
            outcomes["second"] = " ".join(error.messages)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept_first), threading.Thread(target=accept_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert outcomes["first"] == "accepted"
    assert "already mentoring as many people" in outcomes["second"]
    with scopes_disabled():
        assert Mentorship.objects.filter(mentor=mentor, status="active").count() == 1
        assert MentorshipRequest.objects.get(pk=second.pk).status == "pending"


# --- the mentorship -------------------------------------------------------------------------


def test_either_person_logs_sessions_that_took_place(world_a):
    mentorship = world_a.growth.mentorship
    with world_a.scope():
        logged = mentoring.log_session(
            actor=world_a.report,
            mentorship=mentorship,
            held_on=local_today(world_a.report),
            notes="Pairing on tests.",
        )
    assert logged.logged_by == world_a.report


@pytest.mark.parametrize(
    ("days", "message"),
    [(1, "once they have happened"), (-400, "started on")],
)
def test_a_session_in_the_future_or_before_the_start_is_refused(days, message, world_a):
    mentorship = world_a.growth.mentorship
    held_on = local_today(world_a.member) + timedelta(days=days)
    refused(
        world_a,
        lambda: mentoring.log_session(actor=world_a.member, mentorship=mentorship, held_on=held_on),
        message,
    )


def test_outsiders_cannot_log_or_close(world_a):
    mentorship = world_a.growth.mentorship
    today = timezone.now().date()
    for outsider in (world_a.manager, world_a.owner, world_a.hr):
        refused(
            world_a,
            lambda who=outsider: mentoring.log_session(
                actor=who, mentorship=mentorship, held_on=today
            ),
            "Only the mentor and the mentee",
        )
        refused(
            world_a,
            lambda who=outsider: mentoring.close_mentorship(
                actor=who, mentorship=mentorship, reflection="Bye."
            ),
            "Only the mentor and the mentee",
        )


def test_closing_needs_a_reflection_then_the_other_adds_theirs_once(world_a):
    mentorship = world_a.growth.mentorship
    refused(
        world_a,
        lambda: mentoring.close_mentorship(
            actor=world_a.report, mentorship=mentorship, reflection=""
        ),
        "Write a sentence or two",
    )
    with world_a.scope():
        closed = mentoring.close_mentorship(
            actor=world_a.report, mentorship=mentorship, reflection="I write tests first now."
        )
        told = OutboxMessage.objects.get(recipient=world_a.member, kind="mentoring.closed")
        assert AuditEvent.objects.filter(action="mentorship.closed").count() == 1
    assert closed.status == "closed" and closed.closed_by == world_a.report
    assert closed.mentee_reflection == "I write tests first now." and not closed.mentor_reflection
    assert "Add your own reflection" in told.body
    refused(
        world_a,
        lambda: mentoring.log_session(
            actor=world_a.member, mentorship=closed, held_on=timezone.now().date()
        ),
        "closed",
    )
    with world_a.scope():
        mentoring.close_mentorship(
            actor=world_a.member, mentorship=closed, reflection="A joy to mentor."
        )
        closed.refresh_from_db()
    assert closed.mentor_reflection == "A joy to mentor."
    refused(
        world_a,
        lambda: mentoring.close_mentorship(
            actor=world_a.member, mentorship=closed, reflection="Again."
        ),
        "your reflection is saved",
    )


# --- the reporting line and the search ------------------------------------------------------


def test_the_reporting_line_is_the_chain_above_and_everyone_below(world_a):
    below = new_member(world_a, manager=world_a.report)
    further = new_member(world_a, manager=below)
    with world_a.scope():
        line = reporting_line_ids(world_a.report)
    assert line == {world_a.manager.pk, world_a.owner.pk, below.pk, further.pk}


def test_the_search_puts_outsiders_with_room_first_and_never_shows_self_or_manager(world_a):
    viewer = world_a.report  # manager: world_a.manager; skip-level: world_a.owner
    outsider = new_member(world_a, job_title="Staff Engineer")
    full = new_member(world_a)
    gone = new_member(world_a, is_active=False)
    for mentor, capacity in (
        (outsider, 1),
        (full, 1),
        (gone, 1),
        (world_a.owner, 1),
        (world_a.manager, 3),
        (viewer, 2),
    ):
        offer(world_a, mentor, capacity=capacity)
    with world_a.scope():
        busy = ask(world_a, new_member(world_a), full)()
        mentoring.accept_request(actor=full, request=busy, goals="Grow.")
        found = list(mentor_search(viewer, craft(world_a)))
    order = [profile.membership_id for profile in found]
    # The member (the world's mentor, room for one more) and the outsider come first, the
    # skip-level owner (in the line) next, the full one last; nobody else.
    assert set(order[:2]) == {world_a.member.pk, outsider.pk}
    assert order[2:] == [world_a.owner.pk, full.pk]
    flags = {profile.membership_id: (profile.has_room, profile.in_line) for profile in found}
    assert flags[world_a.owner.pk] == (True, True)
    assert flags[full.pk] == (False, False)
