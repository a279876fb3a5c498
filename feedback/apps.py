from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = "Continuous feedback and check-ins"

    def ready(self) -> None:
        from advancement import evidence
        from feedback.coaching import FeedbackLinks, PromptLinks, feedback_signals
        from feedback.demo.checkins import seed_attention, seed_checkins
        from feedback.demo.feedback import seed_feedback
        from feedback.evidence import FeedbackEvidence
        from feedback.services.checkins import CheckinAction
        from perfapp import coaching, links
        from perfapp.audit.models import register_actions
        from perfapp.notifications import kinds
        from perfapp.orgs import demo
        from perfapp.web import navigation

        navigation.register(navigation.NavItem("Feedback", "feedback:index", 10))
        navigation.register(navigation.NavItem("Check-ins", "feedback:checkins", 20))
        self._register_settings_areas()
        evidence.register(FeedbackEvidence())
        links.register(FeedbackLinks())
        links.register(PromptLinks())
        coaching.register("feedback.signals", feedback_signals, order=20)
        register_actions(CheckinAction.choices)
        demo.register(seed_feedback, order=20)
        demo.register(seed_checkins, order=30)
        demo.register(seed_attention, order=35)  # a lapsed 1:1 and an overdue action
        from feedback.dashboard import register_dashboard
        from feedback.panels import register_panels

        register_panels()  # home: next 1:1, action items, requests, recent feedback
        register_dashboard()  # team dashboard: check-ins, action items, feedback counts
        from feedback.contributions import register_contributions

        register_contributions()  # analytics, search, data export and erasure
        for key, label, description, reminder in (
            ("feedback.received", "Feedback for you", "Someone gave you feedback.", False),
            (
                "feedback.requested",
                "Requests for your feedback",
                "A colleague asks for your feedback.",
                False,
            ),
            (
                "feedback.request_reminder",
                "Reminders about requests",
                "A request for your feedback is due or overdue.",
                True,
            ),
            (
                "feedback.request_answered",
                "Answers to your requests",
                "Someone answered a request you made about a report.",
                False,
            ),
            (
                "feedback.request_declined",
                "Declined requests",
                "Someone declined a request you made.",
                False,
            ),
            (
                "feedback.cycle",
                "Feedback cycles",
                "A cycle asks for your feedback, or your results are ready.",
                False,
            ),
            (
                "feedback.cycle_reminder",
                "Cycle reminders",
                "A feedback cycle you review in is closing.",
                True,
            ),
            ("checkin.series", "1:1 series", "Someone set up or proposes 1:1s with you.", False),
            ("checkin.prepare", "Before each 1:1", "Add your talking points before it.", True),
            ("checkin.action_overdue", "Overdue action items", "A 1:1 action is overdue.", True),
            ("checkin.lapsed", "Lapsed 1:1s", "A 1:1 series has not met for too long.", True),
        ):
            kinds.register(kinds.NotificationKind(key, label, description, is_reminder=reminder))

    def _register_settings_areas(self) -> None:
        """Where HR sets up check-ins and feedback cycles, on the settings hub."""
        from perfapp.orgs.roles import Permission
        from perfapp.web.settings_areas import SettingsArea, register

        section = "Feedback and check-ins"
        for key, label, description, url_name in (
            (
                "feedback.checkin_settings",
                "1:1 check-ins",
                "The default cadence, when a series counts as lapsed, reminders before "
                "each 1:1 and the weekly update.",
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
        ):
            register(
                SettingsArea(key, section, label, description, url_name, Permission.MANAGE_CYCLES)
            )
