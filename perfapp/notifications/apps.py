from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "perfapp.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from . import kinds  # noqa: F401  (registers the core's notification kinds)
