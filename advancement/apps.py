from django.apps import AppConfig


class AdvancementConfig(AppConfig):
    name = "advancement"
    verbose_name = "Career framework"

    def ready(self) -> None:
        from perfapp.web import navigation

        navigation.register(navigation.NavItem("Career", "advancement:index", 50))
