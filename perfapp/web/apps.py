from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "perfapp.web"
    label = "web"
    verbose_name = "Pages"

    def ready(self) -> None:
        from .panels import register_core_panels

        register_core_panels()
