from django import forms

from perfapp.accounts.models import User
from perfapp.timezones import time_zone_choices


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        choices=lambda: [("", "Use my organization's time zone"), *time_zone_choices()],
        required=False,
        help_text="Reminders arrive during your daytime in this time zone.",
    )

    class Meta:
        model = User
        fields = ["name", "time_zone"]
        labels = {"name": "Your name"}
