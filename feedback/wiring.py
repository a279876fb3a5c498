"""Everything feedback and check-ins plug into the core and into ``advancement``, in one
place: navigation, settings, home panels, the team dashboard, notification kinds, audited
actions, evidence, 1:1 links and coaching signals, HR tools and demo data.
``FeedbackConfig.ready`` runs ``wire()`` (and imports this module there, once models are
loaded)."""

from advancement import evidence
from feedback.analytics import checkin_tables, cycle_tables, feedback_tables
from feedback.audit import CheckinAction
from feedback.coaching import FeedbackLinks, PromptLinks, feedback_signals
from feedback.dashboard import CheckinColumns, FeedbackColumns
from feedback.demo.checkins import seed_attention, seed_checkins
from feedback.demo.feedback import seed_feedback
from feedback.evidence import FeedbackEvidence
from feedback.panels import HOME_PANELS
from feedback.personal_data import PERSONAL_DATA
from perfapp import coaching, links
from perfapp.analytics import registry as analytics
from perfapp.audit import models as audit
from perfapp.notifications.kinds import KINDS, NotificationKind
from perfapp.orgs import demo
from perfapp.orgs.roles import Permission
from perfapp.privacy import registry as privacy
from perfapp.web import dashboard, home, navigation, settings_areas

NOTIFICATION_KINDS = (
    NotificationKind("feedback.received", "Feedback for you", "Someone gave you feedback."),
    NotificationKind(
        "feedback.requested", "Requests for your feedback", "A colleague asks for your feedback."
    ),
    NotificationKind(
        "feedback.request_reminder",
        "Reminders about requests",
        "A request for your feedback is due or overdue.",
        is_reminder=True,
    ),
    NotificationKind(
        "feedback.request_answered",
        "Answers to your requests",
        "Someone answered a request you made about a report.",
    ),
    NotificationKind(
        "feedback.request_declined", "Declined requests", "Someone declined a request you made."
    ),
    NotificationKind(
        "feedback.cycle",
        "Feedback cycles",
        "A cycle asks for your feedback, or your results are ready.",
    ),
    NotificationKind(
        "feedback.cycle_reminder",
        "Cycle reminders",
        "A feedback cycle you review in is closing.",
        is_reminder=True,
    ),
    NotificationKind("checkin.series", "1:1 series", "Someone set up or proposes 1:1s with you."),
    NotificationKind(
        "checkin.prepare", "Before each 1:1", "Add your talking points before it.", is_reminder=True
    ),
    NotificationKind(
        "checkin.action_overdue",
        "Overdue action items",
        "A 1:1 action is overdue.",
        is_reminder=True,
    ),
    NotificationKind(
        "checkin.lapsed",
        "Lapsed 1:1s",
        "A 1:1 series has not met for too long.",
        is_reminder=True,
    ),
)

# (key, label, description, page): where HR sets up check-ins and feedback cycles.
SETTINGS_AREAS = (
    (
        "feedback.checkin_settings",
        "1:1 check-ins",
        "The default cadence, when a series counts as lapsed, reminders before each 1:1 and "
        "the weekly update.",
        "feedback:checkin_settings",
    ),
    (
        "feedback.prompts",
        "Coaching prompts",
        "The questions managers can pull into a 1:1 agenda, by theme.",
        "feedback:prompts",
    ),
    (
        "feedback.cycles",
        "Feedback cycles",
        "360 rounds: questions, reviewers, dates and anonymity.",
        "feedback:cycles",
    ),
)


def wire() -> None:
    navigation.ITEMS.register(navigation.NavItem("Feedback", "feedback:index", 10))
    navigation.ITEMS.register(navigation.NavItem("Check-ins", "feedback:checkins", 20))
    for key, label, description, url_name in SETTINGS_AREAS:
        settings_areas.AREAS.register(
            settings_areas.SettingsArea(
                key,
                "Feedback and check-ins",
                label,
                description,
                url_name,
                Permission.MANAGE_CYCLES,
            )
        )
    # Home: the next 1:1, requests waiting, recent feedback. Team dashboard: check-ins,
    # action items and feedback counts.
    home.PANELS.register_all(HOME_PANELS)
    dashboard.SOURCES.register_all((CheckinColumns(), FeedbackColumns()))
    KINDS.register_all(NOTIFICATION_KINDS)
    audit.ACTIONS.register_all(CheckinAction.choices)

    # Feedback as evidence for readiness; feedback and coaching prompts as what a 1:1 can
    # link to; "no feedback lately" as a coaching signal.
    evidence.SOURCES.register(FeedbackEvidence())
    links.SOURCES.register_all((FeedbackLinks(), PromptLinks()))
    coaching.PROVIDERS.register(coaching.Provider("feedback.signals", feedback_signals, order=20))

    # HR tools: analytics, the personal data export and erasure.
    analytics.CONTRIBUTIONS.register_all(
        (
            analytics.Contribution("feedback", 10, "Feedback", feedback_tables),
            analytics.Contribution("checkins", 20, "1:1 check-ins", checkin_tables),
            analytics.Contribution("cycles", 60, "Feedback cycles", cycle_tables),
        )
    )
    privacy.SOURCES.register(PERSONAL_DATA)

    demo.SEEDERS.register(demo.Seeder("feedback", seed_feedback, order=20))
    demo.SEEDERS.register(demo.Seeder("feedback.checkins", seed_checkins, order=30))
    # A lapsed 1:1 and an overdue action item.
    demo.SEEDERS.register(demo.Seeder("feedback.attention", seed_attention, order=35))
