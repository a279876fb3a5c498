"""What recognition contributes to the core's HR tools: analytics figures, the personal
data export and erasure."""


def register_contributions() -> None:
    from django.urls import reverse

    from perfapp import search
    from perfapp.analytics import registry
    from perfapp.privacy import registry as privacy
    from recognition.analytics import recognition_tables
    from recognition.personal_data import PERSONAL_DATA

    registry.register(registry.Contribution("recognition", 30, "Recognition", recognition_tables))
    privacy.register(PERSONAL_DATA)
    search.register_profile_page(
        lambda slug, pk: reverse("recognition:profile", kwargs={"org_slug": slug, "pk": pk})
    )
