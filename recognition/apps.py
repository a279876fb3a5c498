from django.apps import AppConfig


class RecognitionConfig(AppConfig):
    name = "recognition"
    verbose_name = "Recognition"

    def ready(self) -> None:
        from perfapp.web import navigation

        navigation.register(navigation.NavItem("Recognition", "recognition:index", 40))
