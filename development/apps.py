from django.apps import AppConfig


class DevelopmentConfig(AppConfig):
    name = "development"
    verbose_name = "Development"

    def ready(self) -> None:
        from perfapp.web import navigation

        navigation.register(navigation.NavItem("Growth", "development:index", 30))
