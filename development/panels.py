"""What development plans add to the home page: your plan's status, your next milestone
and goals at risk; for managers, their reports' plans waiting for their sign-off."""

from datetime import date

from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.http import HttpRequest
from django.urls import reverse

from development.models import DevelopmentPlan, Goal, GoalStatus, Milestone
from development.selectors import stretch as stretch_selectors
from development.selectors.plans import OPEN, plan_status
from perfapp.compiled import CompiledQuery
from perfapp.timezones import local_today
from perfapp.web import home
from perfapp.web.home import HomePanel

WAITING_SHOWN = 10
AT_RISK_SHOWN = 5
STRETCH_SHOWN = 3


def _plans(organization_id: int, me: int, report_ids: list[int], today: date) -> QuerySet:
    """The reader's own plan and their reports' plans waiting for their sign-off, the
    reader's first, with goal counts and the next milestone."""
    upcoming = Milestone.objects.filter(
        goal__plan=OuterRef("pk"), goal__status__in=OPEN, done_at__isnull=True
    ).order_by("due_on", "goal__target_on", "position", "id")
    return (
        DevelopmentPlan.objects.filter(
            Q(owner_id=me)
            | Q(
                owner_id__in=report_ids,
                owner_signed_at__isnull=False,
                manager_signed_at__isnull=True,
            ),
            organization_id=organization_id,
        )
        .select_related("owner__user")
        .annotate(
            mine=Case(
                When(owner_id=me, then=Value(0)), default=Value(1), output_field=IntegerField()
            ),
            open_goals=Count("goals", filter=Q(goals__status__in=OPEN), distinct=True),
            at_risk=Count("goals", filter=Q(goals__status=GoalStatus.AT_RISK), distinct=True),
            overdue=Count(
                "goals", filter=Q(goals__status__in=OPEN, goals__target_on__lt=today), distinct=True
            ),
            next_title=Subquery(upcoming.values("title")[:1]),
            next_goal=Subquery(upcoming.values("goal__title")[:1]),
            next_due=Subquery(upcoming.values("due_on")[:1]),
        )
        .order_by("mine", "owner_signed_at", "id")[: WAITING_SHOWN + 1]
    )


# Every home page reads it; its annotations made it the costliest query to write (about
# 10 ms of the ORM's CPU a request): compiled once (perfapp/compiled.py).
_plans_for_home = CompiledQuery(_plans, params=("organization_id", "me", "report_ids", "today"))


def growth_panel(request: HttpRequest) -> dict | None:
    """The reader's own plan (with its goal counts and next milestone) and the plans of
    their reports that wait for their sign-off: one query (a manager's reports are the
    home page's shared read)."""
    me = request.membership
    # The reports' ids first (the home page's one read of them): ORing the owner with a
    # condition on the owner's manager made Postgres read every plan of the organization
    # (20,000, 2.9 ms) to find a few.
    report_ids = [report.pk for report in home.direct_reports(request)]
    today = local_today(me)
    rows = _plans_for_home(
        organization_id=me.organization_id, me=me.pk, report_ids=report_ids, today=today
    )
    plan = rows[0] if rows and rows[0].owner_id == me.pk else None
    waiting = [row for row in rows if row.owner_id != me.pk][:WAITING_SHOWN]
    at_risk_goals = []
    if plan is not None and plan.at_risk:
        at_risk_goals = list(
            Goal.objects.filter(plan=plan, status=GoalStatus.AT_RISK)
            .order_by("target_on", "id")
            .values("id", "title", "target_on")[:AT_RISK_SHOWN]
        )
    next_milestone = None
    if plan is not None and plan.next_title:
        next_milestone = {"title": plan.next_title, "goal": plan.next_goal, "due_on": plan.next_due}
    return {
        "plan": plan,
        "status": plan_status(plan),
        "view_flags": {"is_owner": True, "is_manager": False},
        "open_goals": getattr(plan, "open_goals", 0),
        "at_risk": getattr(plan, "at_risk", 0),
        "overdue": getattr(plan, "overdue", 0),
        "next_milestone": next_milestone,
        "next_review_due": bool(plan and plan.next_review_on and plan.next_review_on <= today),
        "waiting": waiting,
        "at_risk_goals": at_risk_goals,
    }


def growth_data(context: dict) -> dict:
    """The growth panel for the API: plain values, no model instances."""
    return {
        "status": context["status"],
        "open_goals": context["open_goals"],
        "at_risk": context["at_risk"],
        "overdue": context["overdue"],
        "goals_at_risk": context["at_risk_goals"],
        "next_milestone": context["next_milestone"],
        "next_review_due": context["next_review_due"],
        "waiting_for_sign_off": [
            {"id": plan.owner_id, "name": plan.owner.name} for plan in context["waiting"]
        ],
    }


def stretch_panel(request: HttpRequest) -> dict | None:
    """Open stretch assignments that build a focus competency of your plan. Hidden
    without a plan focus; otherwise shown, with an empty state. Four queries (focus,
    board, its competencies and teams)."""
    me = request.membership
    if not stretch_selectors.focus_competency_ids(me):
        return None
    board = stretch_selectors.board(me, today=local_today(me)).filter(focus_matches__gt=0)
    slug = request.organization.slug
    items = [
        {
            "id": row.pk,
            "title": row.title,
            "owner": row.owner.name,
            "competencies": [competency.name for competency in row.competencies.all()],
            "closes_on": row.closes_on,
            "interested": bool(row.my_status),
            "url": reverse("development:opportunity", kwargs={"org_slug": slug, "pk": row.pk}),
        }
        for row in board[:STRETCH_SHOWN]
    ]
    return {
        "items": items,
        "board_url": reverse("development:opportunities", kwargs={"org_slug": slug}),
    }


def _plain(context: dict) -> dict:
    return context


HOME_PANELS = (
    HomePanel("growth", 40, "development/panels/growth.html", growth_panel, growth_data),
    HomePanel("stretch", 42, "development/panels/stretch.html", stretch_panel, _plain),
)
