from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "perfapp.audit"
    label = "audit"
    verbose_name = "Audit log"
