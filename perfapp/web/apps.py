from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "perfapp.web"
    label = "web"
    verbose_name = "Pages"

    def ready(self) -> None:
        from .home import PANELS
        from .panels import HOME_PANELS

        PANELS.register_all(HOME_PANELS)
