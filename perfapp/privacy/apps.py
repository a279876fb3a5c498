from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "perfapp.privacy"
    label = "privacy"
    verbose_name = "Data export and erasure"

    def ready(self) -> None:
        from perfapp.audit.models import ACTIONS

        from .audit import PrivacyAction
        from .core_data import PERSONAL_DATA
        from .registry import SOURCES

        ACTIONS.register_all(PrivacyAction.choices)
        SOURCES.register(PERSONAL_DATA)
