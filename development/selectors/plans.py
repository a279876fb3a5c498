"""Reads of development plans, always through the rules of ``permissions``.

Every function here answers in a fixed number of queries, whatever the number of goals,
milestones, learning items or reports: lists are loaded in one query each (with
``prefetch_related``) and counts come from annotations.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from advancement import snapshots
from advancement.evidence import evidence_for
from advancement.models import Competency
from advancement.selectors.framework import current_version
from advancement.selectors.placements import placement_of
from development.models import (
    DevelopmentPlan,
    DevelopmentSettings,
    Goal,
    GoalStatus,
    GoalVisibility,
    LearningItem,
    Milestone,
    PlanStatus,
)
from development.permissions.plans import can_edit_plan, is_manager_of
from development.services.plans import progress_of
from perfapp.orgs.models import Membership
from perfapp.timezones import local_today

EVIDENCE_WINDOW = timedelta(days=365)
HISTORY_SHOWN = 30
TEAM_GOALS_SHOWN = 12
OPEN = (GoalStatus.ON_TRACK, GoalStatus.AT_RISK)


# --- suggested focus: the gaps to the next level ---------------------------------------------


@dataclass(frozen=True)
class FocusSuggestion:
    """A competency the next level asks for, with what it asks and whether the person has
    evidence for it from the last year."""

    competency_id: int
    name: str
    expectation: str
    has_evidence: bool


@dataclass
class Gaps:
    track: dict | None = None
    level: dict | None = None
    next_level: dict | None = None
    suggestions: list[FocusSuggestion] = field(default_factory=list)

    @property
    def without_evidence(self) -> int:
        return sum(1 for s in self.suggestions if not s.has_evidence)

    @property
    def headline(self) -> list[FocusSuggestion]:
        """What to mention first: up to three criteria without evidence yet."""
        return [s for s in self.suggestions if not s.has_evidence][:3]


def next_level_gaps(owner: Membership, active_ids: set[int]) -> Gaps:
    """The criteria of the owner's next level (in the published framework) that name a
    competency in use; those without evidence in the last year first. Bounded queries:
    the placement, the version and one pass over the evidence sources."""
    placement = placement_of(owner)
    version = current_version() if placement is not None else None
    if placement is None or version is None:
        return Gaps()
    found = snapshots.find_level(version.snapshot, placement.level_id)
    if not found:
        return Gaps()
    track, level = found
    upcoming = snapshots.next_level(track, level)
    gaps = Gaps(track=track, level=level, next_level=upcoming)
    if upcoming is None:
        return gaps
    criteria = [
        c
        for c in upcoming["criteria"]
        if c["competency_id"] is not None and c["competency_id"] in active_ids
    ]
    if not criteria:
        return gaps
    now = timezone.now()
    evidence = evidence_for(
        owner, {c["competency_id"] for c in criteria}, now - EVIDENCE_WINDOW, now
    )
    shown: set[int] = set().union(*(item.competency_ids for item in evidence))
    suggestions = [
        FocusSuggestion(
            competency_id=c["competency_id"],
            name=snapshots.competency_name(version.snapshot, c["competency_id"]),
            expectation=c["expectation"],
            has_evidence=c["competency_id"] in shown,
        )
        for c in criteria
    ]
    gaps.suggestions = sorted(suggestions, key=lambda s: (s.has_evidence, s.name.lower()))
    return gaps


def active_competencies() -> list[Competency]:
    return list(Competency.objects.filter(archived_at__isnull=True).order_by("category", "name"))


# --- goals ----------------------------------------------------------------------------------


def with_progress(rows: QuerySet[Goal]) -> QuerySet[Goal]:
    """Goals annotated with how many milestones they have and how many are done."""
    return rows.annotate(
        milestone_total=Count("milestones", distinct=True),
        milestone_done=Count(
            "milestones", filter=Q(milestones__done_at__isnull=False), distinct=True
        ),
    )


def decorate(goal: Goal, today: date) -> Goal:
    """What a goal shows: its progress (from annotations or prefetched milestones) and
    whether it is past its target date while still open."""
    if hasattr(goal, "milestone_rows"):
        total = len(goal.milestone_rows)
        done = sum(1 for m in goal.milestone_rows if m.done_at is not None)
    else:
        total, done = getattr(goal, "milestone_total", 0), getattr(goal, "milestone_done", 0)
    goal.milestones_total, goal.milestones_done = total, done
    goal.progress = progress_of(goal, total, done)
    goal.overdue = goal.is_open and goal.target_on < today
    return goal


def visible_goals(viewer: Membership) -> QuerySet[Goal]:
    """Every goal the viewer may read: of their own plan and their direct reports' plans
    (all of them), and goals shared with the team by teammates, by people below the
    viewer's reports, or — for HR — by anyone."""
    from development.permissions.plans import is_growth_admin

    mine = Q(plan__owner=viewer) | Q(plan__owner__manager=viewer, plan__owner__is_active=True)
    shared = Q(visibility=GoalVisibility.TEAM) & (
        Q(plan__owner__team_id=viewer.team_id) if viewer.team_id else Q(pk__in=[])
    )
    if is_growth_admin(viewer):
        shared = Q(visibility=GoalVisibility.TEAM)
    else:
        below = people_below(viewer)
        if below:
            shared |= Q(visibility=GoalVisibility.TEAM, plan__owner_id__in=below)
    return Goal.objects.filter(mine | shared)


def people_below(viewer: Membership, max_depth: int = 50) -> set[int]:
    """Ids of everyone below the viewer's direct reports (skip-level and further down):
    one query per level of the hierarchy, never per person."""
    found: set[int] = set()
    frontier = set(Membership.objects.filter(manager=viewer).values_list("pk", flat=True))
    depth = 0
    while frontier and depth < max_depth:
        below = set(Membership.objects.filter(manager_id__in=frontier).values_list("pk", flat=True))
        below -= found
        found |= below
        frontier = below
        depth += 1
    return found


def team_goals(viewer: Membership) -> list[Goal]:
    """Open goals teammates shared with the team (not the viewer's own), soonest first."""
    if viewer.team_id is None:
        return []
    rows = (
        with_progress(
            Goal.objects.filter(
                visibility=GoalVisibility.TEAM,
                status__in=OPEN,
                plan__owner__team_id=viewer.team_id,
                plan__owner__is_active=True,
            ).exclude(plan__owner=viewer)
        )
        .select_related("plan__owner__user")
        .order_by("target_on", "id")[:TEAM_GOALS_SHOWN]
    )
    today = local_today(viewer)
    return [decorate(goal, today) for goal in rows]


# --- the plan page --------------------------------------------------------------------------


@dataclass
class PlanPage:
    owner: Membership
    plan: DevelopmentPlan | None
    full: bool  # the two people; False: the outline (skip-level managers, HR)
    is_owner: bool
    is_manager: bool
    today: date  # in the viewer's time zone
    focus: list[Competency] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    private_goals: int = 0  # outline readers: how many goals they do not see
    learning: list[LearningItem] = field(default_factory=list)  # for competencies
    comments: list = field(default_factory=list)
    events: list = field(default_factory=list)
    reviews: list = field(default_factory=list)
    review_every_months: int = 3

    @property
    def status(self) -> str:
        return plan_status(self.plan, viewer_is_manager=self.is_manager)

    @property
    def signed_by_me(self) -> bool:
        if self.plan is None:
            return False
        return bool(self.plan.owner_signed_at if self.is_owner else self.plan.manager_signed_at)

    @property
    def review_overdue(self) -> bool:
        plan = self.plan
        return bool(plan and plan.next_review_on and plan.next_review_on <= self.today)

    @property
    def open_goals(self) -> list[Goal]:
        return [goal for goal in self.goals if goal.is_open]

    @property
    def closed_goals(self) -> list[Goal]:
        return [goal for goal in self.goals if not goal.is_open]


def plan_status(plan: DevelopmentPlan | None, *, viewer_is_manager: bool = False) -> str:
    """none, draft, waiting_manager (the owner signed), waiting_owner (the manager
    signed), or agreed."""
    if plan is None:
        return "none"
    if plan.status == PlanStatus.AGREED:
        return "agreed"
    if plan.owner_signed_at and not plan.manager_signed_at:
        return "waiting_manager"
    if plan.manager_signed_at and not plan.owner_signed_at:
        return "waiting_owner"
    return "draft"


def plan_page(viewer: Membership, owner: Membership) -> PlanPage:
    """Everything the plan page shows this viewer. The caller checked ``can_see_outline``.
    Fixed queries: the plan, its focus, goals (+ competencies, milestones, learning),
    learning, comments, history, reviews and the settings."""
    full = can_edit_plan(viewer, owner)
    plan = (
        DevelopmentPlan.objects.select_related(
            "target_track", "target_level", "manager_signed_by__user"
        )
        .filter(owner=owner)
        .first()
    )
    page = PlanPage(
        owner=owner,
        plan=plan,
        full=full,
        is_owner=viewer.pk == owner.pk,
        is_manager=is_manager_of(viewer, owner),
        today=local_today(viewer),
        review_every_months=DevelopmentSettings.of(owner.organization).review_every_months,
    )
    if plan is None:
        return page
    plan.owner = owner
    page.focus = list(plan.focus_competencies.order_by("category", "name"))
    goals = (
        Goal.objects.filter(plan=plan)
        .prefetch_related(
            Prefetch("competencies", queryset=Competency.objects.order_by("name")),
            Prefetch(
                "milestones",
                queryset=Milestone.objects.order_by("position", "id"),
                to_attr="milestone_rows",
            ),
        )
        .order_by("target_on", "id")
    )
    if full:
        goals = goals.prefetch_related(
            Prefetch(
                "learning",
                queryset=LearningItem.objects.order_by("status", "id"),
                to_attr="learning_rows",
            )
        )
    else:
        page.private_goals = (
            Goal.objects.filter(plan=plan).exclude(visibility=GoalVisibility.TEAM).count()
        )
        goals = goals.filter(visibility=GoalVisibility.TEAM)
    page.goals = [decorate(goal, page.today) for goal in goals]
    page.reviews = list(plan.reviews.select_related("recorded_by__user")[:5]) if full else []
    if not full:
        return page
    page.learning = list(
        LearningItem.objects.filter(plan=plan, goal__isnull=True)
        .select_related("competency")
        .order_by("status", "id")
    )
    page.comments = list(plan.comments.select_related("author__user"))
    page.events = list(plan.events.select_related("actor__user")[:HISTORY_SHOWN])
    return page


# --- the manager's team ---------------------------------------------------------------------


@dataclass
class TeamRow:
    person: Membership
    plan: DevelopmentPlan | None
    status: str
    at_risk: int = 0
    overdue: int = 0
    open_goals: int = 0
    review_overdue: bool = False


def team_rows(manager: Membership) -> list[TeamRow]:
    """Each active direct report with their plan's status, reviews and goals at risk or
    overdue. Two queries, whatever the size of the team."""
    today = local_today(manager)
    reports = list(
        Membership.objects.select_related("user", "team")
        .filter(manager=manager, is_active=True)
        .order_by("user__name", "id")
    )
    plans = {
        plan.owner_id: plan
        for plan in DevelopmentPlan.objects.filter(owner__in=reports).annotate(
            goals_open=Count("goals", filter=Q(goals__status__in=OPEN), distinct=True),
            goals_at_risk=Count("goals", filter=Q(goals__status=GoalStatus.AT_RISK), distinct=True),
            goals_overdue=Count(
                "goals",
                filter=Q(goals__status__in=OPEN, goals__target_on__lt=today),
                distinct=True,
            ),
        )
    }
    rows = []
    for person in reports:
        plan = plans.get(person.pk)
        rows.append(
            TeamRow(
                person=person,
                plan=plan,
                status=plan_status(plan, viewer_is_manager=True),
                at_risk=getattr(plan, "goals_at_risk", 0),
                overdue=getattr(plan, "goals_overdue", 0),
                open_goals=getattr(plan, "goals_open", 0),
                review_overdue=bool(plan and plan.next_review_on and plan.next_review_on <= today),
            )
        )
    return rows


# --- HR: plan status across the organization, in aggregate ----------------------------------


def organization_figures(today: date) -> dict:
    """Counts only: how many active people have no plan, a draft or an agreed plan, and
    how many reviews are overdue. Nothing of any plan's content."""
    people = Membership.objects.filter(is_active=True).count()
    plans = DevelopmentPlan.objects.filter(owner__is_active=True).aggregate(
        total=Count("pk"),
        agreed=Count("pk", filter=Q(status=PlanStatus.AGREED)),
        reviews_overdue=Count("pk", filter=Q(next_review_on__lt=today)),
    )
    return {
        "people": people,
        "without_plan": max(people - plans["total"], 0),
        "draft": plans["total"] - plans["agreed"],
        "agreed": plans["agreed"],
        "reviews_overdue": plans["reviews_overdue"],
    }


def goal_for_card(pk: int, today: date) -> Goal:
    """One goal with everything its card shows (after an htmx change to it)."""
    goal = (
        Goal.objects.filter(pk=pk)
        .select_related("plan__owner__user")
        .prefetch_related(
            Prefetch("competencies", queryset=Competency.objects.order_by("name")),
            Prefetch(
                "milestones",
                queryset=Milestone.objects.order_by("position", "id"),
                to_attr="milestone_rows",
            ),
            Prefetch(
                "learning",
                queryset=LearningItem.objects.order_by("status", "id"),
                to_attr="learning_rows",
            ),
        )
        .get()
    )
    return decorate(goal, today)
