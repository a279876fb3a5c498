from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = "Continuous feedback and check-ins"

    def ready(self) -> None:
        from perfapp.web import navigation

        navigation.register(navigation.NavItem("Feedback", "feedback:index", 10))
        navigation.register(navigation.NavItem("Check-ins", "feedback:checkins", 20))
