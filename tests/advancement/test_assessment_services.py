"""Assessments: independent sides, side by side once both are in, and every bad input
refused with a clear message and nothing changed."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from advancement.models import Assessment, AssessmentAnswer, AssessmentResponse, Perspective
from advancement.selectors import assessments as selectors
from advancement.services import assessments as services
from advancement.services.assessments import AnswerInput
from perfapp.audit.models import AuditEvent

from .readiness_world import answers_for, complete, republish, start

pytestmark = pytest.mark.django_db


def answer_rows(world):
    with world.scope():
        return sorted(
            AssessmentAnswer.objects.values_list(
                "response__perspective", "criterion_id", "rating", "comment"
            )
        )


def test_an_assessment_covers_the_current_and_the_next_level_of_its_version(world_a):
    assessment = start(world_a)
    fw = world_a.framework
    with world_a.scope():
        levels = [level["code"] for level, _criterion in services.criteria_of(assessment)]
        assert levels == ["L1", "L2", "L2"]
        assert assessment.version == fw.version
        assert (assessment.level_id, assessment.next_level_id) == (fw.level.pk, fw.next_level.pk)
        assert set(assessment.responses.values_list("perspective", flat=True)) == {
            "self",
            "manager",
        }


def test_starting_again_returns_the_open_assessment(world_a):
    first = start(world_a)
    with world_a.scope():
        again = services.start_assessment(actor=world_a.manager, subject=world_a.report)
    assert again.pk == first.pk


def test_only_the_person_and_their_direct_manager_start_one(world_a):
    for outsider in (world_a.member, world_a.owner, world_a.hr):
        with world_a.scope(), pytest.raises(PermissionDenied):
            services.start_assessment(actor=outsider, subject=world_a.report)
    with world_a.scope():
        assert not Assessment.objects.exists()


def test_each_side_reads_only_its_own_until_both_are_submitted(world_a):
    assessment = start(world_a)
    with world_a.scope():
        services.save_response(
            actor=world_a.report,
            assessment=assessment,
            version_number=1,
            answers=answers_for(assessment, ["beyond"], "self draft"),
        )
        services.save_response(
            actor=world_a.manager,
            assessment=assessment,
            version_number=1,
            answers=answers_for(assessment, ["not_yet"], "manager draft"),
            submit=True,
        )
        assessment = selectors.get_assessment(assessment.pk)
        mine = selectors.sides_for(assessment, viewer=world_a.report)
        theirs = selectors.sides_for(assessment, viewer=world_a.manager)
        assert set(mine.answers) == {Perspective.SELF}
        assert set(theirs.answers) == {Perspective.MANAGER}
        # The chain above and HR read nothing of an open assessment.
        for reader in (world_a.owner, world_a.hr, world_a.member):
            assert not selectors.sides_for(assessment, viewer=reader).answers
            assert not selectors.can_read_assessment(reader, assessment)
        services.save_response(
            actor=world_a.report,
            assessment=assessment,
            version_number=1,
            answers=answers_for(assessment, ["beyond"], "self final"),
            submit=True,
        )
        assessment = selectors.get_assessment(assessment.pk)
        assert assessment.completed_at is not None
        for reader in (world_a.report, world_a.manager, world_a.owner, world_a.hr):
            sides = selectors.sides_for(assessment, viewer=reader)
            assert set(sides.answers) == {Perspective.SELF, Perspective.MANAGER}
        assert not selectors.can_read_assessment(world_a.member, assessment)
        actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"career.assessment_submitted", "career.assessment_completed"} <= actions


def test_a_stale_form_is_refused_and_nothing_is_saved(world_a):
    assessment = start(world_a)
    with world_a.scope():
        services.save_response(
            actor=world_a.report,
            assessment=assessment,
            version_number=1,
            answers=answers_for(assessment, ["partly"]),
        )
    before = answer_rows(world_a)
    with world_a.scope(), pytest.raises(ValidationError) as error:
        services.save_response(
            actor=world_a.report,
            assessment=assessment,
            version_number=0,
            answers=answers_for(assessment, ["beyond"]),
            submit=True,
        )
    assert "Stale framework version" in error.value.messages[0]
    assert answer_rows(world_a) == before
    with world_a.scope():
        assert not AssessmentResponse.objects.filter(submitted_at__isnull=False).exists()


def test_starting_after_a_new_version_with_answers_is_a_stale_version_error(world_a):
    assessment = start(world_a)
    with world_a.scope():
        services.save_response(
            actor=world_a.report,
            assessment=assessment,
            version_number=1,
            answers=answers_for(assessment, ["partly"]),
        )
        republish(world_a)
        with pytest.raises(ValidationError) as error:
            services.start_assessment(actor=world_a.manager, subject=world_a.report)
        assert "Stale framework version" in error.value.messages[0]
        assert "version 1" in error.value.messages[0] and "version 2" in error.value.messages[0]
        assert Assessment.objects.get().version.number == 1


def test_an_unanswered_open_assessment_moves_to_the_new_version_and_old_forms_fail(world_a):
    assessment = start(world_a)
    with world_a.scope():
        republish(world_a)
        moved = services.start_assessment(actor=world_a.report, subject=world_a.report)
        assert moved.pk == assessment.pk and moved.version.number == 2
        with pytest.raises(ValidationError) as error:
            services.save_response(
                actor=world_a.report,
                assessment=moved,
                version_number=1,
                answers=answers_for(moved, ["partly"]),
            )
    assert "this form was for version 1" in error.value.messages[0]
    assert answer_rows(world_a) == []


@pytest.mark.parametrize(
    ("make_answers", "message"),
    [
        (lambda a, w: [AnswerInput(w.framework.criterion.pk, "excellent")], "is not a rating"),
        (lambda a, w: [AnswerInput(999999, "partly")], "is not one of this assessment"),
        (
            lambda a, w: [AnswerInput(w.framework.criterion.pk, "partly", "x" * 2001)],
            "at most 2000",
        ),
    ],
)
def test_bad_answers_are_refused_whole(world_a, make_answers, message):
    assessment = start(world_a)
    good = answers_for(assessment, ["partly"])
    with world_a.scope(), pytest.raises(ValidationError) as error:
        services.save_response(
            actor=world_a.report,
            assessment=assessment,
            version_number=1,
            answers=good[1:] + make_answers(assessment, world_a),
        )
    assert message in " ".join(error.value.messages)
    assert answer_rows(world_a) == []


def test_submitting_needs_every_criterion_rated(world_a):
    assessment = start(world_a)
    with world_a.scope(), pytest.raises(ValidationError) as error:
        services.save_response(
            actor=world_a.report,
            assessment=assessment,
            version_number=1,
            answers=answers_for(assessment, ["partly"])[:1],
            submit=True,
        )
    assert error.value.messages == [
        "Rate every criterion before submitting: 2 still without a rating."
    ]
    assert answer_rows(world_a) == []


def test_submitting_twice_is_refused_and_changes_nothing(world_a):
    assessment = start(world_a)
    with world_a.scope():
        services.save_response(
            actor=world_a.report,
            assessment=assessment,
            version_number=1,
            answers=answers_for(assessment, ["partly"]),
            submit=True,
        )
    before = answer_rows(world_a)
    with world_a.scope(), pytest.raises(ValidationError) as error:
        services.save_response(
            actor=world_a.report,
            assessment=assessment,
            version_number=1,
            answers=answers_for(assessment, ["beyond"]),
            submit=True,
        )
    assert error.value.messages == ["You already submitted your side: it can no longer change."]
    assert answer_rows(world_a) == before


def test_a_complete_assessment_cannot_change_or_be_discarded(world_a):
    assessment = complete(world_a)
    before = answer_rows(world_a)
    with world_a.scope():
        with pytest.raises(ValidationError, match="complete"):
            services.save_response(
                actor=world_a.manager,
                assessment=assessment,
                version_number=1,
                answers=answers_for(assessment, ["beyond"]),
            )
        with pytest.raises(ValidationError, match="history"):
            services.discard_assessment(actor=world_a.report, assessment=assessment)
        assert Assessment.objects.filter(pk=assessment.pk).exists()
    assert answer_rows(world_a) == before


def test_others_cannot_write_a_side(world_a):
    assessment = start(world_a)
    for outsider in (world_a.owner, world_a.hr, world_a.member):
        with world_a.scope(), pytest.raises(PermissionDenied):
            services.save_response(
                actor=outsider,
                assessment=assessment,
                version_number=1,
                answers=answers_for(assessment, ["partly"]),
            )
    assert answer_rows(world_a) == []


def test_history_lists_every_assessment_newest_first(world_a):
    first = complete(world_a)
    second = start(world_a)
    with world_a.scope():
        assert [a.pk for a in selectors.assessments_of(world_a.report)] == [second.pk, first.pk]
