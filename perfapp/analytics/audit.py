from django.db import models


class AnalyticsAction(models.TextChoices):
    EXPORTED = "analytics.exported", "Analytics exported as CSV"
