"""Feedback cycles as services: configuration, opening, peers, answers, results, closing
and reminders. Every refusal says what went wrong and changes nothing (the cycle tables
and the outbox are compared before and after)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from feedback import tasks
from feedback.models import (
    AssignmentStatus,
    CycleAnswer,
    CycleParticipant,
    CycleQuestion,
    CycleResponse,
    CycleStatus,
    FeedbackCycle,
    Relation,
    ReviewerAssignment,
    SealedResponse,
)
from feedback.personal_data import erase
from feedback.rules import sealing
from feedback.services import cycles
from perfapp.notifications.models import OutboxMessage, OutboxStatus
from perfapp.tenancy.scoping import scopes_disabled
from perfapp.timezones import local_today

from ..factories import MembershipFactory

MODELS = (
    FeedbackCycle,
    CycleQuestion,
    CycleParticipant,
    ReviewerAssignment,
    CycleResponse,
    CycleAnswer,
    SealedResponse,
    OutboxMessage,
)


def db_state() -> dict:
    with scopes_disabled():
        return {model.__name__: list(model.objects.order_by("pk").values()) for model in MODELS}


def assert_refused(call, message: str) -> ValidationError:
    before = db_state()
    with pytest.raises(ValidationError) as info:
        call()
    assert message in " ".join(info.value.messages), info.value.messages
    assert db_state() == before
    return info.value


def draft(world, **overrides) -> FeedbackCycle:
    today = timezone.now().date()
    fields = {
        "name": "Q3 360",
        "opens_on": today,
        "closes_on": today + timedelta(days=14),
        "anonymous": True,
        **overrides,
    }
    return cycles.save_cycle(actor=world.hr, cycle=FeedbackCycle(**fields))


def open_draft(world, members, *, questions=("text",), **overrides) -> FeedbackCycle:
    cycle = draft(world, **overrides)
    for index, kind in enumerate(questions):
        cycles.add_question(actor=world.hr, cycle=cycle, kind=kind, prompt=f"Question {index}")
    cycles.set_participants(actor=world.hr, cycle=cycle, members=members)
    cycles.open_cycle(actor=world.hr, cycle=cycle)
    cycle.refresh_from_db()
    return cycle


def outbox(**filters) -> list[OutboxMessage]:
    with scopes_disabled():
        return list(OutboxMessage.objects.filter(**filters).order_by("id"))


def colleague(world, name: str, **extra):
    return MembershipFactory(
        organization=world.organization, user__name=name, job_title="Engineer", **extra
    )


# --- configuration ------------------------------------------------------------------------


def test_a_cycle_must_close_after_it_opens(world_a):
    today = timezone.now().date()
    with world_a.scope():
        error = assert_refused(
            lambda: draft(world_a, opens_on=today, closes_on=today), "must close after it opens"
        )
    assert "closes_on" in error.error_dict


def test_a_cycle_needs_at_least_one_kind_of_reviewer(world_a):
    with world_a.scope():
        assert_refused(
            lambda: draft(
                world_a,
                include_self=False,
                include_manager=False,
                include_peers=False,
                include_reports=False,
            ),
            "at least one kind of reviewer",
        )


def test_peers_need_a_sensible_maximum(world_a):
    with world_a.scope():
        assert_refused(lambda: draft(world_a, include_peers=True, max_peers=0), "between 1 and")
        assert_refused(lambda: draft(world_a, include_peers=True, max_peers=50), "between 1 and")
        assert draft(world_a, include_peers=False, max_peers=0).pk  # unused, so fine


def test_a_competency_question_needs_an_active_competency_of_this_organization(world_a, world_b):
    with world_a.scope():
        cycle = draft(world_a)
        add = cycles.add_question
        error = assert_refused(
            lambda: add(actor=world_a.hr, cycle=cycle, kind="competency", prompt="Craft?"),
            "Choose the competency this question rates.",
        )
        assert "competency" in error.error_dict
        foreign = world_b.framework.competency
        assert_refused(
            lambda: add(
                actor=world_a.hr,
                cycle=cycle,
                kind="competency",
                prompt="Craft?",
                competency=foreign,
            ),
            "active competency of this organization",
        )
        archived = world_a.framework.other_competency
        archived.archived_at = timezone.now()
        archived.save(update_fields=["archived_at"])
        assert_refused(
            lambda: add(
                actor=world_a.hr,
                cycle=cycle,
                kind="competency",
                prompt="Craft?",
                competency=archived,
            ),
            "active competency of this organization",
        )
        assert_refused(
            lambda: add(actor=world_a.hr, cycle=cycle, kind="essay", prompt="?"), "Choose a rating"
        )
        assert_refused(lambda: add(actor=world_a.hr, cycle=cycle, kind="text", prompt=" "), "Write")
        question = add(
            actor=world_a.hr,
            cycle=cycle,
            kind="competency",
            prompt="Craft?",
            competency=world_a.framework.competency,
        )
        assert question.competency == world_a.framework.competency


def test_nothing_about_an_open_cycle_can_be_reconfigured(world_a):
    fw = world_a.feedback
    with world_a.scope():
        cycle = FeedbackCycle.objects.get(pk=fw.cycle.pk)
        cycle.name = "Renamed"
        assert_refused(lambda: cycles.save_cycle(actor=world_a.hr, cycle=cycle), "has started")
        assert_refused(
            lambda: cycles.add_question(actor=world_a.hr, cycle=fw.cycle, kind="text", prompt="?"),
            "has started",
        )
        assert_refused(
            lambda: cycles.remove_question(actor=world_a.hr, question=fw.question), "has started"
        )
        assert_refused(
            lambda: cycles.set_participants(
                actor=world_a.hr, cycle=fw.cycle, members=[world_a.member]
            ),
            "has started",
        )
        assert_refused(lambda: cycles.open_cycle(actor=world_a.hr, cycle=fw.cycle), "has started")


def test_opening_needs_participants_and_questions(world_a):
    with world_a.scope():
        cycle = draft(world_a)
        assert_refused(lambda: cycles.open_cycle(actor=world_a.hr, cycle=cycle), "Add participants")
        cycles.set_participants(actor=world_a.hr, cycle=cycle, members=[world_a.report])
        assert_refused(lambda: cycles.open_cycle(actor=world_a.hr, cycle=cycle), "Add at least one")
        assert FeedbackCycle.objects.get(pk=cycle.pk).status == CycleStatus.DRAFT


def test_participants_must_be_active_members_of_this_organization(world_a, world_b):
    with world_a.scope():
        cycle = draft(world_a)
        gone = colleague(world_a, "Gone Person", is_active=False)
        for member in (gone, world_b.report):
            assert_refused(
                lambda member=member: cycles.set_participants(
                    actor=world_a.hr, cycle=cycle, members=[member]
                ),
                "active members of this organization",
            )
        assert (
            cycles.set_participants(
                actor=world_a.hr, cycle=cycle, members=[world_a.report, world_a.member]
            )
            == 2
        )
        assert cycles.set_participants(actor=world_a.hr, cycle=cycle, members=[world_a.member]) == 1
        assert list(cycle.participants.values_list("participant_id", flat=True)) == [
            world_a.member.pk
        ]


# --- opening ------------------------------------------------------------------------------


def test_opening_assigns_self_manager_and_upward_reviewers_and_tells_them(world_a):
    with world_a.scope():
        cycle = draft(world_a, include_reports=True, include_peers=True)
        cycles.add_question(actor=world_a.hr, cycle=cycle, kind="rating", prompt="Clarity?")
        cycles.set_participants(
            actor=world_a.hr, cycle=cycle, members=[world_a.report, world_a.manager]
        )
        count = cycles.open_cycle(actor=world_a.hr, cycle=cycle)
        rows = set(
            ReviewerAssignment.objects.filter(cycle=cycle).values_list(
                "participant__participant_id", "reviewer_id", "relation", "status"
            )
        )
    pending = AssignmentStatus.PENDING
    assert rows == {
        (world_a.report.pk, world_a.report.pk, Relation.SELF, pending),
        (world_a.report.pk, world_a.manager.pk, Relation.MANAGER, pending),
        (world_a.manager.pk, world_a.manager.pk, Relation.SELF, pending),
        (world_a.manager.pk, world_a.owner.pk, Relation.MANAGER, pending),
        (world_a.manager.pk, world_a.report.pk, Relation.REPORT, pending),  # upward
    }
    assert count == 5
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.OPEN
    asked = outbox(kind="feedback.cycle", occasion__startswith="assignment:")
    assert sorted(m.recipient_id for m in asked) == sorted(
        [
            world_a.report.pk,
            world_a.report.pk,
            world_a.manager.pk,
            world_a.manager.pk,
            world_a.owner.pk,
        ]
    )
    titles = {m.title for m in asked}
    assert "Q3 360: your feedback about yourself" in titles
    assert f"Q3 360: your feedback about {world_a.report.name}" in titles
    peers = outbox(kind="feedback.cycle", occasion=f"cycle:{cycle.pk}:choose-peers")
    assert {m.recipient_id for m in peers} == {world_a.report.pk, world_a.manager.pk}
    closing = outbox(kind="feedback.cycle_reminder", occasion__endswith=":closing")
    assert len(closing) == 5 and all(m.due_at > timezone.now() for m in closing)


def test_a_deactivated_manager_is_not_asked(world_a):
    with world_a.scope():
        world_a.manager.is_active = False
        world_a.manager.save(update_fields=["is_active"])
        cycle = open_draft(world_a, [world_a.report])
        relations = list(
            ReviewerAssignment.objects.filter(cycle=cycle).values_list("relation", flat=True)
        )
    assert relations == [Relation.SELF]


# --- peers --------------------------------------------------------------------------------


def test_nominating_more_peers_than_allowed_is_refused(world_a):
    fw = world_a.feedback
    with world_a.scope():
        FeedbackCycle.objects.filter(pk=fw.cycle.pk).update(max_peers=2)
        fw.cycle.refresh_from_db()
        extra = colleague(world_a, "Extra Person")
        nominate = cycles.nominate_peers
        assert_refused(
            lambda: nominate(
                participant=world_a.report,
                cycle=fw.cycle,
                peers=[world_a.member, world_a.owner, extra],
            ),
            "at most 2 peers",
        )
        assert nominate(participant=world_a.report, cycle=fw.cycle, peers=[world_a.member]) == 1
        # the same person again does not count twice; one more would be a third
        assert nominate(participant=world_a.report, cycle=fw.cycle, peers=[world_a.member]) == 0
        assert_refused(
            lambda: nominate(
                participant=world_a.report, cycle=fw.cycle, peers=[world_a.owner, extra]
            ),
            "at most 2 peers",
        )


def test_nominating_oneself_a_foreigner_or_as_a_non_participant_is_refused(world_a, world_b):
    fw = world_a.feedback
    with world_a.scope():
        nominate = cycles.nominate_peers
        assert_refused(
            lambda: nominate(participant=world_a.report, cycle=fw.cycle, peers=[world_a.report]),
            "other than yourself",
        )
        assert_refused(
            lambda: nominate(participant=world_a.report, cycle=fw.cycle, peers=[world_b.member]),
            "other than yourself",
        )
        assert_refused(
            lambda: nominate(participant=world_a.member, cycle=fw.cycle, peers=[world_a.owner]),
            "not a participant",
        )


def test_peers_wait_for_the_manager_who_approves_or_declines(world_a):
    fw = world_a.feedback
    with world_a.scope():
        cycles.nominate_peers(
            participant=world_a.report, cycle=fw.cycle, peers=[world_a.member, world_a.owner]
        )
        proposed = list(
            ReviewerAssignment.objects.filter(participant=fw.entry, relation=Relation.PEER)
        )
        assert {a.status for a in proposed} == {AssignmentStatus.PROPOSED}
        [ask] = outbox(kind="feedback.cycle", recipient=world_a.manager)
        assert ask.title == f"{fw.cycle.name}: approve {world_a.report.name}'s peer reviewers"
        assert not outbox(recipient=world_a.member)  # not asked before the approval

        assert_refused(
            lambda: cycles.approve_peers(manager=world_a.hr, assignments=proposed, approve=True),
            "people who report to you",
        )
        by_reviewer = {a.reviewer_id: a for a in proposed}
        cycles.approve_peers(
            manager=world_a.manager, assignments=[by_reviewer[world_a.member.pk]], approve=True
        )
        cycles.approve_peers(
            manager=world_a.manager, assignments=[by_reviewer[world_a.owner.pk]], approve=False
        )
        rows = dict(
            ReviewerAssignment.objects.filter(
                participant=fw.entry, relation=Relation.PEER
            ).values_list("reviewer_id", "status")
        )
    assert rows == {world_a.member.pk: AssignmentStatus.PENDING}
    [asked] = outbox(kind="feedback.cycle", recipient=world_a.member)
    assert asked.title == f"{fw.cycle.name}: your feedback about {world_a.report.name}"
    assert not outbox(recipient=world_a.owner)


def test_without_a_manager_peers_are_asked_at_once(world_a):
    with world_a.scope():
        assert world_a.member.manager_id is None
        cycle = open_draft(world_a, [world_a.member], include_peers=True)
        added = cycles.nominate_peers(
            participant=world_a.member, cycle=cycle, peers=[world_a.report]
        )
        status = ReviewerAssignment.objects.get(
            cycle=cycle, reviewer=world_a.report, relation=Relation.PEER
        ).status
    assert added == 1 and status == AssignmentStatus.PENDING
    assert outbox(kind="feedback.cycle", recipient=world_a.report)


def test_no_peer_nominations_once_the_cycle_is_closed(world_a):
    fw = world_a.feedback
    with world_a.scope():
        cycles.close_cycle(actor=world_a.hr, cycle=fw.cycle)
        fw.cycle.refresh_from_db()
        assert_refused(
            lambda: cycles.nominate_peers(
                participant=world_a.report, cycle=fw.cycle, peers=[world_a.member]
            ),
            "does not take peer nominations",
        )


# --- answers ------------------------------------------------------------------------------


def test_answering_a_closed_cycle_is_refused(world_a):
    fw = world_a.feedback
    with world_a.scope():
        cycles.close_cycle(actor=world_a.hr, cycle=fw.cycle)
        assert_refused(
            lambda: cycles.submit_answers(
                reviewer=world_a.manager,
                assignment=fw.assignment,
                answers={fw.question.pk: (None, "Great work.")},
            ),
            "This cycle is closed",
        )


def test_answering_twice_is_refused(world_a):
    fw = world_a.feedback
    with world_a.scope():
        cycles.submit_answers(
            reviewer=world_a.manager,
            assignment=fw.assignment,
            answers={fw.question.pk: (None, "Clear writing.")},
        )
        assert_refused(
            lambda: cycles.submit_answers(
                reviewer=world_a.manager,
                assignment=fw.assignment,
                answers={fw.question.pk: (None, "Second thoughts.")},
            ),
            "already answered",
        )
        assert SealedResponse.objects.filter(cycle=fw.cycle).count() == 1


def test_someone_elses_review_cannot_be_answered(world_a):
    fw = world_a.feedback
    with world_a.scope():
        assert_refused(
            lambda: cycles.submit_answers(
                reviewer=world_a.member,
                assignment=fw.assignment,
                answers={fw.question.pk: (None, "Sneaky.")},
            ),
            "asked of someone else",
        )


@pytest.mark.parametrize("rating", [None, "", 0, 6, "abc", "3.5"])
def test_a_missing_or_out_of_range_rating_stores_nothing(world_a, rating):
    with world_a.scope():
        cycle = open_draft(world_a, [world_a.report], questions=("rating", "text"))
        rating_q, text_q = cycle.questions.all()
        assignment = ReviewerAssignment.objects.get(cycle=cycle, relation=Relation.MANAGER)
        error = assert_refused(
            lambda: cycles.submit_answers(
                reviewer=world_a.manager,
                assignment=assignment,
                answers={rating_q.pk: (rating, ""), text_q.pk: (None, "Kind and clear.")},
            ),
            "Choose a rating from 1 to 5.",
        )
        assert set(error.error_dict) == {f"q{rating_q.pk}"}
        assignment.refresh_from_db()
        assert assignment.status == AssignmentStatus.PENDING


def test_a_missing_required_text_stores_nothing_but_an_optional_one_may_stay_empty(world_a):
    with world_a.scope():
        cycle = draft(world_a)
        required = cycles.add_question(actor=world_a.hr, cycle=cycle, kind="text", prompt="Keep?")
        optional = cycles.add_question(
            actor=world_a.hr, cycle=cycle, kind="rating", prompt="Pace?", required=False
        )
        cycles.set_participants(actor=world_a.hr, cycle=cycle, members=[world_a.report])
        cycles.open_cycle(actor=world_a.hr, cycle=cycle)
        assignment = ReviewerAssignment.objects.get(cycle=cycle, relation=Relation.MANAGER)
        assert_refused(
            lambda: cycles.submit_answers(
                reviewer=world_a.manager, assignment=assignment, answers={required.pk: (None, "  ")}
            ),
            "This question needs an answer.",
        )
        assert_refused(
            lambda: cycles.submit_answers(
                reviewer=world_a.manager,
                assignment=assignment,
                answers={required.pk: (None, "x" * 4001)},
            ),
            "under 4,000 characters",
        )
        cycles.submit_answers(
            reviewer=world_a.manager, assignment=assignment, answers={required.pk: (None, "Calm.")}
        )
        cycles.close_cycle(actor=world_a.hr, cycle=cycle)
        response = CycleResponse.objects.get(cycle=cycle)
        assert list(response.answers.values_list("question_id", "text")) == [(required.pk, "Calm.")]
        assert not response.answers.filter(question=optional).exists()


def test_anonymous_answers_from_others_keep_no_author_but_a_self_review_does(world_a):
    fw = world_a.feedback
    with world_a.scope():
        cycles.submit_answers(
            reviewer=world_a.manager,
            assignment=fw.assignment,
            answers={fw.question.pk: (None, "Good.")},
        )
        own = ReviewerAssignment.objects.get(participant=fw.entry, relation=Relation.SELF)
        cycles.submit_answers(
            reviewer=world_a.report, assignment=own, answers={fw.question.pk: (None, "Fine.")}
        )
        # The self review is there at once; the anonymous one waits, sealed, for the close.
        assert list(CycleResponse.objects.values_list("group", flat=True)) == ["self"]
        assert SealedResponse.objects.filter(cycle=fw.cycle).count() == 1
        cycles.close_cycle(actor=world_a.hr, cycle=fw.cycle)
        other = CycleResponse.objects.get(participant=fw.entry, group="others")
        mine = CycleResponse.objects.get(participant=fw.entry, group="self")
        texts = list(other.answers.values_list("text", flat=True))
        fw.assignment.refresh_from_db()
    assert (other.author_id, other.relation, other.group) == (None, "", "others")
    assert texts == ["Good."]
    assert (mine.author_id, mine.relation, mine.group) == (world_a.report.pk, "self", "self")
    assert fw.assignment.status == AssignmentStatus.ANSWERED


def test_a_named_cycle_keeps_the_author(world_a):
    with world_a.scope():
        cycle = open_draft(world_a, [world_a.report], anonymous=False)
        assignment = ReviewerAssignment.objects.get(cycle=cycle, relation=Relation.MANAGER)
        cycles.submit_answers(
            reviewer=world_a.manager,
            assignment=assignment,
            answers={cycle.questions.get().pk: (None, "Signed.")},
        )
        response = CycleResponse.objects.get(cycle=cycle)  # at once: nothing to hide
        assert not SealedResponse.objects.filter(cycle=cycle).exists()
    assert (response.author_id, response.relation) == (world_a.manager.pk, "manager")


def test_answering_cancels_the_reviewers_pending_closing_reminder(world_a):
    with world_a.scope():
        cycle = open_draft(world_a, [world_a.report])
        assignment = ReviewerAssignment.objects.get(cycle=cycle, relation=Relation.MANAGER)
        cycles.submit_answers(
            reviewer=world_a.manager,
            assignment=assignment,
            answers={cycle.questions.get().pk: (None, "Done.")},
        )
    [closing] = outbox(occasion=f"assignment:{assignment.pk}:closing")
    assert closing.status == OutboxStatus.CANCELLED


# --- results ------------------------------------------------------------------------------


def _cycle_with_reviewers(world, count: int, *, anonymous=True):
    """An open cycle about the report with ``count`` peers (texts in reverse order)."""
    cycle = open_draft(world, [world.report], questions=("rating", "text"), anonymous=anonymous)
    rating_q, text_q = cycle.questions.all()
    entry = cycle.participants.get()
    texts = ["Zesty demos.", "Many thanks.", "Always on time.", "Kind reviews."][:count]
    for index, text in enumerate(texts):
        peer = colleague(world, f"Peer {index}")
        assignment = ReviewerAssignment.objects.create(
            organization=world.organization,
            cycle=cycle,
            participant=entry,
            reviewer=peer,
            relation=Relation.PEER,
        )
        cycles.submit_answers(
            reviewer=peer,
            assignment=assignment,
            answers={rating_q.pk: (5 - index, ""), text_q.pk: (None, text)},
        )
    own = ReviewerAssignment.objects.get(cycle=cycle, relation=Relation.SELF)
    cycles.submit_answers(
        reviewer=world.report,
        assignment=own,
        answers={rating_q.pk: (3, ""), text_q.pk: (None, "My view.")},
    )
    cycles.close_cycle(actor=world.hr, cycle=cycle)
    return CycleParticipant.objects.select_related("cycle").get(pk=entry.pk)


def test_results_stay_hidden_below_three_anonymous_answers(world_a):
    with world_a.scope():
        results = cycles.results_for(entry=_cycle_with_reviewers(world_a, 2), reader=world_a.report)
    assert results.hidden and results.others_count == 2
    rating, text = results.questions
    assert rating.ratings == [] and text.texts == []
    assert rating.self_answer.rating == 3 and text.self_answer.text == "My view."


def test_results_show_from_three_answers_sorted_so_order_reveals_nothing(world_a):
    with world_a.scope():
        results = cycles.results_for(entry=_cycle_with_reviewers(world_a, 3), reader=world_a.report)
    assert not results.hidden and results.others_count == 3
    rating, text = results.questions
    assert rating.ratings == [3, 4, 5] and rating.average == 4.0
    assert rating.distribution == [0, 0, 1, 1, 1]
    assert text.texts == [("", "Always on time."), ("", "Many thanks."), ("", "Zesty demos.")]


def test_a_named_cycle_shows_even_one_answer_with_its_author(world_a):
    with world_a.scope():
        results = cycles.results_for(
            entry=_cycle_with_reviewers(world_a, 1, anonymous=False), reader=world_a.report
        )
    assert not results.hidden
    assert results.questions[1].texts == [("Peer 0", "Zesty demos.")]


# --- closing and reminders ----------------------------------------------------------------


def test_closing_tells_participants_and_cancels_only_this_cycles_reminders(world_a):
    with world_a.scope():
        closing = open_draft(world_a, [world_a.report], name="Closing")
        staying = open_draft(world_a, [world_a.member, world_a.report], name="Staying")

        def reminder(cycle):
            review = ReviewerAssignment.objects.get(cycle=cycle, reviewer=world_a.report)
            return OutboxMessage.objects.get(occasion=f"assignment:{review.pk}:closing").pk

        closing_reminder, staying_reminder = reminder(closing), reminder(staying)
        entry = closing.participants.get()
        cycles.close_cycle(actor=world_a.hr, cycle=closing)
        assert_refused(lambda: cycles.close_cycle(actor=world_a.hr, cycle=closing), "Only an open")
    [told] = outbox(occasion=f"cycle:{closing.pk}:results")
    assert told.recipient_id == world_a.report.pk
    assert told.title == "Closing: your results are ready"
    assert told.url == f"/o/alpha/feedback/cycles/results/{entry.pk}/"
    assert outbox(pk=closing_reminder)[0].status == OutboxStatus.CANCELLED
    assert outbox(pk=staying_reminder)[0].status == OutboxStatus.PENDING  # another cycle


def test_reminders_go_once_a_day_to_each_reviewer_still_owing_a_review(world_a):
    with world_a.scope():
        cycle = open_draft(world_a, [world_a.report, world_a.member, world_a.hr])
        # the owner manages HR; world_a.manager manages the report; the member has none
        done = ReviewerAssignment.objects.get(cycle=cycle, reviewer=world_a.hr)
        cycles.submit_answers(
            reviewer=world_a.hr, assignment=done, answers={cycle.questions.get().pk: (None, "Ok.")}
        )
        assert cycles.remind_reviewers(actor=world_a.hr, cycle=cycle) == 4
        assert cycles.remind_reviewers(actor=world_a.hr, cycle=cycle) == 0  # same day
        nudges = outbox(occasion__startswith=f"cycle:{cycle.pk}:nudge:")
        assert sorted(m.recipient_id for m in nudges) == sorted(
            [world_a.report.pk, world_a.manager.pk, world_a.member.pk, world_a.owner.pk]
        )
        assert all(m.kind == "feedback.cycle_reminder" for m in nudges)
        with time_machine.travel(timezone.now() + timedelta(days=1)):
            assert cycles.remind_reviewers(actor=world_a.hr, cycle=cycle) == 4
        assert len(outbox(occasion__startswith=f"cycle:{cycle.pk}:nudge:")) == 8


def test_a_reviewer_owing_several_reviews_gets_one_reminder(world_a):
    with world_a.scope():
        second = colleague(world_a, "Second Report", manager=world_a.manager)
        cycle = open_draft(world_a, [world_a.report, second], include_self=False)
        assert cycles.remind_reviewers(actor=world_a.hr, cycle=cycle) == 1
    [nudge] = outbox(occasion__startswith=f"cycle:{cycle.pk}:nudge:")
    assert nudge.recipient_id == world_a.manager.pk
    assert nudge.body.startswith("2 reviews still to write.")


def test_only_an_open_cycle_has_reviewers_to_remind(world_a):
    with world_a.scope():
        cycle = draft(world_a)
        assert_refused(
            lambda: cycles.remind_reviewers(actor=world_a.hr, cycle=cycle), "Only an open cycle"
        )


def test_an_optional_question_answered_by_too_few_stays_hidden(world_a):
    """Three colleagues answered the cycle, but only one answered the optional question:
    that lone comment would point at its author, so it is withheld."""
    cycle_services = cycles
    today = timezone.now().date()
    with world_a.scope():
        cycle = cycle_services.save_cycle(
            actor=world_a.hr,
            cycle=FeedbackCycle(
                name="Optional questions",
                opens_on=today,
                closes_on=today + timedelta(days=5),
                anonymous=True,
                include_self=False,
                include_manager=True,
                include_peers=False,
                include_reports=True,
            ),
        )
        must = cycle_services.add_question(
            actor=world_a.hr, cycle=cycle, kind="text", prompt="Keep doing?"
        )
        optional = cycle_services.add_question(
            actor=world_a.hr, cycle=cycle, kind="text", prompt="Anything else?", required=False
        )
        extra = MembershipFactory(organization=world_a.organization, manager=world_a.manager)
        cycle_services.set_participants(actor=world_a.hr, cycle=cycle, members=[world_a.manager])
        cycle_services.open_cycle(actor=world_a.hr, cycle=cycle)
        reviewers = [world_a.owner, world_a.report, extra]
        for number, reviewer in enumerate(reviewers):
            assignment = ReviewerAssignment.objects.get(cycle=cycle, reviewer=reviewer)
            answers = {must.pk: (None, f"Keep {number}")}
            if number == 0:
                answers[optional.pk] = (None, "Only I said this")
            cycle_services.submit_answers(reviewer=reviewer, assignment=assignment, answers=answers)
        cycle_services.close_cycle(actor=world_a.hr, cycle=cycle)
        results = cycle_services.results_for(entry=cycle.participants.get(), reader=world_a.manager)
    by_prompt = {result.question.prompt: result for result in results.questions}
    assert not results.hidden
    assert len(by_prompt["Keep doing?"].texts) == 3
    assert by_prompt["Anything else?"].texts == [] and by_prompt["Anything else?"].withheld


# --- sealed until the close ---------------------------------------------------------------


def _answered_by_peers(world, texts: list[str]):
    """An open anonymous cycle about the report, answered by one new peer per text."""
    cycle = open_draft(
        world, [world.report], include_self=False, include_manager=False, include_peers=True
    )
    entry = cycle.participants.get()
    question = cycle.questions.get()
    for index, text in enumerate(texts):
        peer = colleague(world, f"Sealed Peer {index}")
        assignment = ReviewerAssignment.objects.create(
            organization=world.organization,
            cycle=cycle,
            participant=entry,
            reviewer=peer,
            relation=Relation.PEER,
        )
        cycles.submit_answers(
            reviewer=peer, assignment=assignment, answers={question.pk: (None, text)}
        )
    return cycle, entry, question


def test_sealed_answers_say_nothing_until_the_close_releases_them_all(world_a):
    texts = ["Zesty demos.", "Many thanks.", "Always on time."]
    with world_a.scope():
        cycle, entry, _ = _answered_by_peers(world_a, texts)
        pool = list(SealedResponse.objects.filter(cycle=cycle))
        assert not CycleResponse.objects.filter(cycle=cycle).exists()
        cycles.close_cycle(actor=world_a.hr, cycle=cycle)
        released = sorted(
            CycleAnswer.objects.filter(response__participant=entry).values_list("text", flat=True)
        )
        left = SealedResponse.objects.filter(cycle=cycle).count()
        results = cycles.results_for(entry=entry, reader=world_a.report)
    assert len(pool) == 3 and len({len(bytes(row.sealed)) for row in pool}) == 1
    for row in pool:
        box = bytes(row.sealed)
        assert not any(text.encode() in box for text in texts)
        assert b'"participant"' not in box  # nor whom it is about
    assert released == sorted(texts) and left == 0
    assert [text for _, text in results.questions[0].texts] == sorted(texts)


def test_a_sealed_answer_opens_only_for_its_own_cycle_and_under_the_servers_keys(settings):
    box = sealing.seal({"participant": 7, "answers": []}, organization_id=1, cycle_id=2)
    assert sealing.unseal(box, organization_id=1, cycle_id=2) == {"participant": 7, "answers": []}
    with pytest.raises(sealing.Unreadable):
        sealing.unseal(box, organization_id=1, cycle_id=3)  # copied to another cycle
    old = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a new secret key " * 4, [old]
    assert sealing.unseal(box, organization_id=1, cycle_id=2)["participant"] == 7
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(sealing.Unreadable):
        sealing.unseal(box, organization_id=1, cycle_id=2)


def test_a_cycle_whose_sealed_answers_no_key_opens_refuses_to_close_and_loses_nothing(
    world_a, settings
):
    with world_a.scope():
        cycle, _, _ = _answered_by_peers(world_a, ["Kept safe."])
        settings.SECRET_KEY = "the old key was lost " * 3
        error = assert_refused(
            lambda: cycles.close_cycle(actor=world_a.hr, cycle=cycle), "SECRET_KEY_FALLBACKS"
        )
    assert "cannot close yet" in " ".join(error.messages)


def test_answers_about_someone_erased_meanwhile_are_dropped_at_the_close(world_a):
    with world_a.scope():
        cycle, entry, _ = _answered_by_peers(world_a, ["About someone who left."])
        CycleParticipant.objects.filter(pk=entry.pk).delete()  # what erasure does
        cycles.close_cycle(actor=world_a.hr, cycle=cycle)
        assert not CycleResponse.objects.filter(cycle=cycle).exists()
        assert not SealedResponse.objects.filter(cycle=cycle).exists()


def test_erasing_a_person_deletes_the_sealed_answers_about_them_and_only_those(world_a):
    with world_a.scope():
        cycle = open_draft(world_a, [world_a.report, world_a.member], include_self=False)
        question = cycle.questions.get()
        for about in (world_a.report, world_a.member):
            entry = CycleParticipant.objects.get(cycle=cycle, participant=about)
            peer = colleague(world_a, f"Peer of {about.pk}")
            assignment = ReviewerAssignment.objects.create(
                organization=world_a.organization,
                cycle=cycle,
                participant=entry,
                reviewer=peer,
                relation=Relation.PEER,
            )
            cycles.submit_answers(
                reviewer=peer,
                assignment=assignment,
                answers={question.pk: (None, f"About {about.name}")},
            )
        erase(world_a.report)
        assert SealedResponse.objects.filter(cycle=cycle).count() == 1
        cycles.close_cycle(actor=world_a.hr, cycle=cycle)
        texts = list(
            CycleAnswer.objects.filter(response__cycle=cycle).values_list("text", flat=True)
        )
    assert texts == [f"About {world_a.member.name}"]


def test_if_storing_the_sealed_answer_fails_the_review_stays_open_with_its_reminders(
    world_a, monkeypatch
):
    """The cycle closes between the two steps of an anonymous answer: the answer cannot
    join a pool that was already released, so the first step is undone, and the reviewer
    hears that the cycle is closed — nothing is lost silently, nothing stored twice."""
    with world_a.scope():
        cycle = open_draft(world_a, [world_a.report])
        assignment = ReviewerAssignment.objects.get(cycle=cycle, relation=Relation.MANAGER)
        question = cycle.questions.get()
        reminder = OutboxMessage.objects.get(occasion=f"assignment:{assignment.pk}:closing")
        real_pool = cycles._pool

        def close_first(cycle_, sealed):
            cycles.close_cycle(actor=world_a.hr, cycle=cycle_)
            real_pool(cycle_, sealed)

        monkeypatch.setattr(cycles, "_pool", close_first)
        with pytest.raises(ValidationError) as info:
            cycles.submit_answers(
                reviewer=world_a.manager,
                assignment=assignment,
                answers={question.pk: (None, "Just in time?")},
            )
        assignment.refresh_from_db()
        reminder.refresh_from_db()
        assert not SealedResponse.objects.filter(cycle=cycle).exists()
        assert not CycleResponse.objects.filter(cycle=cycle).exists()
    assert "This cycle is closed" in " ".join(info.value.messages)
    assert assignment.status == AssignmentStatus.PENDING
    # The undo gives back the reminders the answer had cancelled only while the cycle is
    # open: nobody is reminded about a closed cycle.
    assert reminder.status == OutboxStatus.CANCELLED


def test_a_failed_second_step_gives_the_reviewer_their_review_and_reminders_back(
    world_a, monkeypatch
):
    with world_a.scope():
        cycle = open_draft(world_a, [world_a.report])
        assignment = ReviewerAssignment.objects.get(cycle=cycle, relation=Relation.MANAGER)
        question = cycle.questions.get()

        def broken(cycle_, sealed):
            raise RuntimeError("the database went away")

        monkeypatch.setattr(cycles, "_pool", broken)
        with pytest.raises(RuntimeError):
            cycles.submit_answers(
                reviewer=world_a.manager,
                assignment=assignment,
                answers={question.pk: (None, "Lost?")},
            )
        assignment.refresh_from_db()
        reminder = OutboxMessage.objects.get(occasion=f"assignment:{assignment.pk}:closing")
        assert (assignment.status, reminder.status) == (
            AssignmentStatus.PENDING,
            OutboxStatus.PENDING,
        )
        monkeypatch.undo()
        cycles.submit_answers(
            reviewer=world_a.manager, assignment=assignment, answers={question.pk: (None, "Lost?")}
        )
        assert SealedResponse.objects.filter(cycle=cycle).count() == 1


# --- opening on the "Opens on" date -----------------------------------------------------


def test_a_cycle_dated_entirely_in_the_past_is_refused_on_save(world_a):
    today = timezone.now().date()
    with world_a.scope():
        error = assert_refused(
            lambda: draft(
                world_a, opens_on=today - timedelta(days=20), closes_on=today - timedelta(days=1)
            ),
            "before today. Choose a closing date from today on.",
        )
        assert "closes_on" in error.error_dict
        started_earlier = draft(world_a, opens_on=today - timedelta(days=3))
    assert started_earlier.pk  # opening in the past is fine while it still runs


def test_opening_a_draft_whose_dates_have_passed_is_refused(world_a):
    today = timezone.now().date()
    with world_a.scope():
        cycle = draft(world_a)
        cycles.add_question(actor=world_a.hr, cycle=cycle, kind="text", prompt="Keep?")
        cycles.set_participants(actor=world_a.hr, cycle=cycle, members=[world_a.report])
        FeedbackCycle.objects.filter(pk=cycle.pk).update(
            opens_on=today - timedelta(days=30), closes_on=today - timedelta(days=2)
        )
        cycle.refresh_from_db()
        assert_refused(
            lambda: cycles.open_cycle(actor=world_a.hr, cycle=cycle),
            "Change the dates in the settings, then open it.",
        )


def test_opening_before_the_date_schedules_the_cycle_and_tells_nobody_yet(world_a):
    today = timezone.now().date()
    with world_a.scope():
        cycle = draft(world_a, opens_on=today + timedelta(days=3))
        question = cycles.add_question(actor=world_a.hr, cycle=cycle, kind="text", prompt="Keep?")
        cycles.set_participants(actor=world_a.hr, cycle=cycle, members=[world_a.report])
        assert cycles.open_cycle(actor=world_a.hr, cycle=cycle) == 0
        assert cycle.scheduled and cycle.status == CycleStatus.DRAFT
        stored = FeedbackCycle.objects.get(pk=cycle.pk)
        assert (stored.status, stored.scheduled) == (CycleStatus.DRAFT, True)
        assert not ReviewerAssignment.objects.filter(cycle=cycle).exists()
        assert not outbox()
        # What opens on the day is what HR checked: the setup is fixed meanwhile.
        for change in (
            lambda: cycles.save_cycle(actor=world_a.hr, cycle=stored),
            lambda: cycles.add_question(actor=world_a.hr, cycle=cycle, kind="text", prompt="?"),
            lambda: cycles.remove_question(actor=world_a.hr, question=question),
            lambda: cycles.set_participants(actor=world_a.hr, cycle=cycle, members=[]),
            lambda: cycles.open_cycle(actor=world_a.hr, cycle=cycle),
        ):
            assert_refused(change, "Cancel the scheduled opening to change it.")
        assert cycles.open_scheduled_cycles() == 0  # not its day yet


def test_the_hourly_task_opens_a_scheduled_cycle_on_its_date_in_the_organizations_zone(
    world_a,
):
    """The organization is in Berlin: at 23:30 UTC the day before, it is already the
    opening day there, so the cycle opens then, and reviewers are told."""
    today = timezone.now().date()
    opens_on = today + timedelta(days=2)
    with world_a.scope():
        cycle = draft(world_a, opens_on=opens_on)
        cycles.add_question(actor=world_a.hr, cycle=cycle, kind="text", prompt="Keep?")
        cycles.set_participants(actor=world_a.hr, cycle=cycle, members=[world_a.report])
        cycles.open_cycle(actor=world_a.hr, cycle=cycle)
    midnight_utc = datetime(opens_on.year, opens_on.month, opens_on.day, tzinfo=UTC)
    evening_before = midnight_utc - timedelta(hours=2, minutes=30)  # 22:30 or 23:30 in Berlin
    with time_machine.travel(evening_before, tick=False):
        assert tasks.open_scheduled_cycles() == 0
    # 23:30 UTC on the day before: 00:30 or 01:30 on the opening day in Berlin.
    with time_machine.travel(midnight_utc - timedelta(minutes=30), tick=False):
        assert tasks.open_scheduled_cycles() == 1
        assert tasks.open_scheduled_cycles() == 0  # once
    with world_a.scope():
        cycle.refresh_from_db()
        reviewers = set(
            ReviewerAssignment.objects.filter(cycle=cycle).values_list("reviewer_id", flat=True)
        )
    assert (cycle.status, cycle.scheduled) == (CycleStatus.OPEN, False)
    assert reviewers == {world_a.report.pk, world_a.manager.pk}
    told = outbox(kind="feedback.cycle", occasion__startswith="assignment:")
    assert {m.recipient_id for m in told} == reviewers


def test_a_scheduled_opening_can_be_cancelled_and_the_draft_changed_again(world_a):
    today = timezone.now().date()
    with world_a.scope():
        cycle = draft(world_a, opens_on=today + timedelta(days=5))
        cycles.add_question(actor=world_a.hr, cycle=cycle, kind="text", prompt="Keep?")
        cycles.set_participants(actor=world_a.hr, cycle=cycle, members=[world_a.report])
        assert_refused(
            lambda: cycles.cancel_scheduled_opening(actor=world_a.hr, cycle=cycle),
            "not scheduled to open",
        )
        cycles.open_cycle(actor=world_a.hr, cycle=cycle)
        cycles.cancel_scheduled_opening(actor=world_a.hr, cycle=cycle)
        assert not FeedbackCycle.objects.get(pk=cycle.pk).scheduled
        cycles.add_question(actor=world_a.hr, cycle=cycle, kind="text", prompt="Start?")
        assert cycles.open_scheduled_cycles() == 0


def test_a_scheduled_cycle_that_cannot_open_on_its_day_goes_back_to_draft_and_says_why(
    world_a,
):
    today = local_today(world_a.organization)  # the cycle opens on the organization's day
    with world_a.scope():
        cycle = draft(world_a, opens_on=today + timedelta(days=1))
        cycles.add_question(actor=world_a.hr, cycle=cycle, kind="text", prompt="Keep?")
        cycles.set_participants(actor=world_a.hr, cycle=cycle, members=[world_a.report])
        cycles.open_cycle(actor=world_a.hr, cycle=cycle)
        CycleParticipant.objects.filter(cycle=cycle).delete()  # the only participant was erased
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        assert cycles.open_scheduled_cycles() == 0
    with world_a.scope():
        cycle.refresh_from_db()
    assert (cycle.status, cycle.scheduled) == (CycleStatus.DRAFT, False)
    [told] = outbox(recipient=world_a.hr)
    assert told.title == f"{cycle.name} could not open on its date"
    assert told.body == "Add participants before opening the cycle."
