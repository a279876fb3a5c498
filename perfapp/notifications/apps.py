from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "perfapp.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from . import kinds

        kinds.register_core_kinds()
