"""Everything recognition plugs into the core and into ``advancement``, in one place:
navigation, settings, the home panel, the team dashboard, notification kinds, audited
actions, evidence, 1:1 links and coaching signals, HR tools and demo data.
``RecognitionConfig.ready`` runs ``wire()`` (and imports this module there, once models
are loaded)."""

from django.urls import reverse

from advancement import evidence
from perfapp import coaching, links, search
from perfapp.analytics import registry as analytics
from perfapp.audit import models as audit
from perfapp.notifications.kinds import KINDS, NotificationKind
from perfapp.orgs import demo
from perfapp.orgs.roles import Permission
from perfapp.privacy import registry as privacy
from perfapp.web import dashboard, home, navigation, settings_areas
from recognition.analytics import recognition_tables
from recognition.audit import CatalogueAction, PointsAction
from recognition.coaching import RecognitionLinks, quiet_recognition
from recognition.dashboard import RecognitionColumns
from recognition.demo.points import seed_points
from recognition.demo.recognition import seed_recognition
from recognition.evidence import RecognitionEvidence
from recognition.panels import HOME_PANELS
from recognition.personal_data import PERSONAL_DATA

NOTIFICATION_KINDS = (
    NotificationKind("recognition.received", "Recognition for you", "A colleague recognized you."),
    NotificationKind(
        "recognition.for_report",
        "Recognition for your reports",
        "Someone recognized a person who reports to you.",
    ),
    NotificationKind(
        "recognition.comment",
        "Comments on recognition",
        "Someone commented on a recognition you gave or received.",
        email_by_default=False,
    ),
    NotificationKind(
        "recognition.redemption_decided",
        "Your reward requests",
        "HR approved or declined a reward you asked for.",
    ),
    NotificationKind(
        "recognition.quiet_reports",
        "Reports not recognized lately",
        "Weekly, for managers: direct reports nobody has recognized for a while.",
        is_reminder=True,
    ),
)

# (key, label, description, page): where HR sets up recognition, on the settings hub.
SETTINGS_AREAS = (
    (
        "recognition.settings",
        "Points and allowances",
        "Points on or off, what people may give each month, and when someone counts as not "
        "recognized lately.",
        "recognition:settings",
    ),
    (
        "recognition.values",
        "Company values",
        "The values people pick when they recognize a colleague.",
        "recognition:values",
    ),
    (
        "recognition.kinds",
        "Kinds of contribution",
        "Output, collaboration, mentorship…, and the competencies each counts for.",
        "recognition:kinds",
    ),
    (
        "recognition.rewards",
        "Rewards",
        "The catalogue people redeem points for, and the requests waiting for you.",
        "recognition:rewards",
    ),
)


def wire() -> None:
    navigation.ITEMS.register(navigation.NavItem("Recognition", "recognition:index", 40))
    for order, (key, label, description, url_name) in enumerate(SETTINGS_AREAS):
        settings_areas.AREAS.register(
            settings_areas.SettingsArea(
                key,
                "Recognition",
                label,
                description,
                url_name,
                Permission.MANAGE_RECOGNITION,
                order=order,
            )
        )
    home.PANELS.register_all(HOME_PANELS)
    dashboard.SOURCES.register(RecognitionColumns())  # last recognized
    KINDS.register_all(NOTIFICATION_KINDS)
    for actions in (CatalogueAction, PointsAction):
        audit.ACTIONS.register_all(actions.choices)

    # Recognition as evidence for readiness, as something a 1:1 can link to, and a
    # coaching signal when a report has not been recognized for a while.
    evidence.SOURCES.register(RecognitionEvidence())
    links.SOURCES.register(RecognitionLinks())
    coaching.PROVIDERS.register(coaching.Provider("recognition.quiet", quiet_recognition, order=30))

    # HR tools: analytics, people results link to the recognition profile, the personal
    # data export and erasure.
    analytics.CONTRIBUTIONS.register(
        analytics.Contribution("recognition", 30, "Recognition", recognition_tables)
    )
    search.PROFILE_PAGES.register(search.ProfilePage("recognition.profile", _profile_url))
    privacy.SOURCES.register(PERSONAL_DATA)

    demo.SEEDERS.register(demo.Seeder("recognition", seed_recognition, order=40))
    demo.SEEDERS.register(demo.Seeder("recognition.points", seed_points, order=50))


def _profile_url(org_slug: str, pk: int) -> str:
    return reverse("recognition:profile", kwargs={"org_slug": org_slug, "pk": pk})
