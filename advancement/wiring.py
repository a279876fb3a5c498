"""Everything the career framework plugs into the core, in one place: navigation,
settings, the home panel, the team dashboard, notification kinds, audited actions, 1:1
links and coaching signals, HR tools and demo data. (What the leaf apps plug into
``advancement`` is in their own wiring.) ``AdvancementConfig.ready`` runs ``wire()`` (and
imports this module there, once models are loaded)."""

from advancement.analytics import readiness_tables
from advancement.audit import AssessmentAction, FrameworkAction, PromotionAction
from advancement.coaching import CriterionLinks, next_level_gaps
from advancement.dashboard import ReadinessColumns, career_data, career_panel
from advancement.demo.framework import seed_framework
from advancement.demo.promotions import seed_promotions
from advancement.demo.readiness import seed_readiness
from advancement.personal_data import PERSONAL_DATA
from advancement.search_sources import FrameworkSearch
from perfapp import coaching, links, search
from perfapp.analytics import registry as analytics
from perfapp.audit import models as audit
from perfapp.notifications.kinds import KINDS, NotificationKind
from perfapp.orgs import demo
from perfapp.orgs.roles import Permission
from perfapp.privacy import registry as privacy
from perfapp.web import dashboard, home, navigation, settings_areas

NOTIFICATION_KINDS = (
    NotificationKind(
        "career.placement_changed", "Your career placement", "HR placed you on a track and level."
    ),
    NotificationKind(
        "career.proposal_answered",
        "Answers to your framework proposals",
        "HR accepted, declined or wants to discuss a change you proposed.",
    ),
    NotificationKind(
        "career.proposal_published",
        "Your proposals published",
        "A change you proposed is part of a new framework version.",
    ),
    NotificationKind(
        "career.assessment_started",
        "Assessments of your work",
        "You or your manager started an assessment against your levels.",
    ),
    NotificationKind(
        "career.assessment_completed",
        "Completed assessments",
        "Both sides of an assessment are in: read them side by side.",
    ),
    NotificationKind(
        "career.promotion_case",
        "Your promotion case",
        "A case for your promotion was opened, submitted or decided.",
    ),
    NotificationKind(
        "career.endorsement_requested",
        "Endorsement requests",
        "A colleague asks you to endorse someone's promotion case.",
    ),
    NotificationKind(
        "career.promotion_to_apply",
        "Promotions to apply",
        "A promotion could not take effect by itself and waits for HR.",
    ),
)

# (key, label, description, page, permission): where HR sets up the framework and
# promotions, on the settings hub.
SETTINGS_AREAS = (
    (
        "career.draft",
        "Career framework",
        "Tracks, levels and criteria in a draft; publish it as a new version.",
        "advancement:draft",
        Permission.MANAGE_FRAMEWORK,
    ),
    (
        "career.competencies",
        "Competencies",
        "The library of competencies that criteria, feedback and goals use.",
        "advancement:competencies",
        Permission.MANAGE_FRAMEWORK,
    ),
    (
        "career.placements",
        "Placements",
        "Who is on which track and level.",
        "advancement:placements",
        Permission.MANAGE_FRAMEWORK,
    ),
    (
        "career.promotion_rounds",
        "Promotion rounds",
        "Nomination windows, the tracks they cover and who calibrates.",
        "advancement:promotion_rounds",
        Permission.MANAGE_PROMOTIONS,
    ),
)


def wire() -> None:
    navigation.ITEMS.register(navigation.NavItem("Career", "advancement:index", 50))
    for order, (key, label, description, url_name, permission) in enumerate(SETTINGS_AREAS):
        settings_areas.AREAS.register(
            settings_areas.SettingsArea(
                key, "Career", label, description, url_name, permission, order
            )
        )
    # Home: your readiness at a glance (dashboard.py reads it with the team's).
    home.PANELS.register(
        home.HomePanel("career", 30, "advancement/panels/career.html", career_panel, career_data)
    )
    dashboard.SOURCES.register(ReadinessColumns())
    KINDS.register_all(NOTIFICATION_KINDS)
    for actions in (FrameworkAction, AssessmentAction, PromotionAction):
        audit.ACTIONS.register_all(actions.choices)

    # A 1:1 can link to a criterion; the next level's criteria with no evidence yet are a
    # coaching signal.
    links.SOURCES.register(CriterionLinks())
    coaching.PROVIDERS.register(
        coaching.Provider("career.next_level_gaps", next_level_gaps, order=10)
    )

    # HR tools: analytics, search, the personal data export and erasure.
    analytics.CONTRIBUTIONS.register(
        analytics.Contribution("readiness", 50, "Career readiness", readiness_tables)
    )
    search.SOURCES.register(FrameworkSearch())
    privacy.SOURCES.register(PERSONAL_DATA)

    demo.SEEDERS.register(demo.Seeder("career.framework", seed_framework, order=10))
    # After the evidence, before promotions.
    demo.SEEDERS.register(demo.Seeder("career.readiness", seed_readiness, order=80))
    # After every evidence seeder (feedback, recognition, growth), so packets hold evidence.
    demo.SEEDERS.register(demo.Seeder("career.promotions", seed_promotions, order=90))
