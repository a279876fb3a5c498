"""Development plans through their services: drafting, signing and agreeing, edits after
agreement, stale edits, goals and their bad input, milestones, progress, learning,
reviews, the review cadence and the suggested focus."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from advancement.services import framework
from advancement.services import placements as placement_services
from development.models import (
    DevelopmentPlan,
    DevelopmentSettings,
    Goal,
    LearningItem,
    Milestone,
    PlanEvent,
    PlanReview,
    PlanStatus,
)
from development.selectors.plans import next_level_gaps
from development.services import plans
from perfapp.audit.models import AuditEvent
from perfapp.notifications.models import OutboxMessage
from perfapp.timezones import local_today

from ..factories import MembershipFactory


def new_report(world):
    """A new report of the manager, on the team, placed at L1 (next level: L2)."""
    person = MembershipFactory(
        organization=world.organization, manager=world.manager, team=world.team
    )
    with world.scope():
        placement_services.place(actor=world.hr, membership=person, level=world.framework.level)
        OutboxMessage.objects.all().delete()
    return person


def fresh(plan: DevelopmentPlan) -> DevelopmentPlan:
    owner = plan.owner
    plan = DevelopmentPlan.objects.get(pk=plan.pk)
    plan.owner = owner
    return plan


def test_a_plan_starts_with_its_owner_and_is_agreed_when_both_sign(world_a):
    world = world_a
    person = new_report(world)
    with world.scope():
        with pytest.raises(ValidationError, match="starts their own plan"):
            plans.save_plan(
                actor=world.manager, owner=person, expected_version=0, aspirations="For you."
            )
        assert not DevelopmentPlan.objects.filter(owner=person).exists()

        plan = plans.save_plan(
            actor=person,
            owner=person,
            expected_version=0,
            aspirations="Lead a team in two years.",
            focus=[world.framework.other_competency],
        )
        assert plan.version == 1 and plan.status == PlanStatus.DRAFT
        plan = plans.sign_plan(actor=person, plan=plan, expected_version=1)
        assert plan.owner_signed_at and not plan.manager_signed_at
        waiting = OutboxMessage.objects.get(recipient=world.manager, kind="development.plan")
        assert "your sign-off is the one missing" in waiting.title

        plan = plans.sign_plan(actor=world.manager, plan=plan, expected_version=1)
        assert plan.status == PlanStatus.AGREED and plan.agreed_at
        assert plan.manager_signed_by_id == world.manager.pk
        today = local_today(person)
        assert plan.next_review_on == plans.add_months(today, 3)
        assert OutboxMessage.objects.filter(recipient=person, kind="development.plan").exists()
        kinds = list(plan.events.order_by("id").values_list("kind", flat=True))
        assert kinds == ["created", "edited", "signed", "signed", "agreed"]
        audited = AuditEvent.objects.filter(action="development.plan_signed", target_id=plan.pk)
        assert audited.count() == 2
        for event in audited:  # who signed which version, never what the plan says
            assert "Lead a team" not in str(event.changes)
            assert set(event.changes) == {"signed_as", "version"}


def test_an_edit_after_agreement_clears_the_other_sign_off_and_is_in_the_history(world_a):
    world = world_a
    with world.scope():
        plan = fresh(world.plans.plan)
        assert plan.status == PlanStatus.AGREED
        plan = plans.save_plan(
            actor=world.manager,
            owner=world.report,
            expected_version=plan.version,
            aspirations="Lead the design of two services.",
            target_level=world.framework.next_level,
            focus=[world.framework.other_competency],
        )
        assert plan.status == PlanStatus.DRAFT and plan.agreed_at is None
        assert plan.owner_signed_at is None and plan.manager_signed_at is not None
        edit = plan.events.first()
        assert edit.actor_id == world.manager.pk and edit.kind == "edited"
        assert "aspirations" in edit.summary and "sign-off was cleared" in edit.summary
        told = OutboxMessage.objects.get(recipient=world.report, kind="development.plan")
        assert "sign it again" in told.title

        # The owner adds a goal: now the manager's sign-off goes too.
        plans.add_goal(
            actor=world.report,
            plan=plan,
            title="Write an RFC",
            success_criteria="Merged.",
            start_on=local_today(world.report),
            target_on=local_today(world.report) + timedelta(days=10),
        )
        plan = fresh(plan)
        assert plan.manager_signed_at is None and plan.owner_signed_at is None
        # Ticking a milestone is tracking, not a change to what was agreed.
        version = plan.version
        plans.set_milestone_done(actor=world.report, milestone=world.plans.milestone, done=True)
        assert fresh(plan).version == version


def test_a_stale_edit_or_sign_off_is_refused_and_changes_nothing(world_a):
    world = world_a
    with world.scope():
        plan = fresh(world.plans.plan)
        stale = plan.version
        plans.save_plan(
            actor=world.report,
            owner=world.report,
            expected_version=stale,
            aspirations="Mine, first.",
            focus=[world.framework.other_competency],
        )
        with pytest.raises(plans.StaleEdit) as refused:
            plans.save_plan(
                actor=world.manager,
                owner=world.report,
                expected_version=stale,
                aspirations="His, second.",
            )
        assert refused.value.fresh.aspirations == "Mine, first."
        assert "changed meanwhile" in refused.value.messages[0]
        assert fresh(plan).aspirations == "Mine, first."
        with pytest.raises(plans.StaleEdit):
            plans.sign_plan(actor=world.manager, plan=plan, expected_version=stale)
        # The report's edit cleared the manager's sign-off; the stale one did not restore it.
        assert fresh(plan).manager_signed_at is None and fresh(plan).owner_signed_at


def test_only_the_two_people_sign_or_change_a_plan(world_a):
    world = world_a
    with world.scope():
        plan = fresh(world.plans.plan)
        before = (plan.version, plan.aspirations, plan.owner_signed_at, plan.manager_signed_at)
        for outsider in (world.hr, world.owner, world.member):
            with pytest.raises(ValidationError, match="sign this plan"):
                plans.sign_plan(actor=outsider, plan=plan, expected_version=plan.version)
            with pytest.raises(ValidationError, match="can change this plan"):
                plans.comment_on_plan(actor=outsider, plan=plan, body="Hi")
        after = fresh(plan)
        assert (
            after.version,
            after.aspirations,
            after.owner_signed_at,
            after.manager_signed_at,
        ) == (before)


def test_goal_bad_input_is_refused_and_nothing_is_saved(world_a):
    world = world_a
    with world.scope():
        plan = fresh(world.plans.plan)
        count, version = Goal.objects.count(), plan.version
        today = local_today(world.report)
        with pytest.raises(ValidationError) as refused:
            plans.add_goal(
                actor=world.report,
                plan=plan,
                title="Backwards",
                success_criteria="Done.",
                start_on=today,
                target_on=today - timedelta(days=1),
            )
        assert "before the start" in refused.value.message_dict["target_on"][0]
        with pytest.raises(ValidationError) as refused:
            plans.add_goal(
                actor=world.report,
                plan=plan,
                title="",
                success_criteria="",
                start_on=today,
                target_on=today,
            )
        assert set(refused.value.message_dict) == {"title", "success_criteria"}
        with pytest.raises(ValidationError):
            plans.add_goal(
                actor=world.member,
                plan=plan,
                title="Not mine to add",
                success_criteria="Done.",
                start_on=today,
                target_on=today,
            )
        assert Goal.objects.count() == count and fresh(plan).version == version


def test_dropping_needs_a_reason_and_progress_stays_between_0_and_100(world_a):
    world = world_a
    with world.scope():
        goal = Goal.objects.select_related("plan").get(pk=world.plans.goal.pk)
        goal.plan.owner = world.report
        with pytest.raises(ValidationError) as refused:
            plans.set_goal_status(actor=world.report, goal=goal, status="dropped", reason=" ")
        assert "dropped_reason" in refused.value.message_dict
        for value in (-1, 101, None, True):
            with pytest.raises(ValidationError):
                plans.set_goal_progress(actor=world.report, goal=goal, mode="manual", value=value)
        goal.refresh_from_db()
        assert goal.status == "on_track" and goal.progress_mode == "milestones"

        plans.set_goal_status(
            actor=world.manager, goal=goal, status="dropped", reason="The team was reorganized."
        )
        goal.refresh_from_db()
        assert goal.status == "dropped" and goal.dropped_reason == "The team was reorganized."
        assert "reorganized" in goal.plan.events.first().summary


def test_milestones_drive_progress_unless_it_is_set_by_hand(world_a):
    world = world_a
    with world.scope():
        goal = Goal.objects.select_related("plan").get(pk=world.plans.goal.pk)
        goal.plan.owner = world.report
        second = plans.add_milestone(actor=world.manager, goal=goal, title="Hold the review")
        plans.set_milestone_done(actor=world.report, milestone=second, done=True)
        assert plans.progress_of(goal, 2, 1) == 50
        plans.set_goal_progress(actor=world.report, goal=goal, mode="manual", value=80)
        goal.refresh_from_db()
        assert plans.progress_of(goal, 2, 1) == 80
        plans.set_goal_status(actor=world.report, goal=goal, status="done")
        goal.refresh_from_db()
        assert plans.progress_of(goal, 2, 1) == 100 and goal.done_at is not None


def test_a_milestone_on_someone_elses_goal_is_refused(world_a):
    world = world_a
    with world.scope():
        goal = Goal.objects.select_related("plan").get(pk=world.plans.goal.pk)
        goal.plan.owner = world.report
        count = Milestone.objects.count()
        for outsider in (world.member, world.hr, world.owner):
            with pytest.raises(ValidationError):
                plans.add_milestone(actor=outsider, goal=goal, title="Sneaky")
        with pytest.raises(ValidationError):
            plans.set_milestone_done(actor=world.member, milestone=world.plans.milestone, done=True)
        assert Milestone.objects.count() == count
        assert Milestone.objects.get(pk=world.plans.milestone.pk).done_at is None


def test_learning_belongs_to_a_goal_of_the_plan_or_a_competency(world_a):
    world = world_a
    person = new_report(world)
    with world.scope():
        other_plan = plans.ensure_plan(person, person)
        plan = fresh(world.plans.plan)
        count = LearningItem.objects.count()
        with pytest.raises(ValidationError) as refused:
            plans.add_learning(actor=world.report, plan=plan, kind="book", title="Floating")
        assert "about" in refused.value.message_dict
        with pytest.raises(ValidationError):
            plans.add_learning(
                actor=person, plan=other_plan, kind="book", title="X", goal=world.plans.goal
            )
        with pytest.raises(ValidationError) as refused:
            plans.add_learning(
                actor=world.report,
                plan=plan,
                kind="book",
                title="Bad link",
                url="javascript:alert(1)",
                competency=world.framework.competency,
            )
        assert "url" in refused.value.message_dict
        assert LearningItem.objects.count() == count


def test_a_review_records_what_changed_and_the_next_date(world_a):
    world = world_a
    with world.scope():
        plan = fresh(world.plans.plan)
        today = local_today(world.manager)
        for bad in (None, today, today + timedelta(days=400)):
            with pytest.raises(ValidationError):
                plans.record_review(
                    actor=world.manager, plan=plan, what_changed="Fine.", next_review_on=bad
                )
        with pytest.raises(ValidationError):
            plans.record_review(
                actor=world.manager,
                plan=plan,
                what_changed=" ",
                next_review_on=today + timedelta(1),
            )
        count = PlanReview.objects.count()
        plans.record_review(
            actor=world.report,
            plan=plan,
            what_changed="The design goal moved to next quarter.",
            next_review_on=today + timedelta(days=60),
        )
        plan = fresh(plan)
        assert PlanReview.objects.count() == count + 1
        assert plan.next_review_on == today + timedelta(days=60) and plan.last_reviewed_at
        event = PlanEvent.objects.filter(plan=plan, kind="reviewed").first()
        assert "next quarter" in event.summary


def test_the_review_cadence_is_hr_s_and_audited(world_a):
    world = world_a
    with world.scope():
        with pytest.raises(ValidationError):
            plans.save_settings(actor=world.hr, review_every_months=13)
        with pytest.raises(ValidationError):
            plans.save_settings(actor=world.hr, review_every_months=0)
        assert DevelopmentSettings.of(world.organization).review_every_months == 3
        plans.save_settings(actor=world.hr, review_every_months=6)
        event = AuditEvent.objects.get(action="development.settings_changed")
        assert event.changes == {"review_every_months": [3, 6]}
        plans.save_settings(actor=world.hr, review_every_months=6)  # unchanged: no new event
        assert AuditEvent.objects.filter(action="development.settings_changed").count() == 1


def test_the_focus_is_suggested_from_next_level_gaps_but_chosen_freely(world_a):
    world = world_a
    person = new_report(world)
    craft, teamwork = world.framework.competency, world.framework.other_competency
    with world.scope():
        gaps = next_level_gaps(world.report, {craft.pk, teamwork.pk})
        assert gaps.next_level["code"] == "L2"
        # The report has feedback tagged with craft (shared with the manager): evidence.
        assert [(s.name, s.has_evidence) for s in gaps.suggestions] == [
            (teamwork.name, False),
            (craft.name, True),
        ]
        assert next_level_gaps(world.member, {craft.pk}).suggestions == []  # not placed
        # Any competency can be a focus, up to five.
        extra = [
            framework.save_competency(
                actor=world.hr,
                competency=type(craft)(name=f"Extra {i}", category="impact"),
            )
            for i in range(5)
        ]
        with pytest.raises(ValidationError, match="up to 5"):
            plans.save_plan(
                actor=person,
                owner=person,
                expected_version=0,
                aspirations="",
                focus=[craft, *extra],
            )
        plan = plans.save_plan(
            actor=person, owner=person, expected_version=0, aspirations="", focus=extra[:2]
        )
        assert set(plan.focus_competencies.all()) == set(extra[:2])


def test_a_change_perfapp_makes_asks_both_to_sign_again_in_plain_words(world_a):
    """Goals added after a promotion decision (no person acting): "Your development plan
    changed: sign it again", never "perfapp changed your development plan"."""
    world = world_a
    with world.scope():
        plan = fresh(world.plans.plan)
        assert plan.status == PlanStatus.AGREED
        plans.add_goal(
            actor=None,
            plan=plan,
            title="Toward L3: system design",
            success_criteria="Meet the criterion.",
            start_on=local_today(world.report),
            target_on=local_today(world.report) + timedelta(days=90),
        )
        told = {
            row.recipient_id: row.title
            for row in OutboxMessage.objects.filter(kind="development.plan")
        }
    assert told == {
        world.report.pk: "Your development plan changed: sign it again",
        world.manager.pk: f"{world.report.name}'s development plan changed: sign it again",
    }
