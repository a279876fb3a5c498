"""What feedback and check-ins contribute to the core's HR tools: analytics figures,
search, the personal data export and erasure."""


def register_contributions() -> None:
    from feedback.analytics import checkin_tables, cycle_tables, feedback_tables
    from feedback.personal_data import PERSONAL_DATA
    from perfapp.analytics import registry
    from perfapp.privacy import registry as privacy

    registry.register(registry.Contribution("feedback", 10, "Feedback", feedback_tables))
    registry.register(registry.Contribution("checkins", 20, "1:1 check-ins", checkin_tables))
    registry.register(registry.Contribution("cycles", 60, "Feedback cycles", cycle_tables))
    privacy.register(PERSONAL_DATA)
