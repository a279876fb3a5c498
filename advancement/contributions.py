"""What the career framework contributes to the core's HR tools: analytics figures,
search, the personal data export and erasure."""


def register_contributions() -> None:
    from advancement.analytics import readiness_tables
    from advancement.personal_data import PERSONAL_DATA
    from advancement.search_sources import FrameworkSearch
    from perfapp import search
    from perfapp.analytics import registry
    from perfapp.privacy import registry as privacy

    registry.register(registry.Contribution("readiness", 50, "Career readiness", readiness_tables))
    privacy.register(PERSONAL_DATA)
    search.register(FrameworkSearch())
