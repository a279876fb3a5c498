from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = "Continuous feedback and check-ins"

    def ready(self) -> None:
        from feedback.wiring import wire

        wire()
