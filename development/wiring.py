"""Everything development plugs into the core and into ``advancement``, in one place:
navigation, settings, home panels, the team dashboard, notification kinds, audited
actions, evidence, readiness remedies, promotion outcomes, HR tools and demo data.
``DevelopmentConfig.ready`` runs ``wire()`` (and imports this module there, once
models are loaded)."""

from advancement import evidence, outcomes, remedies
from development.analytics import plan_tables
from development.audit import MentoringAction, PlanAction, StretchAction
from development.dashboard import PlanColumns
from development.demo import seed_attention, seed_plans
from development.demo_growth import seed_growth
from development.evidence import GoalEvidence
from development.growth_evidence import MentoringEvidence, StretchEvidence
from development.panels import HOME_PANELS
from development.personal_data import PERSONAL_DATA
from development.promotion_outcomes import add_not_yet_goals
from development.readiness_remedies import DevelopmentRemedies
from development.search_sources import GoalSearch, OpportunitySearch
from perfapp import search
from perfapp.analytics import registry as analytics
from perfapp.audit import models as audit
from perfapp.notifications.kinds import KINDS, NotificationKind
from perfapp.orgs import demo
from perfapp.orgs.roles import Permission
from perfapp.privacy import registry as privacy
from perfapp.web import dashboard, home, navigation, settings_areas

NOTIFICATION_KINDS = (
    NotificationKind(
        "development.plan",
        "Your development plan",
        "Sign-offs, agreement and comments on a plan you make with someone.",
    ),
    NotificationKind(
        "development.review_due",
        "Plan reviews due",
        "It is time to review a development plan together.",
        is_reminder=True,
    ),
    NotificationKind(
        "development.goal_overdue",
        "Goals past their target date",
        "A goal in a plan you make is past its target date and not done.",
        is_reminder=True,
    ),
    NotificationKind(
        "mentoring.request", "Mentoring requests", "A colleague asks you to mentor them."
    ),
    NotificationKind(
        "mentoring.answer", "Answers about mentoring", "A mentor accepted or declined your request."
    ),
    NotificationKind(
        "mentoring.closed", "Closed mentorships", "The other person closed your mentorship."
    ),
    NotificationKind(
        "stretch.interest",
        "Interest in your opportunities",
        "Someone would like to take on a stretch assignment you posted.",
    ),
    NotificationKind(
        "stretch.decision",
        "Stretch assignment decisions",
        "You were chosen, or not this time, or an opportunity you applied for changed.",
    ),
)


def wire() -> None:
    navigation.ITEMS.register(navigation.NavItem("Growth", "development:index", 30))
    settings_areas.AREAS.register(
        settings_areas.SettingsArea(
            "development.settings",
            "Growth",
            "Development plans",
            "How often plans are reviewed, and how many people have one.",
            "development:settings",
            Permission.MANAGE_GROWTH,
        )
    )
    home.PANELS.register_all(HOME_PANELS)
    dashboard.SOURCES.register(PlanColumns())  # plan status, goals at risk
    KINDS.register_all(NOTIFICATION_KINDS)
    for actions in (PlanAction, MentoringAction, StretchAction):
        audit.ACTIONS.register_all(actions.choices)

    # What advancement reads: evidence of growth, what a plan does about a readiness gap,
    # and the goals a "not yet" promotion decision adds to the person's plan.
    evidence.SOURCES.register_all((GoalEvidence(), StretchEvidence(), MentoringEvidence()))
    remedies.SOURCES.register(DevelopmentRemedies())
    outcomes.HANDLERS.register(add_not_yet_goals)

    # HR tools: analytics, search, the personal data export and erasure.
    analytics.CONTRIBUTIONS.register(
        analytics.Contribution("plans", 40, "Development plans", plan_tables)
    )
    search.SOURCES.register_all((GoalSearch(), OpportunitySearch()))
    privacy.SOURCES.register(PERSONAL_DATA)

    demo.SEEDERS.register(demo.Seeder("development.plans", seed_plans, order=60))
    # A goal at risk on a lead's dashboard.
    demo.SEEDERS.register(demo.Seeder("development.attention", seed_attention, order=65))
    demo.SEEDERS.register(demo.Seeder("development.growth", seed_growth, order=70))
