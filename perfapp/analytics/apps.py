from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "perfapp.analytics"
    label = "analytics"
    verbose_name = "HR analytics"

    def ready(self) -> None:
        from perfapp.audit.models import register_actions
        from perfapp.web import navigation

        from .audit import AnalyticsAction
        from .permissions import ANALYTICS_PERMISSION

        register_actions(AnalyticsAction.choices)
        navigation.register(
            navigation.NavItem("Analytics", "analytics:index", 105, ANALYTICS_PERMISSION)
        )
