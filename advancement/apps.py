from django.apps import AppConfig


class AdvancementConfig(AppConfig):
    name = "advancement"
    verbose_name = "Career framework"

    def ready(self) -> None:
        from advancement.wiring import wire

        wire()
