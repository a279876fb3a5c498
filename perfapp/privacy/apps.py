from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "perfapp.privacy"
    label = "privacy"
    verbose_name = "Data export and erasure"

    def ready(self) -> None:
        from perfapp.audit.models import register_actions

        from . import registry
        from .audit import PrivacyAction
        from .core_data import PERSONAL_DATA

        register_actions(PrivacyAction.choices)
        registry.register(PERSONAL_DATA)
