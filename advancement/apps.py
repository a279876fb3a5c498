from django.apps import AppConfig


class AdvancementConfig(AppConfig):
    name = "advancement"
    verbose_name = "Career framework"

    def ready(self) -> None:
        from advancement.audit import FrameworkAction
        from advancement.coaching import CriterionLinks, next_level_gaps
        from advancement.demo.framework import seed_framework
        from advancement.panels import register_panels
        from perfapp import coaching, links
        from perfapp.audit.models import register_actions
        from perfapp.notifications import kinds
        from perfapp.orgs import demo
        from perfapp.web import navigation

        navigation.register(navigation.NavItem("Career", "advancement:index", 50))
        self._register_settings_areas()
        register_actions(FrameworkAction.choices)
        demo.register(seed_framework, order=10)
        register_panels()
        from advancement.dashboard import register_dashboard

        register_dashboard()
        links.register(CriterionLinks())
        coaching.register("career.next_level_gaps", next_level_gaps, order=10)
        self._register_promotions()
        self._register_readiness()
        from advancement.contributions import register_contributions

        register_contributions()  # analytics, search, data export and erasure
        for key, label, description in (
            (
                "career.placement_changed",
                "Your career placement",
                "HR placed you on a track and level.",
            ),
            (
                "career.proposal_answered",
                "Answers to your framework proposals",
                "HR accepted, declined or wants to discuss a change you proposed.",
            ),
            (
                "career.proposal_published",
                "Your proposals published",
                "A change you proposed is part of a new framework version.",
            ),
        ):
            kinds.register(kinds.NotificationKind(key, label, description))

    def _register_settings_areas(self) -> None:
        """Where HR sets up the career framework and promotions, on the settings hub."""
        from perfapp.orgs.roles import Permission
        from perfapp.web.settings_areas import SettingsArea, register

        for order, (key, label, description, url_name, permission) in enumerate(
            (
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
        ):
            register(SettingsArea(key, "Career", label, description, url_name, permission, order))

    def _register_promotions(self) -> None:
        """Promotion rounds and cases: audited actions, notification kinds, the demo round."""
        from advancement.demo.promotions import seed_promotions
        from advancement.services.promotions import NOTIFICATION_KINDS, PromotionAction
        from perfapp.audit.models import register_actions
        from perfapp.notifications import kinds
        from perfapp.orgs import demo

        register_actions(PromotionAction.choices)
        for key, label, description in NOTIFICATION_KINDS:
            kinds.register(kinds.NotificationKind(key, label, description))
        # After every evidence seeder (feedback, recognition, growth), so packets hold evidence.
        demo.register(seed_promotions, order=90)

    def _register_readiness(self) -> None:
        """Assessments and readiness: audited actions and notification kinds."""
        from advancement.demo.readiness import seed_readiness
        from advancement.services.assessments import NOTIFICATION_KINDS, AssessmentAction
        from perfapp.audit.models import register_actions
        from perfapp.notifications import kinds
        from perfapp.orgs import demo

        register_actions(AssessmentAction.choices)
        demo.register(seed_readiness, order=80)  # after the evidence, before promotions
        for key, label, description in NOTIFICATION_KINDS:
            kinds.register(kinds.NotificationKind(key, label, description))
