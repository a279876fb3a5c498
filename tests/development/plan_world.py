"""A development plan for every test organization.

The report's plan, agreed with their manager (so it has a review date): aspirations, a
focus, a private goal with a milestone and a learning item, a goal shared with the team,
a learning item for a competency, a comment and a review. The report and the manager are
its two people; the owner is the manager's manager (skip-level); HR reads the outline;
the member is a teammate (same team) who sees only the shared goal.
"""

from dataclasses import dataclass
from datetime import timedelta

from development.models import (
    DevelopmentPlan,
    Goal,
    LearningItem,
    Milestone,
    PlanComment,
    PlanReview,
)
from development.services import plans
from perfapp.timezones import local_today


@dataclass
class PlanWorld:
    plan: DevelopmentPlan  # the report's, agreed with the manager
    goal: Goal  # private to the report and the manager
    shared_goal: Goal  # shared with the team
    milestone: Milestone  # of the private goal
    learning: LearningItem  # for the private goal
    competency_learning: LearningItem  # for the focus competency
    comment: PlanComment  # the manager's
    review: PlanReview


def build_plans(world) -> PlanWorld:
    craft, teamwork = world.framework.competency, world.framework.other_competency
    report, manager = world.report, world.manager
    slug = world.organization.slug
    with world.scope():
        plan = plans.save_plan(
            actor=report,
            owner=report,
            expected_version=0,
            aspirations=f"Lead the design of a service within two years ({slug}).",
            target_level=world.framework.next_level,
            focus=[teamwork],
        )
        today = local_today(report)
        goal = plans.add_goal(
            actor=report,
            plan=plan,
            title=f"Private goal of {slug}: run a design review",
            why="Designing with others is what the next level asks.",
            success_criteria="Two design reviews held, notes shared.",
            competencies=[teamwork],
            start_on=today,
            target_on=today + timedelta(days=60),
        )
        shared_goal = plans.add_goal(
            actor=report,
            plan=plan,
            title=f"Shared goal of {slug}: write the testing guide",
            success_criteria="The guide is merged and the team uses it.",
            competencies=[craft],
            start_on=today,
            target_on=today + timedelta(days=30),
            visibility="team",
        )
        milestone = plans.add_milestone(actor=report, goal=goal, title="Book the first review")
        learning = plans.add_learning(
            actor=report, plan=plan, kind="book", title="A book on design reviews", goal=goal
        )
        competency_learning = plans.add_learning(
            actor=manager,
            plan=plan,
            kind="course",
            title="Facilitation course",
            competency=teamwork,
        )
        plan.refresh_from_db()
        plan.owner = report
        comment = plans.comment_on_plan(actor=manager, plan=plan, body="Let's agree this.")
        plan = plans.sign_plan(actor=report, plan=plan, expected_version=plan.version)
        plan = plans.sign_plan(actor=manager, plan=plan, expected_version=plan.version)
        review = plans.record_review(
            actor=manager,
            plan=plan,
            what_changed="First review: all on track.",
            next_review_on=today + timedelta(days=90),
        )
        plan.refresh_from_db()
        plan.owner = report
    return PlanWorld(
        plan, goal, shared_goal, milestone, learning, competency_learning, comment, review
    )


def plans_snapshot(organization) -> dict:
    """Everything of development plans a leaked write could change (for the isolation
    sweep). Call it with scopes disabled."""
    from development.models import DevelopmentSettings, PlanEvent

    org = organization
    return {
        "plans": sorted(
            DevelopmentPlan.objects.filter(organization=org).values_list(
                "id",
                "aspirations",
                "status",
                "version",
                "owner_signed_at",
                "manager_signed_at",
                "next_review_on",
            )
        ),
        "plan_events": PlanEvent.objects.filter(organization=org).count(),
        "plan_comments": PlanComment.objects.filter(organization=org).count(),
        "plan_reviews": PlanReview.objects.filter(organization=org).count(),
        "goals": sorted(
            Goal.objects.filter(organization=org).values_list(
                "id", "title", "status", "target_on", "progress_mode", "manual_progress"
            )
        ),
        "milestones": sorted(
            Milestone.objects.filter(organization=org).values_list("id", "title", "done_at")
        ),
        "learning": sorted(
            LearningItem.objects.filter(organization=org).values_list("id", "title", "status")
        ),
        "growth_settings": list(
            DevelopmentSettings.objects.filter(organization=org).values_list(
                "review_every_months", flat=True
            )
        ),
    }
