from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "perfapp.analytics"
    label = "analytics"
    verbose_name = "HR analytics"

    def ready(self) -> None:
        from perfapp.audit.models import ACTIONS
        from perfapp.web import navigation

        from .audit import AnalyticsAction
        from .permissions import ANALYTICS_PERMISSION

        ACTIONS.register_all(AnalyticsAction.choices)
        navigation.ITEMS.register(
            navigation.NavItem("Analytics", "analytics:index", 105, ANALYTICS_PERMISSION)
        )
