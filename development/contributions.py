"""What development contributes to the core's HR tools: analytics figures, search, the
personal data export and erasure."""


def register_contributions() -> None:
    from development.analytics import plan_tables
    from development.personal_data import PERSONAL_DATA
    from development.search_sources import GoalSearch, OpportunitySearch
    from perfapp import search
    from perfapp.analytics import registry
    from perfapp.privacy import registry as privacy

    registry.register(registry.Contribution("plans", 40, "Development plans", plan_tables))
    privacy.register(PERSONAL_DATA)
    search.register(GoalSearch())
    search.register(OpportunitySearch())
