from django.apps import AppConfig


class RecognitionConfig(AppConfig):
    name = "recognition"
    verbose_name = "Recognition"

    def ready(self) -> None:
        from perfapp.web import navigation

        navigation.register(navigation.NavItem("Recognition", "recognition:index", 40))
        self._register_settings_areas()
        self._register_giving_and_wall()
        self._register_points_and_insights()
        from recognition.dashboard import register_dashboard

        register_dashboard()  # team dashboard: last recognized
        from recognition.contributions import register_contributions

        register_contributions()  # analytics, search, data export and erasure

    def _register_settings_areas(self) -> None:
        """Where HR sets up recognition, on the settings hub."""
        from perfapp.orgs.roles import Permission
        from perfapp.web.settings_areas import SettingsArea, register

        for order, (key, label, description, url_name) in enumerate(
            (
                (
                    "recognition.settings",
                    "Points and allowances",
                    "Points on or off, what people may give each month, and when someone "
                    "counts as not recognized lately.",
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
        ):
            register(
                SettingsArea(
                    key,
                    "Recognition",
                    label,
                    description,
                    url_name,
                    Permission.MANAGE_RECOGNITION,
                    order=order,
                )
            )

    def _register_giving_and_wall(self) -> None:
        """Giving, the wall, values and kinds: evidence, 1:1 links and coaching signals,
        the home panel, audit actions, notification kinds and demo data."""
        from advancement import evidence
        from perfapp import coaching, links
        from perfapp.audit.models import register_actions
        from perfapp.notifications import kinds
        from perfapp.orgs import demo
        from recognition.coaching import RecognitionLinks, quiet_recognition
        from recognition.demo.recognition import seed_recognition
        from recognition.evidence import RecognitionEvidence
        from recognition.panels import register_panels
        from recognition.services.values import CatalogueAction

        evidence.register(RecognitionEvidence())
        links.register(RecognitionLinks())
        coaching.register("recognition.quiet", quiet_recognition, order=30)
        register_panels()
        register_actions(CatalogueAction.choices)
        demo.register(seed_recognition, order=40)
        for key, label, description, email in (
            ("recognition.received", "Recognition for you", "A colleague recognized you.", True),
            (
                "recognition.for_report",
                "Recognition for your reports",
                "Someone recognized a person who reports to you.",
                True,
            ),
            (
                "recognition.comment",
                "Comments on recognition",
                "Someone commented on a recognition you gave or received.",
                False,
            ),
        ):
            kinds.register(kinds.NotificationKind(key, label, description, email_by_default=email))

    def _register_points_and_insights(self) -> None:
        """Points, rewards, insights and the weekly nudge: audit actions, notification
        kinds and demo data."""
        from perfapp.audit.models import register_actions
        from perfapp.notifications import kinds
        from perfapp.orgs import demo
        from recognition.demo.points import seed_points
        from recognition.services.audit import PointsAction

        register_actions(PointsAction.choices)
        demo.register(seed_points, order=50)
        kinds.register(
            kinds.NotificationKind(
                "recognition.redemption_decided",
                "Your reward requests",
                "HR approved or declined a reward you asked for.",
            )
        )
        kinds.register(
            kinds.NotificationKind(
                "recognition.quiet_reports",
                "Reports not recognized lately",
                "Weekly, for managers: direct reports nobody has recognized for a while.",
                is_reminder=True,
            )
        )
