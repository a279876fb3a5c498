from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "perfapp.tenancy"
    label = "tenancy"
    verbose_name = "Tenancy"
