from django.db import models


class PrivacyAction(models.TextChoices):
    EXPORTED = "privacy.exported", "Personal data downloaded"
    ERASED = "privacy.erased", "Departed person's data erased"
