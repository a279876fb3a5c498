from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "perfapp.orgs"
    label = "orgs"
    verbose_name = "Organizations and people"
