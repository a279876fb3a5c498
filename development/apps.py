from django.apps import AppConfig


class DevelopmentConfig(AppConfig):
    name = "development"
    verbose_name = "Development"

    def ready(self) -> None:
        from perfapp.web import navigation

        navigation.register(navigation.NavItem("Growth", "development:index", 30))
        self._register_settings_areas()
        self._register_plans()
        self._register_mentoring_and_stretch()
        from development.dashboard import register_dashboard

        register_dashboard()  # team dashboard: plan status, goals at risk
        from development.contributions import register_contributions

        register_contributions()  # analytics, search, data export and erasure

    def _register_settings_areas(self) -> None:
        """Where HR sets how development plans are reviewed, on the settings hub."""
        from perfapp.orgs.roles import Permission
        from perfapp.web.settings_areas import SettingsArea, register

        register(
            SettingsArea(
                "development.settings",
                "Growth",
                "Development plans",
                "How often plans are reviewed, and how many people have one.",
                "development:settings",
                Permission.MANAGE_GROWTH,
            )
        )

    def _register_plans(self) -> None:
        """Development plans: notification kinds, audited actions, the goal evidence
        source, the home panel and the demo seeder."""
        from advancement import evidence
        from development.demo import seed_attention, seed_plans
        from development.evidence import GoalEvidence
        from development.panels import register_panels
        from development.services.plans import NOTIFICATION_KINDS, PlanAction
        from perfapp.audit.models import register_actions
        from perfapp.notifications import kinds
        from perfapp.orgs import demo

        for key, label, description, reminder in NOTIFICATION_KINDS:
            kinds.register(kinds.NotificationKind(key, label, description, is_reminder=reminder))
        register_actions(PlanAction.choices)
        evidence.register(GoalEvidence())
        register_panels()
        demo.register(seed_plans, order=60)
        demo.register(seed_attention, order=65)  # a goal at risk on a lead's dashboard

    def _register_mentoring_and_stretch(self) -> None:
        """Mentoring and stretch assignments: notification kinds, audited actions,
        evidence sources and the demo seeder."""
        from advancement import evidence
        from development.demo_growth import seed_growth
        from development.growth_evidence import MentoringEvidence, StretchEvidence
        from development.services import mentoring, stretch
        from perfapp.audit.models import register_actions
        from perfapp.notifications import kinds
        from perfapp.orgs import demo

        growth_kinds = (*mentoring.NOTIFICATION_KINDS, *stretch.NOTIFICATION_KINDS)
        for key, label, description in growth_kinds:
            kinds.register(kinds.NotificationKind(key, label, description))
        register_actions(mentoring.MentoringAction.choices)
        register_actions(stretch.StretchAction.choices)
        evidence.register(StretchEvidence())
        evidence.register(MentoringEvidence())
        self._register_readiness_remedies()
        self._register_promotion_outcomes()
        demo.register(seed_growth, order=70)

    def _register_readiness_remedies(self) -> None:
        """What the plan does about readiness gaps (goals, stretch, mentors)."""
        from advancement import remedies
        from development.readiness_remedies import DevelopmentRemedies

        remedies.register(DevelopmentRemedies())

    def _register_promotion_outcomes(self) -> None:
        """A "not yet" promotion decision adds goals to the person's plan."""
        from advancement import outcomes
        from development.promotion_outcomes import add_not_yet_goals

        outcomes.register(add_not_yet_goals)
