"""Demo development plans, made through the same services as the pages so their history
reads true.

In each demo organization (people in the seeder's order: 0 the owner, 1–3 team leads,
4 HR, then everyone else under a lead):

- 5 (Tom at Acme, reporting to Diego): an agreed plan aiming for the next level, a goal
  shared with the team half-way through its milestones, a private goal at risk, a goal
  done, learning items, a comment and a review.
- 6 (Aisha at Acme, reporting to Sam): a plan she drafted and signed, waiting for her
  manager's sign-off.
- 9 (Kwame at Acme, reporting to Sam): an agreed plan with a goal past its target date.
"""

from datetime import timedelta

from django.utils import timezone

from advancement.models import Competency, Level
from advancement.selectors.placements import placement_of
from development.models import (
    DevelopmentPlan,
    Goal,
    GoalStatus,
    GoalVisibility,
    LearningKind,
    LearningStatus,
)
from development.services import plans
from perfapp.orgs.models import Membership, Organization


def _competencies(*names: str) -> list[Competency]:
    found = {c.name: c for c in Competency.objects.filter(archived_at__isnull=True)}
    chosen = [found[name] for name in names if name in found]
    return chosen or list(found.values())[:1]


def _next_level(person: Membership) -> Level | None:
    placement = placement_of(person)
    if placement is None:
        return None
    return (
        Level.objects.filter(track_id=placement.track_id, rank__gt=placement.level.rank)
        .order_by("rank")
        .first()
    )


def _agree(plan: DevelopmentPlan, owner: Membership) -> DevelopmentPlan:
    plan = plans.sign_plan(actor=owner, plan=plan, expected_version=plan.version)
    plan.owner = owner
    return plans.sign_plan(actor=owner.manager, plan=plan, expected_version=plan.version)


def seed_plans(organization: Organization, members: list[Membership]) -> None:
    if len(members) < 10 or DevelopmentPlan.objects.exists():
        return
    today = timezone.now().date()
    _tom(members[5], today)
    _aisha(members[6], today)
    _kwame(members[9], today)


def _tom(owner: Membership, today) -> None:
    if owner.manager is None:
        return
    manager = owner.manager
    design, mentoring, craft = (
        _competencies("System design"),
        _competencies("Mentorship & growing others"),
        _competencies("Technical craft"),
    )
    plan = plans.save_plan(
        actor=owner,
        owner=owner,
        expected_version=0,
        aspirations="In two years I want to be the engineer who owns the design of a product "
        "area end to end, not only my tickets. I'd also like to get better at growing others: "
        "onboarding a new joiner last spring was the most rewarding part of my year.",
        target_level=_next_level(owner),
        focus=[*design, *mentoring],
    )
    sync = plans.add_goal(
        actor=owner,
        plan=plan,
        title="Design the offline sync for the mobile app",
        why="It is the design problem the team keeps postponing, and it is exactly the "
        "kind of cross-team design a senior engineer leads.",
        success_criteria="A design doc the platform and mobile teams both approved, and the "
        "first version shipped behind a flag.",
        competencies=design,
        start_on=today - timedelta(days=30),
        target_on=today + timedelta(days=60),
        visibility=GoalVisibility.TEAM,
    )
    for title, done in (
        ("Write the design doc", True),
        ("Review it with the platform team", True),
        ("Prototype the conflict resolution", False),
        ("Ship the first version behind a flag", False),
    ):
        milestone = plans.add_milestone(actor=owner, goal=sync, title=title)
        if done:
            plans.set_milestone_done(actor=owner, milestone=milestone, done=True)
    buddy = plans.add_goal(
        actor=manager,
        plan=plan,
        title="Onboarding buddy for the next new joiner",
        why="Growing others is half of the next level.",
        success_criteria="The new joiner ships their first change in their second week and "
        "says the onboarding helped.",
        competencies=mentoring,
        start_on=today - timedelta(days=10),
        target_on=today + timedelta(days=45),
    )
    plans.set_goal_progress(actor=owner, goal=buddy, mode="manual", value=30)
    plans.set_goal_status(actor=owner, goal=buddy, status=GoalStatus.AT_RISK)
    talk = plans.add_goal(
        actor=owner,
        plan=plan,
        title="Give an internal talk on how we test the apps",
        success_criteria="A 20-minute talk at the engineering all-hands, with the slides shared.",
        competencies=craft,
        start_on=today - timedelta(days=60),
        target_on=today - timedelta(days=20),
        visibility=GoalVisibility.TEAM,
    )
    plans.set_goal_status(actor=owner, goal=talk, status=GoalStatus.DONE)
    plans.add_learning(
        actor=owner,
        plan=plan,
        kind=LearningKind.BOOK,
        title="Designing Data-Intensive Applications",
        goal=sync,
    )
    item = plans.add_learning(
        actor=owner,
        plan=plan,
        kind=LearningKind.SHADOWING,
        title="Shadow a platform design review",
        competency=design[0] if design else None,
        goal=None if design else sync,
    )
    plans.set_learning_status(actor=owner, item=item, status=LearningStatus.IN_PROGRESS)
    plan.refresh_from_db()
    plan.owner = owner
    plans.comment_on_plan(
        actor=manager,
        plan=plan,
        body="Love the sync goal. Let's pair on the conflict resolution prototype; I'll ask "
        "the platform team for a design review slot.",
    )
    plan = _agree(plan, owner)
    plans.record_review(
        actor=manager,
        plan=plan,
        what_changed="The talk is done and went well. The onboarding goal is at risk: the new "
        "joiner's start moved, so we'll revisit the date at the next review.",
        next_review_on=today + timedelta(days=80),
    )


def _aisha(owner: Membership, today) -> None:
    if owner.manager is None:
        return
    focus = _competencies("Customer & business impact", "Innovation & calculated risk")
    plan = plans.save_plan(
        actor=owner,
        owner=owner,
        expected_version=0,
        aspirations="I want to move towards staff engineer: shaping what we build, not only "
        "how. I'd like to spend more time with customers and take a calculated risk or two.",
        target_level=_next_level(owner),
        focus=focus,
    )
    plans.add_goal(
        actor=owner,
        plan=plan,
        title="Run three customer interviews for the reporting revamp",
        success_criteria="Three interviews written up and shared, and one change to the "
        "roadmap that came from them.",
        competencies=focus[:1],
        start_on=today,
        target_on=today + timedelta(days=75),
    )
    plan.refresh_from_db()
    plan.owner = owner
    plans.sign_plan(actor=owner, plan=plan, expected_version=plan.version)


def _kwame(owner: Membership, today) -> None:
    if owner.manager is None:
        return
    focus = _competencies("Delivery & execution")
    plan = plans.save_plan(
        actor=owner,
        owner=owner,
        expected_version=0,
        aspirations="Get faster at shipping: smaller changes, earlier feedback.",
        focus=focus,
    )
    plans.add_goal(
        actor=owner,
        plan=plan,
        title="Split the billing export into weekly releases",
        success_criteria="Four releases in four weeks, none rolled back.",
        competencies=focus,
        start_on=today - timedelta(days=60),
        target_on=today - timedelta(days=5),
    )
    plan.refresh_from_db()
    plan.owner = owner
    _agree(plan, owner)


def seed_attention(organization: Organization, members: list[Membership]) -> None:
    """One goal at risk on the first team lead's dashboard (Aisha's customer interviews
    slipped). Idempotent."""
    if len(members) < 10:
        return
    lead = members[1]
    if Goal.objects.filter(plan__owner__manager=lead, status=GoalStatus.AT_RISK).exists():
        return
    goal = (
        Goal.objects.filter(plan__owner=members[6], status=GoalStatus.ON_TRACK)
        .select_related("plan__owner")
        .order_by("id")
        .first()
    )
    if goal is not None:
        plans.set_goal_status(actor=goal.plan.owner, goal=goal, status=GoalStatus.AT_RISK)
