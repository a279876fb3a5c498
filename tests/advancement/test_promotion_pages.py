"""Promotion pages end to end: nominate, submit, calibrate, decide; the employee reads the
decision and the "not yet" criteria land in their development plan; outcomes shown only
for groups of at least five; the calibration page's query budget at 10 and 300 cases."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from advancement.models import (
    CalibrationNote,
    Case,
    CaseState,
    Decision,
    Endorsement,
    Placement,
    Round,
)
from advancement.services import promotions as services
from development.models import Goal
from perfapp.audit.models import AuditEvent
from perfapp.notifications.models import OutboxMessage
from perfapp.timezones import local_today

from ..factories import MembershipFactory
from ..helpers import org_url
from .promotion_world import open_round, promotion_of


def test_a_manager_nominates_through_the_page_and_a_wrong_second_nomination_is_refused(
    world_a, login
):
    with world_a.scope():
        round_ = open_round(world_a)
    client = login(world_a.manager)
    page = client.get(org_url("advancement:promotion_case_new", org=world_a, pk=round_.pk))
    assert world_a.report.name in page.content.decode()
    response = client.post(
        org_url("advancement:promotion_case_new", org=world_a, pk=round_.pk),
        {"subject": world_a.report.pk, "summary": "Leads the platform."},
    )
    with world_a.scope():
        case = Case.objects.get()
    assert response.status_code == 302
    assert case.target_level_label == "L2 Senior"
    again = client.post(
        org_url("advancement:promotion_case_new", org=world_a, pk=round_.pk),
        {"subject": world_a.report.pk},
    )
    assert again.status_code == 400
    assert "already has a case in" in again.content.decode()
    with world_a.scope():
        assert Case.objects.count() == 1


def test_hr_calibrates_and_decides_not_yet_and_the_criteria_land_in_the_plan(world_a, login):
    promotion = promotion_of(world_a)
    hr = login(world_a.hr)
    calibration = hr.get(
        org_url("advancement:promotion_calibration", org=world_a, pk=promotion.round.pk)
    )
    assert world_a.report.name in calibration.content.decode()
    hr.post(org_url("advancement:promotion_round_calibrate", org=world_a, pk=promotion.round.pk))
    with world_a.scope():
        case = Case.objects.get(pk=promotion.case.pk)
        goals_before = Goal.objects.filter(plan__owner=world_a.report).count()
    assert case.state == CaseState.CALIBRATION
    chosen = case.packet["criteria"][1]
    page = hr.get(org_url("advancement:promotion_case", org=world_a, pk=case.pk)).content.decode()
    assert "Record decision" in page
    # Without a rationale: refused, nothing changed.
    hr.post(
        org_url("advancement:promotion_case_decide", org=world_a, pk=case.pk),
        {"decision": "not_yet", "rationale": "", "lock_version": case.lock_version},
    )
    with world_a.scope():
        assert Case.objects.get(pk=case.pk).state == CaseState.CALIBRATION
    response = hr.post(
        org_url("advancement:promotion_case_decide", org=world_a, pk=case.pk),
        {
            "decision": "not_yet",
            "rationale": "Close: lead one more design end to end.",
            "not_yet_criteria": [chosen["id"]],
            "lock_version": case.lock_version,
        },
    )
    assert response.status_code == 302
    with world_a.scope():
        case.refresh_from_db()
        assert case.decision == Decision.NOT_YET
        goals = Goal.objects.filter(plan__owner=world_a.report)
        assert goals.count() == goals_before + 1
        goal = goals.order_by("-id").first()
        assert goal.title == f"Toward L2 Senior: {chosen['competency']}"
        assert goal.success_criteria == chosen["expectation"]
        assert list(goal.competencies.values_list("pk", flat=True)) == [chosen["competency_id"]]
        assert OutboxMessage.objects.filter(
            recipient=world_a.report, occasion=f"promotion:{case.pk}:goals"
        ).exists()
    # The employee reads the decision and the rationale, on the case and "My promotion".
    report = login(world_a.report)
    mine = report.get(org_url("advancement:promotions", org=world_a)).content.decode()
    assert "Close: lead one more design end to end." in mine
    page = report.get(
        org_url("advancement:promotion_case", org=world_a, pk=case.pk)
    ).content.decode()
    assert "Decision: Not yet" in page
    assert chosen["expectation"] in page
    assert "Calibration notes" not in page


def test_a_not_yet_decision_starts_a_plan_for_someone_without_one(world_a):
    with world_a.scope():
        person = MembershipFactory(organization=world_a.organization, manager=world_a.manager)
        from advancement.services import placements as placement_services

        placement_services.place(actor=world_a.hr, membership=person, level=world_a.framework.level)
        round_ = open_round(world_a)
        case = services.open_case(
            actor=world_a.manager, round_=round_, subject=person, summary="Growing fast."
        )
        case = services.submit_case(
            actor=world_a.manager, case=case, lock_version=case.lock_version
        )
        case = services.move_to_calibration(actor=world_a.hr, case=case)
        criteria = [c["id"] for c in case.packet["criteria"]]
        services.decide(
            actor=world_a.hr,
            case=case,
            decision=Decision.NOT_YET,
            rationale="Not yet.",
            not_yet_criteria=criteria,
            lock_version=case.lock_version,
        )
        goals = Goal.objects.filter(plan__owner=person)
        assert goals.count() == len(criteria) == 2
        assert goals.first().plan.status == "draft"


def test_a_promotion_adds_no_goals(world_a):
    promotion = promotion_of(world_a)
    with world_a.scope():
        before = Goal.objects.count()
        case = services.move_to_calibration(actor=world_a.hr, case=promotion.case)
        services.decide(
            actor=promotion.calibrator,
            case=case,
            decision=Decision.PROMOTED,
            rationale="Operates at L2.",
            lock_version=case.lock_version,
        )
        assert Goal.objects.count() == before


def test_a_promotion_decided_for_today_takes_effect_at_once(world_a, login):
    """The issue: a "promoted" decision left the person at their old level until HR
    remembered to place them, so next level, readiness and analytics were stale."""
    promotion = promotion_of(world_a)
    next_level = world_a.framework.next_level
    with world_a.scope():
        case = services.move_to_calibration(actor=world_a.hr, case=promotion.case)
    hr = login(world_a.hr)
    response = hr.post(
        org_url("advancement:promotion_case_decide", org=world_a, pk=case.pk),
        {
            "decision": "promoted",
            "rationale": "Operates at L2.",
            "effective_on": str(local_today(world_a.organization)),
            "lock_version": case.lock_version,
        },
    )
    assert response.status_code == 302
    with world_a.scope():
        case.refresh_from_db()
        assert Placement.objects.get(membership=world_a.report).level_id == next_level.pk
        assert case.applied_at is not None and case.applied_by is None  # perfapp, as decided
        placed = (
            AuditEvent.objects.filter(
                action="career.placement_changed", target_id=world_a.report.pk
            )
            .order_by("-id")
            .first()
        )
        assert placed.changes["level"] == [str(world_a.framework.level), str(next_level)]
        assert placed.changes["reason"] == [None, f"Promotion decided in “{promotion.round.name}”"]
        assert AuditEvent.objects.filter(action="promotion.applied", target_id=case.pk).exists()
    page = hr.get(org_url("advancement:promotion_case", org=world_a, pk=case.pk)).content.decode()
    assert "Took effect" in page
    assert f"{world_a.report.name} is placed at L2 Senior" in page
    # The person's next level is no longer the level they were just promoted to.
    report = login(world_a.report)
    assert (
        "L2 is the top of this track."
        in report.get(org_url("advancement:next_level", org=world_a)).content.decode()
    )
    assert (
        "Took effect"
        in report.get(
            org_url("advancement:promotion_case", org=world_a, pk=case.pk)
        ).content.decode()
    )


def test_hr_reverts_a_promotion_with_a_reason_and_the_subject_reads_it(world_a, login):
    promotion = promotion_of(world_a)
    with world_a.scope():
        case = services.move_to_calibration(actor=world_a.hr, case=promotion.case)
        case = services.decide(
            actor=world_a.hr,
            case=case,
            decision=Decision.PROMOTED,
            rationale="Operates at L2.",
            lock_version=case.lock_version,
        )
    hr = login(world_a.hr)
    revert = org_url("advancement:promotion_case_revert", org=world_a, pk=case.pk)
    refused = hr.post(revert, {"reason": "  ", "lock_version": case.lock_version})
    assert refused.status_code == 400
    assert "Say why: the reason is kept in the audit log." in refused.content.decode()
    with world_a.scope():
        assert Placement.objects.get(membership=world_a.report).level_id == (
            world_a.framework.next_level.pk
        )
        assert Case.objects.get(pk=case.pk).reverted_at is None
    done = hr.post(
        revert, {"reason": "Decided on the wrong packet.", "lock_version": case.lock_version}
    )
    assert done.status_code == 302
    with world_a.scope():
        case.refresh_from_db()
        assert Placement.objects.get(membership=world_a.report).level_id == (
            world_a.framework.level.pk
        )
        assert case.reverted_by == world_a.hr
        assert case.revert_reason == "Decided on the wrong packet."
        event = AuditEvent.objects.get(action="promotion.reverted", target_id=case.pk)
        assert event.changes["reason"] == [None, "Decided on the wrong packet."]
        assert OutboxMessage.objects.filter(
            recipient=world_a.report, occasion=f"case:{case.pk}:reverted"
        ).exists()
    page = (
        login(world_a.report)
        .get(org_url("advancement:promotion_case", org=world_a, pk=case.pk))
        .content.decode()
    )
    assert "Reverted" in page and "Decided on the wrong packet." in page
    # Reverted once: a second revert is refused with nothing changed.
    hr = login(world_a.hr)
    again = hr.post(revert, {"reason": "Again.", "lock_version": case.lock_version}, follow=True)
    assert "Only a promotion that took effect can be reverted." in again.content.decode()


# --- outcomes ---------------------------------------------------------------------------------


def _decided_cases(world, count: int, promoted: int) -> None:
    """``count`` decided cases into L2 in a past round (``promoted`` of them promoted)."""
    with world.scope():
        today = timezone.localdate()
        round_ = Round.objects.create(
            organization=world.organization,
            name="Last autumn",
            opens_on=today - timedelta(days=200),
            closes_on=today - timedelta(days=170),
            closed_at=timezone.now() - timedelta(days=160),
        )
        framework = world.framework
        people = MembershipFactory.create_batch(count, organization=world.organization)
        Case.objects.bulk_create(
            Case(
                organization=world.organization,
                round=round_,
                subject=person,
                version=framework.version,
                track_id=framework.track.pk,
                track_name=framework.track.name,
                from_level_id=framework.level.pk,
                from_level_label="L1 Engineer",
                target_level_id=framework.next_level.pk,
                target_level_label="L2 Senior",
                target_rank=2,
                state=CaseState.DECIDED,
                decision=Decision.PROMOTED if index < promoted else Decision.NOT_YET,
                rationale="…",
                submitted_at=timezone.now() - timedelta(days=180),
            )
            for index, person in enumerate(people)
        )


def _placed_at_first_level(world, count: int) -> None:
    with world.scope():
        people = MembershipFactory.create_batch(count, organization=world.organization)
        Placement.objects.bulk_create(
            Placement(
                organization=world.organization,
                membership=person,
                track=world.framework.track,
                level=world.framework.level,
            )
            for person in people
        )


def test_outcomes_are_shown_for_groups_of_five(world_a, login):
    _decided_cases(world_a, 5, promoted=3)
    _placed_at_first_level(world_a, 4)  # with the report: five at L1
    page = (
        login(world_a.member)
        .get(org_url("advancement:promotion_outcomes", org=world_a))
        .content.decode()
    )
    assert "3 of 5 cases" in page
    assert "(5 people)" in page
    assert "Last autumn" in page


def test_outcomes_of_groups_under_five_are_not_shown(world_a, login):
    _decided_cases(world_a, 4, promoted=2)
    _placed_at_first_level(world_a, 3)  # with the report: four at L1
    page = (
        login(world_a.member)
        .get(org_url("advancement:promotion_outcomes", org=world_a))
        .content.decode()
    )
    assert "2 of 4" not in page
    assert "(4 people)" not in page
    assert page.count("Not shown: fewer than 5 people") == 4  # both columns of L1 and L2


# --- calibration query budget ----------------------------------------------------------------


def _submitted_cases(world, round_, count: int) -> None:
    framework = world.framework
    people = MembershipFactory.create_batch(count, organization=world.organization)
    cases = Case.objects.bulk_create(
        Case(
            organization=world.organization,
            round=round_,
            subject=person,
            version=framework.version,
            track_id=framework.track.pk,
            track_name=framework.track.name,
            from_level_id=framework.level.pk,
            from_level_label="L1 Engineer",
            target_level_id=framework.next_level.pk,
            target_level_label="L2 Senior",
            target_rank=2,
            state=[CaseState.SUBMITTED, CaseState.CALIBRATION, CaseState.DECIDED][index % 3],
            decision=Decision.PROMOTED if index % 3 == 2 else "",
            criteria_total=2,
            criteria_with_evidence=index % 3,
            evidence_count=index,
            packet={"criteria": []},
        )
        for index, person in enumerate(people)
    )
    endorser = world.member
    Endorsement.objects.bulk_create(
        Endorsement(
            organization=world.organization,
            case=case,
            endorser=endorser,
            body="Yes.",
            submitted_at=timezone.now(),
        )
        for case in cases
    )
    CalibrationNote.objects.bulk_create(
        CalibrationNote(organization=world.organization, case=case, author=world.hr, body="Note")
        for case in cases
    )


@pytest.mark.parametrize("viewer", ["hr", "calibrator"])
def test_the_calibration_page_holds_its_query_budget_at_10_and_300_cases(
    viewer, world_a, login, django_assert_num_queries
):
    promotion = promotion_of(world_a)
    person = getattr(promotion, viewer, None) or getattr(world_a, viewer)
    client = login(person)
    page = org_url("advancement:promotion_calibration", org=world_a, pk=promotion.round.pk)
    with world_a.scope():
        _submitted_cases(world_a, promotion.round, 9)
    with CaptureQueriesContext(connection) as small:
        response = client.get(page)
    assert response.status_code == 200
    assert response.content.decode().count('class="case-link"') == 10
    with world_a.scope():
        _submitted_cases(world_a, promotion.round, 290)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(page)
    assert response.content.decode().count('class="case-link"') == 300
    assert "<svg" in response.content.decode()


def test_hr_opens_a_round_through_the_form_and_a_reversed_window_is_refused(world_a, login):
    client = login(world_a.hr)
    today = local_today(world_a.hr)
    data = {
        "name": "Autumn",
        "opens_on": str(today),
        "closes_on": str(today - timedelta(days=2)),
        "tracks": [world_a.framework.track.pk],
        "calibration_group": [world_a.member.pk],
    }
    refused = client.post(org_url("advancement:promotion_round_new", org=world_a), data)
    assert refused.status_code == 400
    assert "The round closes before it opens" in refused.content.decode()
    with world_a.scope():
        assert not Round.objects.exists()
    data["closes_on"] = str(today + timedelta(days=10))
    assert (
        client.post(org_url("advancement:promotion_round_new", org=world_a), data).status_code
        == 302
    )
    listing = client.get(org_url("advancement:promotion_rounds", org=world_a)).content.decode()
    assert "Autumn" in listing
    with world_a.scope():
        assert list(Round.objects.get().calibration_group.all()) == [world_a.member]


def test_a_draft_on_an_old_version_offers_a_refresh(world_a, login):
    from advancement.models import Criterion
    from advancement.services import framework as framework_services

    with world_a.scope():
        round_ = open_round(world_a)
        case = services.open_case(
            actor=world_a.manager, round_=round_, subject=world_a.report, summary="Ready."
        )
        framework_services.save_criterion(
            actor=world_a.hr,
            criterion=Criterion(
                level=world_a.framework.next_level, competency=None, expectation="Writes docs."
            ),
        )
        framework_services.publish(actor=world_a.hr, summary="One more criterion.")
    client = login(world_a.manager)
    page = client.get(
        org_url("advancement:promotion_case", org=world_a, pk=case.pk)
    ).content.decode()
    assert "Refresh to version 2" in page
    submitted = client.post(
        org_url("advancement:promotion_case_submit", org=world_a, pk=case.pk),
        {"lock_version": case.lock_version},
        follow=True,
    )
    assert "Refresh the case to version 2" in submitted.content.decode()
    with world_a.scope():
        assert Case.objects.get(pk=case.pk).state == CaseState.DRAFT
    client.post(
        org_url("advancement:promotion_case_refresh", org=world_a, pk=case.pk),
        {"lock_version": case.lock_version},
    )
    with world_a.scope():
        assert Case.objects.get(pk=case.pk).version.number == 2


def test_the_readiness_page_links_to_the_case(world_a, login):
    promotion = promotion_of(world_a)
    page = (
        login(world_a.report)
        .get(org_url("advancement:readiness_mine", org=world_a))
        .content.decode()
    )
    assert org_url("advancement:promotion_case", org=world_a, pk=promotion.case.pk) in page
    assert "Submitted" in page


def _more_rounds(world, count: int) -> None:
    today = local_today(world.hr)
    for index in range(count):
        open_round(world, name=f"Round {index}", opens_on=today - timedelta(days=index + 1))


@pytest.mark.parametrize(
    ("viewer", "name"),
    [("hr", "promotion_rounds"), ("manager", "promotions"), ("hr", "promotions")],
)
def test_list_pages_hold_their_query_budget(
    viewer, name, world_a, login, django_assert_num_queries
):
    promotion = promotion_of(world_a)
    client = login(getattr(world_a, viewer))
    with world_a.scope():
        _more_rounds(world_a, 1)
        _submitted_cases(world_a, promotion.round, 3)  # one of each state, one promoted
    with CaptureQueriesContext(connection) as small:
        assert client.get(org_url(f"advancement:{name}", org=world_a)).status_code == 200
    with world_a.scope():
        _more_rounds(world_a, 20)
        _submitted_cases(world_a, promotion.round, 40)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(org_url(f"advancement:{name}", org=world_a)).status_code == 200


def test_the_calibration_page_filters_by_state(world_a, login):
    promotion = promotion_of(world_a)
    with world_a.scope():
        _submitted_cases(world_a, promotion.round, 3)  # submitted, in calibration, decided
    client = login(world_a.hr)
    page = org_url("advancement:promotion_calibration", org=world_a, pk=promotion.round.pk)
    everything = client.get(page).content.decode()
    assert everything.count('class="case-link"') == 4
    decided = client.get(page, {"state": "decided"}).content.decode()
    assert decided.count('class="case-link"') == 1
    other_level = client.get(page, {"level": world_a.framework.level.pk}).content.decode()
    assert other_level.count('class="case-link"') == 0
    assert "No submitted cases match" in other_level
