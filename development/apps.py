from django.apps import AppConfig


class DevelopmentConfig(AppConfig):
    name = "development"
    verbose_name = "Development"

    def ready(self) -> None:
        from development.wiring import wire

        wire()
