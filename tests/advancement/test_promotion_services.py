"""Promotion services: rounds, cases through every state, and every bad input of the
issue refused with a clear message and nothing changed."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from advancement.models import Case, CaseEvent, CaseState, Criterion, Decision, Round
from advancement.services import framework as framework_services
from advancement.services import placements as placement_services
from advancement.services import promotions as services
from perfapp.audit.models import AuditEvent
from perfapp.notifications.models import OutboxMessage
from perfapp.timezones import local_today

from ..factories import MembershipFactory
from .promotion_world import open_round, promotion_of


def case_state(case: Case) -> tuple:
    row = Case.objects.get(pk=case.pk)
    return (
        row.state,
        row.summary,
        row.decision,
        row.rationale,
        row.not_yet_criteria,
        row.version_id,
        row.target_level_id,
        row.lock_version,
        CaseEvent.objects.filter(case=case).count(),
        AuditEvent.objects.count(),
    )


def newcomer(world):
    """A report of the manager at L1 with no evidence of anything yet."""
    person = MembershipFactory(organization=world.organization, manager=world.manager)
    placement_services.place(actor=world.hr, membership=person, level=world.framework.level)
    return person


def draft_case(world, summary: str = "", subject=None) -> Case:
    round_ = open_round(world, name="Draft round")
    return services.open_case(
        actor=world.manager, round_=round_, subject=subject or world.report, summary=summary
    )


def in_calibration(world) -> Case:
    case = promotion_of(world).case
    return services.move_to_calibration(actor=world.hr, case=case, lock_version=case.lock_version)


def test_a_manager_opens_a_case_for_the_next_level(world_a):
    with world_a.scope():
        case = draft_case(world_a, summary="Ready.")
        assert case.state == CaseState.DRAFT
        assert case.target_level_id == world_a.framework.next_level.pk
        assert case.from_level_label == "L1 Engineer"
        assert case.target_level_label == "L2 Senior"
        assert case.version_id == world_a.framework.version.pk
        assert CaseEvent.objects.filter(case=case, to_state="draft").exists()
        assert AuditEvent.objects.filter(action="promotion.case_opened", target_id=case.pk)
        assert OutboxMessage.objects.filter(
            recipient=world_a.report, kind="career.promotion_case"
        ).exists()


def test_a_case_for_a_level_that_is_not_the_next_one_is_refused(world_a):
    with world_a.scope():
        round_ = open_round(world_a)
        with pytest.raises(ValidationError) as error:
            services.open_case(
                actor=world_a.manager,
                round_=round_,
                subject=world_a.report,
                target_level_id=world_a.framework.level.pk,
            )
        assert "A case is for the next level only" in str(error.value)
        assert "L2 Senior" in str(error.value)
        assert not Case.objects.exists()


def test_a_second_case_for_the_same_person_and_round_is_refused(world_a):
    with world_a.scope():
        case = draft_case(world_a, summary="First.")
        before = case_state(case)
        with pytest.raises(ValidationError) as error:
            services.open_case(
                actor=world_a.manager, round_=case.round, subject=world_a.report, summary="Again"
            )
        assert "already has a case in “Draft round”" in str(error.value)
        assert Case.objects.count() == 1
        assert case_state(case) == before


def test_only_the_manager_nominates_unless_the_round_allows_self_nomination(world_a):
    with world_a.scope():
        round_ = open_round(world_a)
        with pytest.raises(ValidationError, match=r"Only .* manager can nominate"):
            services.open_case(actor=world_a.member, round_=round_, subject=world_a.report)
        with pytest.raises(ValidationError, match="does not take self-nominations"):
            services.open_case(actor=world_a.report, round_=round_, subject=world_a.report)
        round_.allow_self_nomination = True
        round_.save()
        case = services.open_case(actor=world_a.report, round_=round_, subject=world_a.report)
        assert case.self_nominated


def test_outside_the_window_or_on_another_track_no_case_opens(world_a):
    with world_a.scope():
        today = local_today(world_a.hr)
        later = open_round(
            world_a, opens_on=today + timedelta(days=3), closes_on=today + timedelta(days=9)
        )
        with pytest.raises(ValidationError, match="takes nominations from"):
            services.open_case(actor=world_a.manager, round_=later, subject=world_a.report)
        assert not Case.objects.exists()


def test_submitting_with_no_evidence_and_no_summary_is_refused(world_a):
    with world_a.scope():
        case = draft_case(world_a, subject=newcomer(world_a))
        before = case_state(case)
        with pytest.raises(ValidationError) as error:
            services.submit_case(actor=world_a.manager, case=case, lock_version=case.lock_version)
        assert "nothing to judge yet" in str(error.value)
        assert case_state(case) == before
        assert Case.objects.get(pk=case.pk).packet is None


def test_submitting_freezes_the_packet(world_a):
    with world_a.scope():
        case = promotion_of(world_a).case
        assert case.state == CaseState.SUBMITTED
        assert case.packet["target_level"]["id"] == world_a.framework.next_level.pk
        assert case.criteria_total == len(case.packet["criteria"]) == 2
        assert case.submitted_at is not None
        assert AuditEvent.objects.filter(action="promotion.case_submitted").exists()


def test_a_stale_framework_version_asks_to_refresh_then_submits(world_a):
    with world_a.scope():
        case = draft_case(world_a, summary="Ready.")
        framework_services.save_criterion(
            actor=world_a.hr,
            criterion=Criterion(
                level=world_a.framework.next_level,
                competency=None,
                expectation="Writes the design doc others follow.",
            ),
        )
        framework_services.publish(actor=world_a.hr, summary="A new criterion at L2.")
        before = case_state(case)
        with pytest.raises(ValidationError) as error:
            services.submit_case(actor=world_a.manager, case=case, lock_version=case.lock_version)
        assert "changed since this case was opened (now version 2)" in str(error.value)
        assert "Refresh the case to version 2" in str(error.value)
        assert case_state(case) == before
        refreshed = services.refresh_version(
            actor=world_a.manager, case=case, lock_version=case.lock_version
        )
        assert refreshed.version.number == 2
        submitted = services.submit_case(
            actor=world_a.manager, case=refreshed, lock_version=refreshed.lock_version
        )
        assert submitted.state == CaseState.SUBMITTED
        assert submitted.criteria_total == 3


def test_a_stale_form_is_refused_with_nothing_changed(world_a):
    with world_a.scope():
        case = draft_case(world_a, summary="First.")
        stale = case.lock_version
        services.save_summary(
            actor=world_a.manager, case=case, summary="Second.", lock_version=stale
        )
        before = case_state(case)
        with pytest.raises(ValidationError, match="changed meanwhile"):
            services.save_summary(
                actor=world_a.manager, case=case, summary="Overwrite.", lock_version=stale
            )
        assert case_state(case) == before


def test_deciding_without_a_rationale_is_refused(world_a):
    with world_a.scope():
        case = in_calibration(world_a)
        before = case_state(case)
        with pytest.raises(ValidationError) as error:
            services.decide(
                actor=world_a.hr,
                case=case,
                decision=Decision.PROMOTED,
                rationale="  ",
                lock_version=case.lock_version,
            )
        assert error.value.message_dict["rationale"] == [
            "Write the rationale: the person reads it with the decision."
        ]
        assert case_state(case) == before


def test_not_yet_needs_criteria_of_the_packet(world_a):
    with world_a.scope():
        case = in_calibration(world_a)
        before = case_state(case)
        for chosen, message in (([], "Choose the criteria"), ([999999], "Choose among")):
            with pytest.raises(ValidationError, match=message):
                services.decide(
                    actor=world_a.hr,
                    case=case,
                    decision=Decision.NOT_YET,
                    rationale="Not yet.",
                    not_yet_criteria=chosen,
                    lock_version=case.lock_version,
                )
        assert case_state(case) == before


def test_a_decided_case_cannot_be_changed(world_a):
    with world_a.scope():
        case = in_calibration(world_a)
        case = services.decide(
            actor=world_a.hr,
            case=case,
            decision=Decision.PROMOTED,
            rationale="Consistently at L2.",
            lock_version=case.lock_version,
        )
        assert AuditEvent.objects.filter(action="promotion.case_decided").exists()
        before = case_state(case)
        with pytest.raises(ValidationError) as error:
            services.decide(
                actor=world_a.hr,
                case=case,
                decision=Decision.NOT_YET,
                rationale="Changed my mind.",
                not_yet_criteria=[case.packet["criteria"][0]["id"]],
                lock_version=case.lock_version,
            )
        assert "decided; a decision cannot be changed" in str(error.value)
        with pytest.raises(ValidationError, match="decided; it can no longer be changed"):
            services.save_summary(
                actor=world_a.manager, case=case, summary="x", lock_version=case.lock_version
            )
        assert case_state(case) == before


def test_a_closed_round_takes_no_decision_from_the_group_nor_from_hr(world_a):
    """A round closed with a case still undecided (as rounds could be closed before)
    takes no decision from anyone: the invariant is the service's, not the page's."""
    with world_a.scope():
        promotion = promotion_of(world_a)
        case = in_calibration(world_a)
        Round.objects.filter(pk=promotion.round.pk).update(closed_at=timezone.now())
        case = Case.objects.get(pk=case.pk)
        for actor in (promotion.calibrator, world_a.hr, world_a.owner):
            with pytest.raises(ValidationError, match="is closed: it takes no more decisions"):
                services.decide(
                    actor=actor,
                    case=case,
                    decision=Decision.PROMOTED,
                    rationale="Yes.",
                    lock_version=case.lock_version,
                )
        assert Case.objects.get(pk=case.pk).state == CaseState.CALIBRATION


def test_a_round_needs_a_name_an_ordered_window_and_tracks(world_a):
    with world_a.scope():
        today = local_today(world_a.hr)
        with pytest.raises(ValidationError) as error:
            services.save_round(
                actor=world_a.hr,
                round_=Round(name="", opens_on=today, closes_on=today - timedelta(days=1)),
                tracks=[],
            )
        assert set(error.value.message_dict) == {"name", "closes_on", "tracks"}
        assert not Round.objects.exists()
        with pytest.raises(ValidationError, match="Only HR"):
            open_round(world_a).name and services.save_round(
                actor=world_a.manager, round_=Round(name="x"), tracks=[]
            )


def test_moving_a_whole_round_to_calibration(world_a):
    with world_a.scope():
        promotion = promotion_of(world_a)
        moved = services.move_round_to_calibration(actor=world_a.hr, round_=promotion.round)
        assert moved == 1
        assert Case.objects.get(pk=promotion.case.pk).state == CaseState.CALIBRATION


def test_endorsements_are_written_by_the_endorser_only(world_a):
    with world_a.scope():
        promotion = promotion_of(world_a)
        with pytest.raises(ValidationError, match="Only the person asked"):
            services.write_endorsement(
                actor=world_a.member, endorsement=promotion.endorsement, body="Hi"
            )
        services.write_endorsement(
            actor=promotion.endorser, endorsement=promotion.endorsement, body="Great mentor."
        )
        promotion.endorsement.refresh_from_db()
        assert promotion.endorsement.body == "Great mentor."
        assert OutboxMessage.objects.filter(
            recipient=promotion.endorser, kind="career.endorsement_requested"
        ).exists()


def test_a_case_only_on_a_track_the_round_covers(world_a):
    with world_a.scope():
        round_ = open_round(world_a)
        round_.tracks.clear()
        with pytest.raises(ValidationError) as error:
            services.open_case(actor=world_a.manager, round_=round_, subject=world_a.report)
        assert f"does not cover the track “{world_a.framework.track.name}”" in str(error.value)
        assert not Case.objects.exists()
