"""Fairness of promotions (issue #16): who may calibrate a round, one open case per person
and level, closing a round deliberately, outcomes that never move one decision at a time,
the audit of calibration-group changes, and a decide form that keeps what was typed.

The permission matrix of the subject in every role is in test_promotion_permissions.py;
a promotion taking effect is in test_promotion_effect.py."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from advancement.models import Case, CaseState, Decision, Round
from advancement.services import placements as placement_services
from advancement.services import promotions as services
from perfapp.audit.models import AuditEvent
from perfapp.notifications.models import OutboxMessage
from perfapp.timezones import local_today

from ..factories import MembershipFactory
from .promotion_world import open_round, promotion_of
from .test_promotion_pages import _decided_cases


def page(world, name, **kwargs):
    return reverse(f"advancement:{name}", kwargs={"org_slug": world.organization.slug, **kwargs})


def api(world, name, **kwargs):
    return reverse(f"api:{name}", kwargs={"org_slug": world.organization.slug, **kwargs})


def group_of(round_) -> set[int]:
    return set(Round.objects.get(pk=round_.pk).calibration_group.values_list("pk", flat=True))


def in_calibration(world) -> Case:
    case = promotion_of(world).case
    return services.move_to_calibration(actor=world.hr, case=case, lock_version=case.lock_version)


def placed_report_of(world, **extra):
    """A new report of the world's manager, placed at L1."""
    person = MembershipFactory(organization=world.organization, manager=world.manager, **extra)
    with world.scope():
        placement_services.place(actor=world.hr, membership=person, level=world.framework.level)
    return person


# --- nobody calibrates a round they are a candidate of -------------------------------------


def test_the_issue_hr_cannot_put_the_subject_in_the_group_and_the_subject_cannot_decide(
    world_a, login, api_as
):
    """The reproduction: HR added the subject to the calibration group, then the subject
    POSTed …/promotion-cases/<id>/decide/ and it succeeded."""
    promotion = promotion_of(world_a)
    with world_a.scope():
        case = in_calibration(world_a)
    hr = api_as(world_a.hr)
    refused = hr.patch(
        api(world_a, "promotion-round-detail", pk=promotion.round.pk),
        {"calibration_group": [promotion.calibrator.pk, world_a.report.pk]},
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"]["calibration_group"][0]["message"] == (
        f"{world_a.report.name} has a case in this round, so they cannot calibrate it. "
        "Take them out of the calibration group."
    )
    with world_a.scope():
        assert group_of(promotion.round) == {promotion.calibrator.pk}
        # A round set up before the rule may hold them: they still cannot decide.
        promotion.round.calibration_group.add(world_a.report)
    decide = {"decision": "promoted", "rationale": "Ready.", "lock_version": case.lock_version}
    response = api_as(world_a.report).post(
        api(world_a, "promotion-case-decide", pk=case.pk), decide, format="json"
    )
    assert response.status_code == 400
    with world_a.scope():
        assert Case.objects.get(pk=case.pk).state == CaseState.CALIBRATION


def test_the_round_form_refuses_a_candidate_in_the_group_next_to_the_field(world_a, login):
    promotion = promotion_of(world_a)
    with world_a.scope():
        round_ = promotion.round
        data = {
            "name": round_.name,
            "opens_on": str(round_.opens_on),
            "closes_on": str(round_.closes_on),
            "tracks": [world_a.framework.track.pk],
            "calibration_group": [promotion.calibrator.pk, world_a.report.pk],
        }
    response = login(world_a.hr).post(page(world_a, "promotion_round", pk=round_.pk), data)
    assert response.status_code == 400
    field = response.context["form"]["calibration_group"]
    assert field.errors == [
        f"{world_a.report.name} has a case in this round, so they cannot calibrate it. "
        "Take them out of the calibration group."
    ]
    with world_a.scope():
        assert group_of(round_) == {promotion.calibrator.pk}


def test_a_case_for_someone_in_the_calibration_group_is_refused(world_a, api_as):
    """The rule the other way round: a calibrator of the round cannot become one of its
    candidates; HR takes them out of the group first."""
    promotion = promotion_of(world_a)
    calibrator = promotion.calibrator
    with world_a.scope():
        calibrator.manager = world_a.manager
        calibrator.save(update_fields=["manager"])
        placement_services.place(
            actor=world_a.hr, membership=calibrator, level=world_a.framework.level
        )
        with pytest.raises(ValidationError) as error:
            services.open_case(actor=world_a.manager, round_=promotion.round, subject=calibrator)
        assert error.value.message_dict["subject"] == [
            f"{calibrator.name} calibrates “{promotion.round.name}”, so they cannot have a "
            "case in it. HR takes them out of its calibration group first."
        ]
    response = api_as(world_a.manager).post(
        api(world_a, "promotion-case-list"),
        {"round": promotion.round.pk, "subject": calibrator.pk},
        format="json",
    )
    assert "calibrates" in response.json()["error"]["fields"]["subject"][0]["message"]
    with world_a.scope():
        assert not Case.objects.filter(subject=calibrator).exists()


def test_an_hr_admin_with_a_case_takes_no_part_in_calibrating_that_round(world_a, login):
    """Deciding a rival's case is a conflict too: an HR admin who is a candidate of the
    round neither decides its other cases nor reads its calibration page; the owner does."""
    promotion = promotion_of(world_a)
    with world_a.scope():
        placement_services.place(
            actor=world_a.owner, membership=world_a.hr, level=world_a.framework.level
        )
        services.open_case(
            actor=world_a.owner, round_=promotion.round, subject=world_a.hr, summary="Ready."
        )
        case = services.move_to_calibration(actor=world_a.owner, case=promotion.case)
        with pytest.raises(ValidationError, match="You have a case in"):
            services.decide(
                actor=world_a.hr,
                case=case,
                decision=Decision.PROMOTED,
                rationale="Yes.",
                lock_version=case.lock_version,
            )
        with pytest.raises(ValidationError, match="You have a case in"):
            services.add_note(actor=world_a.hr, case=case, body="A rival's note.")
        with pytest.raises(ValidationError, match="so you cannot change it"):
            services.save_round(
                actor=world_a.hr,
                round_=promotion.round,
                tracks=[world_a.framework.track],
                calibration_group=[world_a.member],
            )
    hr = login(world_a.hr)
    assert hr.get(page(world_a, "promotion_calibration", pk=promotion.round.pk)).status_code == 404
    listing = hr.get(page(world_a, "promotion_rounds")).content.decode()
    assert "You have a case in this round: another HR admin or the owner runs it." in listing
    assert page(world_a, "promotion_calibration", pk=promotion.round.pk) not in listing
    assert (
        "Record decision"
        not in hr.get(page(world_a, "promotion_case", pk=case.pk)).content.decode()
    )
    with world_a.scope():
        decided = services.decide(
            actor=world_a.owner,
            case=case,
            decision=Decision.NOT_YET,
            rationale="Close.",
            not_yet_criteria=[case.packet["criteria"][0]["id"]],
            lock_version=case.lock_version,
        )
        assert decided.state == CaseState.DECIDED


def test_a_calibrator_who_is_also_a_candidate_reads_no_rival_case_or_readiness(world_a, login):
    """A round set up before the rule may hold a candidate in its group: they read neither
    the other cases of the round nor their subjects' readiness."""
    promotion = promotion_of(world_a)
    calibrator = promotion.calibrator
    with world_a.scope():
        promotion.round.calibration_group.remove(calibrator)
        calibrator.manager = world_a.manager
        calibrator.save(update_fields=["manager"])
        placement_services.place(
            actor=world_a.hr, membership=calibrator, level=world_a.framework.level
        )
        services.open_case(actor=world_a.manager, round_=promotion.round, subject=calibrator)
        promotion.round.calibration_group.add(calibrator)
    client = login(calibrator)
    assert client.get(page(world_a, "promotion_case", pk=promotion.case.pk)).status_code == 404
    readiness = page(world_a, "readiness", member_id=world_a.report.pk)
    assert client.get(readiness).status_code == 404
    assert (
        client.get(page(world_a, "promotion_calibration", pk=promotion.round.pk)).status_code == 404
    )


# --- one open case per person and target level ----------------------------------------------


def test_a_second_open_case_for_the_same_level_in_another_round_is_refused(world_a, api_as):
    promotion = promotion_of(world_a)
    with world_a.scope():
        other = open_round(world_a, name="Autumn round")
        with pytest.raises(ValidationError) as error:
            services.open_case(actor=world_a.manager, round_=other, subject=world_a.report)
        assert error.value.messages == [
            f"{world_a.report.name} already has an open case for L2 Senior in "
            f"“{promotion.round.name}”. It is decided before another case for that level opens."
        ]
        assert Case.objects.filter(subject=world_a.report).count() == 1
    response = api_as(world_a.manager).post(
        api(world_a, "promotion-case-list"),
        {"round": other.pk, "subject": world_a.report.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "already has an open case for L2 Senior" in response.json()["error"]["message"]
    # Once the first is decided, a new case for the same level opens.
    with world_a.scope():
        case = in_calibration(world_a)
        services.decide(
            actor=world_a.hr,
            case=case,
            decision=Decision.NOT_YET,
            rationale="Close.",
            not_yet_criteria=[case.packet["criteria"][0]["id"]],
            lock_version=case.lock_version,
        )
        assert services.open_case(actor=world_a.manager, round_=other, subject=world_a.report)


def test_the_database_refuses_a_second_open_case_for_the_same_level(world_a):
    promotion = promotion_of(world_a)
    with world_a.scope():
        other = Round.objects.create(
            organization=world_a.organization,
            name="Written directly",
            opens_on=promotion.round.opens_on,
            closes_on=promotion.round.closes_on,
        )
        first = promotion.case
        fields = {
            f.name: getattr(first, f.name)
            for f in Case._meta.concrete_fields
            if f.name not in ("id", "round", "created_at", "updated_at")
        }
        with pytest.raises(IntegrityError), transaction.atomic():
            Case.objects.create(**{**fields, "round": other, "state": CaseState.DRAFT})
        # A decided one is history, not an open case.
        Case.objects.create(**{**fields, "round": other, "state": CaseState.DECIDED})


# --- closing a round is deliberate ----------------------------------------------------------


def test_closing_a_round_with_undecided_cases_is_refused_until_they_are_resolved(
    world_a, login, api_as
):
    promotion = promotion_of(world_a)
    hr = login(world_a.hr)
    close = page(world_a, "promotion_round_close", pk=promotion.round.pk)
    confirm = hr.get(close).content.decode()
    assert "1 case is not decided yet (1 submitted)" in confirm
    assert "Close the round" in confirm
    refused = hr.post(close, {})
    assert refused.status_code == 400
    assert "1 case is not decided yet (1 submitted). Decide them first" in (
        refused.content.decode()
    )
    no_rationale = hr.post(close, {"resolve_remaining": "on", "rationale": " "})
    assert no_rationale.status_code == 400
    assert no_rationale.context["form"]["rationale"].errors == [
        "Write the rationale the people with remaining cases read with their “not yet”."
    ]
    api_refused = api_as(world_a.hr).post(
        api(world_a, "promotion-round-close", pk=promotion.round.pk), {}, format="json"
    )
    assert "not decided yet" in api_refused.json()["error"]["message"]
    with world_a.scope():
        assert Round.objects.get(pk=promotion.round.pk).closed_at is None
        assert Case.objects.get(pk=promotion.case.pk).state == CaseState.SUBMITTED
    done = hr.post(close, {"resolve_remaining": "on", "rationale": "Not this round: next spring."})
    assert done.status_code == 302
    with world_a.scope():
        case = Case.objects.get(pk=promotion.case.pk)
        assert (case.state, case.decision, case.rationale) == (
            CaseState.DECIDED,
            Decision.NOT_YET,
            "Not this round: next spring.",
        )
        assert case.decided_by == world_a.hr
        assert Round.objects.get(pk=promotion.round.pk).closed_at is not None
        event = AuditEvent.objects.get(action="promotion.round_closed")
        assert event.changes["resolved_as_not_yet"] == [None, 1]
        assert OutboxMessage.objects.filter(
            recipient=world_a.report, occasion=f"case:{case.pk}:decided"
        ).exists()


def test_a_closed_round_is_reopened_by_hr_with_a_reason(world_a, login):
    promotion = promotion_of(world_a)
    with world_a.scope():
        services.close_round(
            actor=world_a.hr, round_=promotion.round, resolve_remaining=True, rationale="Over."
        )
    hr = login(world_a.hr)
    reopen = page(world_a, "promotion_round_reopen", pk=promotion.round.pk)
    assert "Why reopen it" in hr.get(reopen).content.decode()
    refused = hr.post(reopen, {"reason": ""})
    assert refused.status_code == 400
    assert "Say why: the reason is kept in the audit log." in refused.content.decode()
    with world_a.scope():
        assert Round.objects.get(pk=promotion.round.pk).closed_at is not None
    assert hr.post(reopen, {"reason": "One appeal to hear."}).status_code == 302
    with world_a.scope():
        assert Round.objects.get(pk=promotion.round.pk).closed_at is None
        event = AuditEvent.objects.get(action="promotion.round_reopened")
        assert event.actor == world_a.hr
        assert event.changes["reason"] == [None, "One appeal to hear."]
    # The calibration group reads the round again.
    calibrator = login(promotion.calibrator)
    calibration = page(world_a, "promotion_calibration", pk=promotion.round.pk)
    assert calibrator.get(calibration).status_code == 200


# --- published outcomes never move one decision at a time ----------------------------------


def _open_round_with_decisions(world, decided: int) -> Case:
    """The world's round, open, with ``decided`` decided cases into L2 and the world's
    case in calibration."""
    promotion = promotion_of(world)
    with world.scope():
        framework = world.framework
        people = MembershipFactory.create_batch(decided, organization=world.organization)
        Case.objects.bulk_create(
            Case(
                organization=world.organization,
                round=promotion.round,
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
                decision=Decision.PROMOTED,
                rationale="…",
                submitted_at=timezone.now(),
            )
            for person in people
        )
        return in_calibration(world)


def test_deciding_one_more_case_in_an_open_round_changes_no_outcome(world_a, login, api_as):
    _decided_cases(world_a, 5, promoted=3)  # "Last autumn", closed
    case = _open_round_with_decisions(world_a, 5)
    outcomes = page(world_a, "promotion_outcomes")
    before_page = login(world_a.member).get(outcomes).content.decode()
    before_api = api_as(world_a.member).get(api(world_a, "promotion-outcomes-list")).json()
    assert "3 of 5 cases" in before_page and "Last autumn" in before_page
    with world_a.scope():
        services.decide(
            actor=world_a.hr,
            case=case,
            decision=Decision.PROMOTED,
            rationale="Operates at L2.",
            lock_version=case.lock_version,
        )
    after_api = api_as(world_a.member).get(api(world_a, "promotion-outcomes-list")).json()
    after_page = login(world_a.member).get(outcomes).content.decode()
    assert after_api == before_api
    assert "3 of 5 cases" in after_page and "6 of 6" not in after_page
    assert after_api["last_round"] == "Last autumn"


def test_outcomes_skip_a_closed_round_with_a_case_still_undecided(world_a, api_as):
    _decided_cases(world_a, 5, promoted=3)
    _open_round_with_decisions(world_a, 5)
    with world_a.scope():  # closed as rounds could be closed before: a case undecided
        Round.objects.filter(pk=promotion_of(world_a).round.pk).update(closed_at=timezone.now())
    data = api_as(world_a.member).get(api(world_a, "promotion-outcomes-list")).json()
    assert data["last_round"] == "Last autumn"
    assert [row["promoted"] for row in data["levels"] if row["code"] == "L2"] == [3]


def test_outcomes_follow_the_projects_one_small_group_threshold(world_a, api_as, monkeypatch):
    """Outcomes hide small groups with analytics' threshold, not a second constant: a
    group of four shows once the project's threshold is four."""
    from perfapp import small_groups

    _decided_cases(world_a, 4, promoted=2)
    outcomes = api(world_a, "promotion-outcomes-list")
    hidden = api_as(world_a.member).get(outcomes).json()
    assert [row["promoted"] for row in hidden["levels"] if row["code"] == "L2"] == [None]
    monkeypatch.setattr(small_groups, "MIN_GROUP", 4)
    shown = api_as(world_a.member).get(outcomes).json()
    assert shown["min_group"] == 4
    assert [row["promoted"] for row in shown["levels"] if row["code"] == "L2"] == [2]


# --- the audit names who joined and who left the calibration group -------------------------


def test_calibration_group_changes_name_who_was_added_and_removed(world_a):
    promotion = promotion_of(world_a)
    with world_a.scope():
        round_ = Round.objects.get(pk=promotion.round.pk)
        services.save_round(
            actor=world_a.hr,
            round_=round_,
            tracks=[world_a.framework.track],
            calibration_group=[world_a.member, world_a.owner],
        )
        event = AuditEvent.objects.filter(action="promotion.round_saved").order_by("-id").first()
        added = ", ".join(sorted([world_a.member.name, world_a.owner.name]))
        assert event.changes["calibration_group_added"] == [None, added]
        assert event.changes["calibration_group_removed"] == [None, promotion.calibrator.name]
        assert event.changes["calibration_group"] == [1, 2]


# --- the decide form ------------------------------------------------------------------------


def test_the_decide_form_keeps_what_was_typed_and_says_what_is_missing(world_a, login):
    with world_a.scope():
        case = in_calibration(world_a)
    hr = login(world_a.hr)
    decide = page(world_a, "promotion_case_decide", pk=case.pk)
    rationale = "Strong on craft; the mentoring evidence is thin."
    no_choice = hr.post(decide, {"rationale": rationale, "lock_version": case.lock_version})
    assert no_choice.status_code == 400
    form = no_choice.context["decision_form"]
    assert form["decision"].errors == ["Choose promoted or not yet."]
    text = no_choice.content.decode()
    assert rationale in text  # kept
    assert "This field is required." not in text
    no_criteria = hr.post(
        decide,
        {"decision": "not_yet", "rationale": rationale, "lock_version": case.lock_version},
    )
    assert no_criteria.status_code == 400
    assert no_criteria.context["decision_form"]["not_yet_criteria"].errors == [
        "Choose the criteria to work on before the next round."
    ]
    assert rationale in no_criteria.content.decode()
    past = hr.post(
        decide,
        {
            "decision": "promoted",
            "rationale": rationale,
            "effective_on": str(local_today(world_a.organization) - timedelta(1)),
            "lock_version": case.lock_version,
        },
    )
    assert past.status_code == 400
    assert "or a later day" in past.context["decision_form"]["effective_on"].errors[0]
    with world_a.scope():
        assert Case.objects.get(pk=case.pk).state == CaseState.CALIBRATION


def test_the_decide_form_marks_not_yet_criteria_required_and_uses_chip_radios(world_a, login):
    with world_a.scope():
        case = in_calibration(world_a)
    text = login(world_a.hr).get(page(world_a, "promotion_case", pk=case.pk)).content.decode()
    form = text[text.index('id="decide-title"') : text.index("Record decision")]
    assert 'Criteria to work on <span class="label-note">(required for “not yet”)</span>' in form
    assert "(optional)" not in form
    assert '<div class="field field-choices">' in form  # the decision's chip radios
    assert 'type="radio" name="decision" value="promoted"' in form


def test_the_subject_is_told_how_many_endorsements_exist_not_that_there_are_none(world_a, login):
    promotion = promotion_of(world_a)
    text = login(world_a.report).get(page(world_a, "promotion_case", pk=promotion.case.pk))
    text = text.content.decode()
    assert "No endorsements asked for" not in text
    assert "1 colleague was asked to endorse you." in text
    with world_a.scope():
        services.write_endorsement(
            actor=promotion.endorser, endorsement=promotion.endorsement, body="Quietly brilliant."
        )
    text = login(world_a.report).get(page(world_a, "promotion_case", pk=promotion.case.pk))
    text = text.content.decode()
    assert "1 colleague was asked to endorse you; 1 wrote one." in text
    assert "Quietly brilliant." not in text
